import { splitAt, streamFromChunks } from "@cmp/testkit";
import fc from "fast-check";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { aggregateChatCompletion } from "../aggregate/aggregate-chat-completion.js";
import { eventSource, loadEvents, loadRawEvents, readAll, toSse } from "../testing/fixtures.js";
import { readableByteSource } from "./byte-source.js";
import { createChatCompletionSseBody } from "./create-chat-completion-sse-body.js";

const encoder = new TextEncoder();
const options = { model: "gpt-5.5-high", created: 1764270000, includeUsage: true };

/** Runs our SSE body through the official SDK's stream helper, with an injected fetch (no network). */
async function viaSdk(upstreamParts: Uint8Array[]) {
  const { body } = createChatCompletionSseBody(readableByteSource(streamFromChunks(upstreamParts)), options);
  const client = new OpenAI({
    apiKey: "test-key",
    baseURL: "http://127.0.0.1:9/v1",
    maxRetries: 0,
    fetch: async () =>
      new Response(body.toReadableStream(), {
        status: 200,
        headers: { "content-type": "text/event-stream" },
      }),
  });
  const stream = client.chat.completions.stream({
    model: "gpt-5.5-high",
    messages: [{ role: "user", content: "hi" }],
    stream_options: { include_usage: true },
  });
  let reasoning = "";
  stream.on("chunk", (chunk) => {
    const delta = chunk.choices[0]?.delta as { reasoning_content?: string } | undefined;
    reasoning += delta?.reasoning_content ?? "";
  });
  const completion = await stream.finalChatCompletion();
  return { completion, reasoning };
}

const scenarios = [
  "text",
  "reasoning-text",
  "tool-calls-parallel",
  "tool-call-no-deltas",
  "completed-output-only",
  "refusal",
];

describe("stream output read by the openai SDK", () => {
  it.each(scenarios)(
    "rebuilds the same message, tool calls, reasoning and usage as the non-streaming path: %s",
    async (name) => {
      const bytes = encoder.encode(toSse(loadRawEvents(name)));
      const { completion, reasoning } = await viaSdk([bytes]);
      const expected = await aggregateChatCompletion(eventSource(loadEvents(name)), options);
      const choice = completion.choices[0];
      const want = expected.choices[0];
      expect(choice?.finish_reason).toBe(want?.finish_reason);
      expect(choice?.message.content ?? null).toEqual(
        want?.message.content === "" ? null : (want?.message.content ?? null),
      );
      expect(choice?.message.refusal ?? null).toEqual(want?.message.refusal ?? null);
      expect(
        (choice?.message.tool_calls ?? []).map((c) => ({
          id: c.id,
          type: c.type,
          function: c.type === "function" ? { name: c.function.name, arguments: c.function.arguments } : null,
        })),
      ).toEqual(want?.message.tool_calls ?? []);
      expect(reasoning).toBe(want?.message.reasoning_content ?? "");
      expect(completion.usage).toEqual(expected.usage);
      expect(completion.id).toBe(expected.id);
      expect(completion.model).toBe("gpt-5.5-high");
    },
  );

  it("gives the SDK the same result for any split of the upstream bytes", async () => {
    const bytes = encoder.encode(
      toSse([
        ...loadRawEvents("reasoning-text").slice(0, -1),
        ...loadRawEvents("tool-calls-parallel").slice(2),
      ]),
    );
    const reference = await viaSdk([bytes]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }),
        async (cuts) => {
          const { completion, reasoning } = await viaSdk(splitAt(bytes, cuts));
          expect(completion.choices).toEqual(reference.completion.choices);
          expect(reasoning).toBe(reference.reasoning);
          expect(completion.usage).toEqual(reference.completion.usage);
        },
      ),
      { numRuns: 40, seed: 20261127 },
    );
  });

  it("surfaces a failed stream as an SDK APIError with the error code", async () => {
    const bytes = encoder.encode(toSse(loadRawEvents("failed-context-length")));
    const error = await viaSdk([bytes]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("context_length_exceeded");
  });

  it("gives a legacy functions client the function_call it asked for", async () => {
    const bytes = encoder.encode(toSse(loadRawEvents("tool-calls-parallel")));
    const { body } = createChatCompletionSseBody(readableByteSource(streamFromChunks([bytes])), {
      ...options,
      legacyFunctionCall: true,
    });
    const client = new OpenAI({
      apiKey: "test-key",
      baseURL: "http://127.0.0.1:9/v1",
      maxRetries: 0,
      fetch: async () =>
        new Response(body.toReadableStream(), {
          status: 200,
          headers: { "content-type": "text/event-stream" },
        }),
    });
    const completion = await client.chat.completions
      .stream({
        model: "gpt-5.5-high",
        messages: [{ role: "user", content: "weather?" }],
        functions: [{ name: "get_weather", parameters: { type: "object", properties: {} } }],
      })
      .finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe("function_call");
    expect(completion.choices[0]?.message.function_call).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris","unit":"c"}',
    });
    expect(completion.choices[0]?.message.tool_calls ?? []).toEqual([]);
  });
});

describe("createChatCompletionSseBody", () => {
  const decode = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

  it("writes data frames, one finish chunk, the usage chunk, then [DONE]", async () => {
    const { body, mapper } = createChatCompletionSseBody(
      readableByteSource(streamFromChunks([toSse(loadRawEvents("text"))])),
      options,
    );
    const text = decode(await readAll(body.toReadableStream()));
    const frames = text.split("\n\n").filter((f) => f !== "");
    expect(frames.at(-1)).toBe("data: [DONE]");
    expect(frames.every((f) => f.startsWith("data: "))).toBe(true);
    expect(frames.filter((f) => f.includes('"finish_reason":"stop"'))).toHaveLength(1);
    expect(JSON.parse(frames.at(-2)?.slice(6) ?? "")).toMatchObject({ choices: [] });
    expect(mapper.usage?.total_tokens).toBe(162);
  });

  it("ends with an error event and [DONE] when the upstream closes early or fails", async () => {
    const early = createChatCompletionSseBody(
      readableByteSource(streamFromChunks([toSse(loadRawEvents("truncated"))])),
      options,
    );
    const text = decode(await readAll(early.body.toReadableStream()));
    expect(text).toContain('"code":"stream_incomplete"');
    expect(text).not.toContain('"finish_reason":"stop"');
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);

    const failing = streamFromChunks([toSse(loadRawEvents("truncated"))], {
      failAfter: 1,
      failure: new Error("socket hang up"),
    });
    const broken = createChatCompletionSseBody(readableByteSource(failing), options);
    const brokenText = decode(await readAll(broken.body.toReadableStream()));
    expect(brokenText).toContain("stream_incomplete");
    expect(brokenText.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("stops at a stop sequence, ends the body and cancels the upstream", async () => {
    let cancelled = false;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(toSse(loadRawEvents("stop-spanning").slice(0, -1))));
      },
      cancel() {
        cancelled = true;
      },
    });
    let doneCalls = 0;
    const { body, mapper } = createChatCompletionSseBody(readableByteSource(upstream), {
      ...options,
      stop: "END",
      onDone: () => {
        doneCalls++;
      },
    });
    const text = decode(await readAll(body.toReadableStream()));
    expect(mapper.stopped).toBe(true);
    expect(cancelled).toBe(true);
    expect(doneCalls).toBe(1);
    expect(text).not.toContain("END");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("writes byte-identical output for a split at every byte boundary", async () => {
    const bytes = encoder.encode(toSse(loadRawEvents("tool-calls-parallel"), { crlf: true }));
    const render = async (parts: Uint8Array[]) =>
      decode(
        await readAll(
          createChatCompletionSseBody(
            readableByteSource(streamFromChunks(parts)),
            options,
          ).body.toReadableStream(),
        ),
      );
    const reference = await render([bytes]);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await render(splitAt(bytes, [cut]))).toBe(reference);
    }
  });

  it("cancels the upstream when the client goes away", async () => {
    let cancelled = false;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(toSse(loadRawEvents("text").slice(0, 5))));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { body } = createChatCompletionSseBody(readableByteSource(upstream), options);
    const reader = body.toReadableStream().getReader();
    await reader.read();
    await reader.cancel();
    expect(cancelled).toBe(true);
  });
});
