import { type ChatStreamPart, encodeSse, isChatStreamError } from "@cmp/transform";

/**
 * Serialises the chunks of one Chat Completions stream as SSE `data:` frames, byte for byte what
 * `encodeSse` writes, but with the envelope (`id`, `object`, `created`, `model`) serialised once per
 * stream: only each chunk's `delta` and `finish_reason` are stringified per chunk.
 */
export function createChunkEncoder(): (part: ChatStreamPart) => string {
  let prefixFor: { id: string; created: number; model: string; text: string } | undefined;
  return (part) => {
    if (isChatStreamError(part) || part.choices.length !== 1 || part.object !== "chat.completion.chunk") {
      return encodeSse(part);
    }
    const choice = part.choices[0]!;
    const keys = Object.keys(part);
    const hasUsage = keys.length === 6 && keys[5] === "usage";
    if (!(keys.length === 5 || hasUsage) || Object.keys(choice).length !== 4 || choice.logprobs !== null) {
      return encodeSse(part);
    }
    if (
      prefixFor === undefined ||
      prefixFor.id !== part.id ||
      prefixFor.created !== part.created ||
      prefixFor.model !== part.model
    ) {
      prefixFor = {
        id: part.id,
        created: part.created,
        model: part.model,
        text: `data: {"id":${JSON.stringify(part.id)},"object":"chat.completion.chunk","created":${part.created},"model":${JSON.stringify(part.model)},"choices":[{"index":`,
      };
    }
    const finish = choice.finish_reason === null ? "null" : JSON.stringify(choice.finish_reason);
    const usage = hasUsage ? `,"usage":${JSON.stringify(part.usage ?? null)}` : "";
    return `${prefixFor.text}${choice.index},"delta":${JSON.stringify(choice.delta)},"logprobs":null,"finish_reason":${finish}}]${usage}}\n\n`;
  };
}
