import { hash } from "node:crypto";

/**
 * A stable, UUID-shaped key derived from the conversation's leading system prompt text and its first
 * user message, so every turn of one conversation lands on the same upstream prompt cache (the
 * `session-id` header pins the conversation to a backend server). Neither later system messages nor
 * the instructions mode take part, so adding a system message mid-conversation keeps the key.
 */
export function derivePromptCacheKey(leadingSystemText: string, firstUserMessage: string): string {
  const hex = hash("sha256", `${leadingSystemText}\u0000${firstUserMessage}`, "hex");
  // RFC 4122 layout with version 5 and variant bits, like a name-based UUID.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What {@link resolvePromptCacheKey} chooses from. */
export interface PromptCacheKeySource {
  /** The request's `prompt_cache_key`. */
  clientKey: string | null | undefined;
  /** The request's `user`: OpenAI's older cache-routing field, used when there is no `prompt_cache_key`. */
  user: string | null | undefined;
  /** The leading system/developer prompts (the ones that become `instructions`), in order. */
  leadingSystemPrompts: readonly string[];
  /** The first user message's text; only called when the key must be derived. */
  firstUserText: () => string;
}

// The key travels in the `session-id` header too: it must be a short, printable header value.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

function clientChosen(value: string | null | undefined): string | null {
  if (!value) return null;
  // A key that cannot be a header value (non-ASCII, control characters, very long) is hashed into a
  // UUID: still stable per client key, and the body and the header stay equal.
  return HEADER_SAFE.test(value) ? value : derivePromptCacheKey("\u0001client-key", value);
}

/**
 * The conversation's prompt cache key, sent as the body's `prompt_cache_key` and as the `session-id`
 * and `thread-id` headers: the client's own `prompt_cache_key`, else its `user`, else a stable UUID from
 * the leading system prompts (non-empty ones joined by blank lines, like `instructions` in client mode)
 * and the first user message.
 */
export function resolvePromptCacheKey(source: PromptCacheKeySource): string {
  const chosen = clientChosen(source.clientKey) ?? clientChosen(source.user);
  if (chosen !== null) return chosen;
  let leading = "";
  for (const prompt of source.leadingSystemPrompts) {
    if (prompt.trim() === "") continue;
    leading = leading === "" ? prompt : `${leading}\n\n${prompt}`;
  }
  return derivePromptCacheKey(leading, source.firstUserText());
}
