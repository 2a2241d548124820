import { type ChatStreamPart, encodeSse } from "@cmp/transform";
import { describe, expect, it } from "vitest";
import { createChunkEncoder } from "./chunk-encoder.js";

const base = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk" as const,
  created: 1_700_000_000,
  model: 'gpt-"5"',
};

describe("createChunkEncoder", () => {
  it("writes exactly what encodeSse writes", () => {
    const parts: ChatStreamPart[] = [
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: { role: "assistant", content: 'Hé "quote"\n😀' },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
      {
        ...base,
        choices: [{ index: 0, delta: { content: "x" }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      {
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}" } },
              ],
            },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
      { ...base, choices: [{ index: 1, delta: {}, logprobs: null, finish_reason: "tool_calls" }] },
      {
        ...base,
        choices: [],
        usage: {
          prompt_tokens: 1,
          completion_tokens: 2,
          total_tokens: 3,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
      { error: { message: "boom", type: "server_error", code: "upstream_error", param: null } },
      {
        ...base,
        id: "chatcmpl-2",
        choices: [{ index: 0, delta: { content: "y" }, logprobs: null, finish_reason: "stop" }],
      },
    ];
    const encode = createChunkEncoder();
    for (const part of parts) expect(encode(part)).toBe(encodeSse(part));
  });
});
