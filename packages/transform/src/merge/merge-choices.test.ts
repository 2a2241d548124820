import { describe, expect, it } from "vitest";
import { aggregateChatCompletion } from "../aggregate/aggregate-chat-completion.js";
import { type ChatCompletionChunk, isChatStreamError } from "../chat/chat-completion-output-api.js";
import { createChatChunkStream } from "../stream/create-chat-chunk-stream.js";
import { eventSource, loadEvents, readAll, streamOf } from "../testing/fixtures.js";
import { mergeChatChunkStreams, mergeChatCompletions, reindexChunk } from "./merge-choices.js";

const options = { model: "m", created: 1, includeUsage: true };

describe("n > 1 merging", () => {
  it("merges completions as choices[i] with usage summed", async () => {
    const a = await aggregateChatCompletion(eventSource(loadEvents("text")), {
      ...options,
      id: "chatcmpl-a",
    });
    const b = await aggregateChatCompletion(eventSource(loadEvents("tool-calls-parallel")), {
      ...options,
      id: "chatcmpl-b",
    });
    const merged = mergeChatCompletions([a, b]);
    expect(merged.id).toBe("chatcmpl-a");
    expect(merged.choices.map((c) => [c.index, c.finish_reason])).toEqual([
      [0, "stop"],
      [1, "tool_calls"],
    ]);
    expect(merged.usage.total_tokens).toBe(324);
    expect(merged.usage.prompt_tokens_details.cached_tokens).toBe(128);
  });

  it("re-indexes a chunk", () => {
    const chunk: ChatCompletionChunk = {
      id: "x",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content: "a" }, logprobs: null, finish_reason: null }],
    };
    expect(reindexChunk(chunk, 2).choices[0]?.index).toBe(2);
    expect(chunk.choices[0]?.index).toBe(0);
  });

  it("merges streams: re-indexed chunks, one id, one final usage chunk with the sum", async () => {
    const streams = ["text", "reasoning-text"].map((name, i) =>
      streamOf(loadEvents(name)).pipeThrough(createChatChunkStream({ ...options, id: `chatcmpl-${i}` })),
    );
    const parts = await readAll(mergeChatChunkStreams(streams, { includeUsage: true }));
    const chunks = parts.filter((p): p is ChatCompletionChunk => !isChatStreamError(p));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const usageChunks = chunks.filter((c) => c.choices.length === 0);
    expect(usageChunks).toHaveLength(1);
    expect(chunks.at(-1)).toBe(usageChunks[0]);
    expect(usageChunks[0]?.usage?.total_tokens).toBe(324);
    for (const index of [0, 1]) {
      const mine = chunks.flatMap((c) => c.choices).filter((c) => c.index === index);
      expect(mine.filter((c) => c.finish_reason !== null)).toHaveLength(1);
      expect(mine.filter((c) => c.delta.role === "assistant")).toHaveLength(1);
    }
    const second = chunks.flatMap((c) => c.choices).filter((c) => c.index === 1);
    expect(second.map((c) => c.delta.content ?? "").join("")).toBe("The answer is 42.");
  });

  it("sends no usage when not asked, and stops at the first error", async () => {
    const ok = streamOf(loadEvents("text")).pipeThrough(createChatChunkStream(options));
    const bad = streamOf(loadEvents("failed-context-length")).pipeThrough(createChatChunkStream(options));
    const parts = await readAll(mergeChatChunkStreams([ok, bad], { includeUsage: false }));
    expect(parts.filter(isChatStreamError)).toHaveLength(1);
    const last = parts.at(-1);
    expect(last !== undefined && isChatStreamError(last)).toBe(true);
    expect(parts.every((p) => isChatStreamError(p) || !("usage" in p))).toBe(true);
  });
});
