import type { ChatStreamPart } from "../chat/chat-completion-output-api.js";
import { encodeSse } from "./encode-sse.js";

/**
 * Creates an SSE encoder for one Chat Completions stream. Plain content chunks (most of a
 * stream) are written from a cached prefix plus the escaped text, which gives exactly the bytes
 * `encodeSse(chunk)` gives, at a fraction of the cost; every other part goes through `encodeSse`.
 */
export function createChatChunkEncoder(): (part: ChatStreamPart) => string {
  let key: { id: string; created: number; model: string } | null = null;
  let prefix = "";
  return (part) => {
    if ("error" in part) return encodeSse(part);
    const choice = part.choices.length === 1 ? part.choices[0] : undefined;
    const content = choice?.delta.content;
    if (
      choice === undefined ||
      content === undefined ||
      choice.index !== 0 ||
      choice.finish_reason !== null ||
      choice.logprobs !== null ||
      Object.keys(choice.delta).length !== 1 ||
      (part.usage !== undefined && part.usage !== null) ||
      !Number.isFinite(part.created)
    ) {
      return encodeSse(part);
    }
    if (key === null || key.id !== part.id || key.created !== part.created || key.model !== part.model) {
      key = { id: part.id, created: part.created, model: part.model };
      prefix = `data: {"id":${JSON.stringify(part.id)},"object":"chat.completion.chunk","created":${JSON.stringify(part.created)},"model":${JSON.stringify(part.model)},"choices":[{"index":0,"delta":{"content":`;
    }
    const tail = part.usage === null ? ',"usage":null}\n\n' : "}\n\n";
    return `${prefix}${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]${tail}`;
  };
}
