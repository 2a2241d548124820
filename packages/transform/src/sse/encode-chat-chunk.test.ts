import { describe, expect, it } from "vitest";
import type { ChatStreamPart } from "../chat/chat-completion-output-api.js";
import { createResponsesToChatMapper } from "../stream/responses-to-chat-chunks.js";
import { loadEvents } from "../testing/fixtures.js";
import { createChatChunkEncoder } from "./encode-chat-chunk.js";
import { encodeSse } from "./encode-sse.js";

describe("createChatChunkEncoder", () => {
  it("writes exactly the bytes encodeSse writes, for every part of every scenario", () => {
    const scenarios = [
      "text",
      "reasoning-text",
      "tool-calls-parallel",
      "failed-usage-limit",
      "refusal",
      "stop-spanning",
    ];
    for (const name of scenarios) {
      for (const includeUsage of [false, true]) {
        const mapper = createResponsesToChatMapper({
          model: 'odd "model" ü',
          created: 1764270000,
          includeUsage,
          stop: "EN",
        });
        const parts: ChatStreamPart[] = loadEvents(name).flatMap((event) => mapper.push(event));
        parts.push(...mapper.finish());
        const encode = createChatChunkEncoder();
        for (const part of parts) expect(encode(part)).toBe(encodeSse(part));
      }
    }
  });

  it("escapes control characters, quotes and lone surrogates like JSON.stringify", () => {
    const encode = createChatChunkEncoder();
    for (const content of ['"\\\n\t\u0000', "\ud800", "</script>"]) {
      const chunk: ChatStreamPart = {
        id: "chatcmpl-1",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
      };
      expect(encode(chunk)).toBe(encodeSse(chunk));
    }
  });
});
