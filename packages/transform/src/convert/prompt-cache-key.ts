import { hash } from "node:crypto";

/**
 * A stable, UUID-shaped key derived from the instructions and the first user message, so
 * every turn of one conversation lands on the same upstream prompt cache (and `session_id`).
 * It does not depend on the client's `user` field.
 */
export function derivePromptCacheKey(instructions: string, firstUserMessage: string): string {
  const hex = hash("sha256", `${instructions}\u0000${firstUserMessage}`, "hex");
  // RFC 4122 layout with version 5 and variant bits, like a name-based UUID.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
