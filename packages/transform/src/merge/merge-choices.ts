import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionUsage,
  type ChatStreamPart,
  isChatStreamError,
} from "../chat/chat-completion-output-api.js";
import { sumUsage } from "../stream/map-usage.js";

/** A copy of `chunk` whose choices all carry `index`. */
export function reindexChunk(chunk: ChatCompletionChunk, index: number): ChatCompletionChunk {
  return { ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, index })) };
}

/**
 * Merges the completions of `n` upstream requests into one `chat.completion` with `choices[i]`
 * from the i-th completion and the usages summed. Id, created and model come from the first.
 */
export function mergeChatCompletions(completions: readonly ChatCompletion[]): ChatCompletion {
  const first = completions[0];
  if (!first) throw new TypeError("mergeChatCompletions needs at least one completion");
  return {
    ...first,
    choices: completions.map((completion, i) => {
      const choice = completion.choices[0];
      if (!choice) throw new TypeError(`completion ${i} has no choice`);
      return { ...choice, index: i };
    }),
    usage: sumUsage(completions.map((completion) => completion.usage)),
  };
}

/** Options of {@link mergeChatChunkStreams}. */
export interface MergeChunkStreamsOptions {
  /** Emit one final usage chunk with the sum (the inputs must be mapped with `includeUsage: true`). */
  includeUsage: boolean;
}

/**
 * Merges the chunk streams of `n` upstream requests (each mapped with `includeUsage: true`) into
 * one stream: chunks re-indexed to `index: i` and given the first stream's id and created, the
 * per-stream usage chunks replaced by one final chunk with the summed usage (when asked for).
 * The first error object ends the merged stream and cancels the other inputs.
 */
export function mergeChatChunkStreams(
  streams: readonly ReadableStream<ChatStreamPart>[],
  options: MergeChunkStreamsOptions,
): ReadableStream<ChatStreamPart> {
  const readers = streams.map((stream) => stream.getReader());
  const reads = new Map<
    number,
    Promise<{ i: number; result: Awaited<ReturnType<ReadableStreamDefaultReader<ChatStreamPart>["read"]>> }>
  >();
  const usages: ChatCompletionUsage[] = [];
  let identity: Pick<ChatCompletionChunk, "id" | "created" | "model"> | null = null;
  const readNext = (i: number): void => {
    const reader = readers[i];
    if (reader)
      reads.set(
        i,
        reader.read().then((result) => ({ i, result })),
      );
  };
  const cancelAll = async (reason?: unknown): Promise<void> => {
    await Promise.all(readers.map((reader) => reader.cancel(reason).catch(() => {})));
  };

  return new ReadableStream<ChatStreamPart>({
    start() {
      for (let i = 0; i < readers.length; i++) readNext(i);
    },
    async pull(controller) {
      for (;;) {
        if (reads.size === 0) {
          if (options.includeUsage && identity) {
            controller.enqueue({
              ...identity,
              object: "chat.completion.chunk",
              choices: [],
              usage: sumUsage(usages),
            });
          }
          controller.close();
          return;
        }
        const { i, result } = await Promise.race(reads.values());
        if (result.done) {
          reads.delete(i);
          continue;
        }
        readNext(i);
        const part = result.value;
        if (isChatStreamError(part)) {
          controller.enqueue(part);
          controller.close();
          reads.clear();
          await cancelAll();
          return;
        }
        identity ??= { id: part.id, created: part.created, model: part.model };
        if (part.choices.length === 0) {
          if (part.usage) usages.push(part.usage);
          continue;
        }
        const { usage: _usage, ...rest } = reindexChunk(part, i);
        controller.enqueue(
          options.includeUsage ? { ...rest, ...identity, usage: null } : { ...rest, ...identity },
        );
        return;
      }
    },
    async cancel(reason) {
      await cancelAll(reason);
    },
  });
}
