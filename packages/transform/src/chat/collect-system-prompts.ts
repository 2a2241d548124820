import type { ChatCompletionRequest } from "./chat-completions-api.js";
import { messageText } from "./message-text.js";

/**
 * The texts of the request's `system` and `developer` messages, in order. The server hands
 * them to `@cmp/instructions` `selectInstructions()` to choose the upstream `instructions`.
 */
export function collectSystemPrompts(request: Pick<ChatCompletionRequest, "messages">): string[] {
  const prompts: string[] = [];
  for (const message of request.messages) {
    if (message.role === "system" || message.role === "developer") prompts.push(messageText(message.content));
  }
  return prompts;
}
