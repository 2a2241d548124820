import type { ChatMessage } from "./chat-completions-api.js";

/**
 * The text of a message's content: a string as is, or the `text` and `refusal` parts joined
 * without separators (images, files and audio carry no text).
 */
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
