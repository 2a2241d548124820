import type { ChatCompletionRequest, ChatMessage } from "./chat-completions-api.js";

/** The text of a message's content, parts joined without separators. */
export function messageText(content: ChatMessage["content"]): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "refusal") text += part.refusal;
  }
  return text;
}

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
