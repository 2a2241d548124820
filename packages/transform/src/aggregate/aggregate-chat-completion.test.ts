import { streamFromChunks } from "@cmp/testkit";
import { describe, expect, it } from "vitest";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { readableByteSource } from "../stream/byte-source.js";
import { eventSource, loadEvents } from "../testing/fixtures.js";
import { aggregateChatCompletion } from "./aggregate-chat-completion.js";

const options = { model: "gpt-5.5", created: 1764270000 };

describe("aggregateChatCompletion", () => {
  it("builds one chat.completion with content, reasoning_content (and reasoning) and usage", async () => {
    const completion = await aggregateChatCompletion(eventSource(loadEvents("reasoning-text")), options);
    expect(completion).toEqual({
      id: "chatcmpl-abc123",
      object: "chat.completion",
      created: 1764270000,
      model: "gpt-5.5",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "The answer is 42.",
            refusal: null,
            reasoning_content: "**Plan** think first.\n\nThen answer.",
            reasoning: "**Plan** think first.\n\nThen answer.",
            annotations: [],
          },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 42,
        total_tokens: 162,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 16 },
      },
    });
  });

  it("returns tool_calls with content null and finish_reason tool_calls", async () => {
    const completion = await aggregateChatCompletion(eventSource(loadEvents("tool-calls-parallel")), options);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "call_A",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
      },
      { id: "call_B", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } },
    ]);
  });

  it("rebuilds the output from output_item.done when response.completed.output is empty", async () => {
    const events = loadEvents("text").filter(
      (e) => e.type !== "response.output_text.delta" && e.type !== "response.output_text.done",
    );
    const completion = await aggregateChatCompletion(eventSource(events), options);
    expect(completion.choices[0]?.message.content).toBe('Hello, "world" 日本語 🚀\nBack\\slash');
  });

  it("reads the bytes of a ReadableStream", async () => {
    const bytes = new TextEncoder().encode(
      'data: {"type":"response.output_text.delta","delta":"hi"}\n\ndata: {"type":"response.completed","response":{"id":"resp_x"}}\n\n',
    );
    const completion = await aggregateChatCompletion(readableByteSource(streamFromChunks([bytes])), options);
    expect(completion.choices[0]?.message.content).toBe("hi");
    expect(completion.usage.total_tokens).toBe(0);
  });

  it("answers a legacy functions request with message.function_call", async () => {
    const completion = await aggregateChatCompletion(eventSource(loadEvents("tool-call-no-deltas")), {
      ...options,
      legacyFunctionCall: true,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("function_call");
    expect(choice?.message.tool_calls).toBeUndefined();
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.function_call?.name).toBeTruthy();
    expect(() => JSON.parse(choice?.message.function_call?.arguments ?? "")).not.toThrow();
  });

  it("applies stop sequences and reasoning modes like the stream path", async () => {
    const stopped = await aggregateChatCompletion(eventSource(loadEvents("stop-spanning")), {
      ...options,
      stop: ["END"],
    });
    expect(stopped.choices[0]?.message.content).toBe("Count: 1, 2, 3 ");
    expect(stopped.choices[0]?.finish_reason).toBe("stop");
    const think = await aggregateChatCompletion(eventSource(loadEvents("reasoning-text")), {
      ...options,
      reasoningOutput: "think",
    });
    expect(think.choices[0]?.message.content).toContain("<think>**Plan**");
    expect(think.choices[0]?.message.reasoning_content).toBeUndefined();
  });

  it("maps incomplete to length", async () => {
    const completion = await aggregateChatCompletion(
      eventSource(loadEvents("incomplete-max-tokens")),
      options,
    );
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("throws the mapped OpenAIHttpError for failed or truncated streams", async () => {
    const failed = await aggregateChatCompletion(eventSource(loadEvents("failed-usage-limit")), {
      ...options,
      now: () => 0,
    }).catch((e: unknown) => e);
    expect(OpenAIHttpError.isInstance(failed) && failed.status).toBe(429);
    const truncated = await aggregateChatCompletion(eventSource(loadEvents("truncated")), options).catch(
      (e: unknown) => e,
    );
    expect(OpenAIHttpError.isInstance(truncated) && truncated.code).toBe("stream_incomplete");
  });

  it("puts a refusal in message.refusal with content null", async () => {
    const completion = await aggregateChatCompletion(eventSource(loadEvents("refusal")), options);
    expect(completion.choices[0]?.message).toMatchObject({
      content: null,
      refusal: "I can't help with that.",
    });
  });
});
