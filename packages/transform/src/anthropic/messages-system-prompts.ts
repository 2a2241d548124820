import type { MessagesRequest } from "./messages-request-api.js";

/**
 * The texts of a Messages request's `system` (a string, or each text block in order; `cache_control`
 * ignored). The server hands them to `@cmp/instructions` `selectInstructions()`, exactly as the chat
 * route hands over its leading system messages, so they become the upstream `instructions` (or, in
 * codex mode, `developer` messages).
 */
export function collectMessagesSystemPrompts(request: Pick<MessagesRequest, "system">): string[] {
  const system = request.system;
  if (system === null || system === undefined) return [];
  if (typeof system === "string") return [system];
  return system.map((block) => block.text);
}
