import type { ChatCompletionRequest, ChatMessage } from "./chat-completions-api.js";
import { messageText } from "./message-text.js";

const isSystem = (message: ChatMessage): boolean => message.role === "system" || message.role === "developer";

/**
 * How many `system` / `developer` messages open the conversation (before its first other message).
 * Only these become the upstream `instructions`; a system message that comes later stays in place, as
 * a `developer` input item, so adding one mid-conversation changes neither the instructions nor the
 * prompt cache key, and the cached prefix before it survives.
 */
export function countLeadingSystemMessages(messages: readonly ChatMessage[]): number {
  let count = 0;
  while (count < messages.length && isSystem(messages[count] as ChatMessage)) count++;
  return count;
}

/**
 * The texts of the request's leading `system` and `developer` messages, in order (see
 * {@link countLeadingSystemMessages}). The server hands them to `@cmp/instructions`
 * `selectInstructions()` to choose the upstream `instructions`.
 */
export function collectSystemPrompts(request: Pick<ChatCompletionRequest, "messages">): string[] {
  const prompts: string[] = [];
  const leading = countLeadingSystemMessages(request.messages);
  for (let i = 0; i < leading; i++) prompts.push(messageText((request.messages[i] as ChatMessage).content));
  return prompts;
}
