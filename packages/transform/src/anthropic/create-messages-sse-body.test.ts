import { chunkEvery, splitAt } from "@cmp/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesSource, loadRawEvents, toSse } from "../testing/fixtures.js";
import { expectMessagesGrammar, foldMessage, parseMessagesSse } from "../testing/messages-events.js";
import { aggregateMessage } from "./aggregate-message.js";
import { createMessagesSseBody, type MessagesSseBodyOptions } from "./create-messages-sse-body.js";
import type { MessagesMessageObject } from "./messages-output-api.js";

const options: MessagesSseBodyOptions = { model: "claude-sonnet-4-5", thinking: "summarized" };

async function render(name: string | Record<string, unknown>[], extra: Partial<MessagesSseBodyOptions> = {}) {
  const events = typeof name === "string" ? loadRawEvents(name) : name;
  const upstream = bytesSource(events.map((event) => toSse([event])));
  const sse = createMessagesSseBody(upstream, { ...options, ...extra });
  const text = await sse.body.text();
  const frames = parseMessagesSse(text);
  expectMessagesGrammar(frames);
  return { text, frames, sse, upstream, message: foldMessage(frames.map((f) => f.data)) };
}

describe("createMessagesSseBody", () => {
  it("streams text in Anthropic's grammar and ends with end_turn and the usage", async () => {
    const { frames, message } = await render("text");
    const names = frames.map((f) => f.event);
    expect(names.slice(0, 3)).toEqual(["message_start", "ping", "content_block_start"]);
    expect(new Set(names.slice(3, -3))).toEqual(new Set(["content_block_delta"]));
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(message?.id).toBe("msg_abc123");
    expect(message?.model).toBe("claude-sonnet-4-5");
    expect(message?.content).toEqual([{ type: "text", text: 'Hello, "world" 日本語 🚀\nBack\\slash' }]);
    expect(message?.stop_reason).toBe("end_turn");
    expect(message?.stop_sequence).toBeNull();
    expect(
      (message?.usage.input_tokens ?? 0) + (message?.usage.cache_read_input_tokens ?? 0),
    ).toBeGreaterThan(0);
  });

  it("carries reasoning as a thinking block whose signature holds the encrypted reasoning", async () => {
    const { message } = await render("reasoning-text");
    const [thinking, text] = message?.content ?? [];
    expect(thinking).toEqual({
      type: "thinking",
      thinking: "**Plan** think first.\n\nThen answer.",
      signature: "cmp1.gAAAAB-enc-1",
    });
    expect(text).toEqual({ type: "text", text: "The answer is 42." });
  });

  it("sends thinking blocks with empty text for display 'omitted', and none when thinking is off", async () => {
    const omitted = await render("reasoning-text", { thinking: "omitted" });
    expect(omitted.message?.content[0]).toEqual({
      type: "thinking",
      thinking: "",
      signature: "cmp1.gAAAAB-enc-1",
    });
    const none = await render("reasoning-text", { thinking: "none" });
    expect(none.message?.content).toEqual([{ type: "text", text: "The answer is 42." }]);
  });

  it("streams parallel tool calls as tool_use blocks with their JSON input, stop_reason tool_use", async () => {
    const { message, frames } = await render("tool-calls-parallel");
    const tools = message?.content.filter((block) => block.type === "tool_use") ?? [];
    expect(tools.length).toBe(2);
    for (const tool of tools) expect(tool).toMatchObject({ type: "tool_use", input: expect.any(Object) });
    expect(message?.stop_reason).toBe("tool_use");
    expect(
      frames.some((f) => f.data.type === "content_block_delta" && f.data.delta.type === "input_json_delta"),
    ).toBe(true);
  });

  it.each(["tool-call-no-deltas", "tool-call-item-done-only"])(
    "builds the tool input of %s",
    async (name) => {
      const { message } = await render(name);
      const tool = message?.content.find((block) => block.type === "tool_use");
      expect(tool?.type === "tool_use" && typeof tool.input === "object").toBe(true);
      expect(message?.stop_reason).toBe("tool_use");
    },
  );

  it("enforces stop_sequences across deltas: stop_reason stop_sequence, the sequence, upstream cancelled", async () => {
    const { message, upstream, sse } = await render("stop-spanning", { stopSequences: ["END"] });
    expect(message?.content).toEqual([{ type: "text", text: "Count: 1, 2, 3 " }]);
    expect(message?.stop_reason).toBe("stop_sequence");
    expect(message?.stop_sequence).toBe("END");
    expect(sse.mapper.stopped).toBe(true);
    expect(upstream.cancelled).toBe(true);
  });

  it("maps an incomplete answer to max_tokens and a content filter to refusal", async () => {
    expect((await render("incomplete-max-tokens")).message?.stop_reason).toBe("max_tokens");
    const filtered = await render("content-filter");
    expect(filtered.message?.stop_reason).toBe("refusal");
    expect(filtered.message?.usage).toEqual({
      input_tokens: 56,
      output_tokens: 42,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 64,
    });
  });

  it("reports a failure before any output (for an HTTP error), and ends a started stream with event: error", async () => {
    const failed = await render("failed-usage-limit");
    expect(failed.sse.failure?.status).toBe(429);
    expect(failed.frames.map((f) => f.event)).toEqual(["error"]);
    expect(failed.frames[0]?.data).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

    const mid = await render("error-event");
    expect(mid.frames[0]?.event).toBe("message_start");
    expect(mid.frames.at(-1)?.data).toMatchObject({ type: "error", error: { type: "api_error" } });

    const overloaded = await render([
      ...loadRawEvents("text").slice(0, 5),
      { type: "error", code: "server_is_overloaded", message: "Our servers are currently overloaded." },
    ]);
    expect(overloaded.frames.at(-1)?.data).toMatchObject({
      type: "error",
      error: { type: "overloaded_error" },
    });

    const cut = await render("truncated");
    expect(cut.frames.at(-1)?.data).toMatchObject({ type: "error", error: { type: "api_error" } });
  });

  it("gives the same bytes for any split of the upstream (byte-split property)", async () => {
    const events = [
      ...loadRawEvents("reasoning-text").slice(0, -1),
      ...loadRawEvents("tool-calls-parallel").slice(2),
    ];
    const bytes = new TextEncoder().encode(toSse(events));
    const run = async (parts: Uint8Array[]) =>
      createMessagesSseBody(bytesSource(parts), { ...options, stopSequences: ["zzz"] }).body.text();
    const reference = await run([bytes]);
    expectMessagesGrammar(parseMessagesSse(reference));
    for (const size of [1, 2, 3, 7, 64]) expect(await run(chunkEvery(bytes, size))).toBe(reference);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }),
        async (cuts) => {
          expect(await run(splitAt(bytes, cuts))).toBe(reference);
        },
      ),
      { numRuns: 60, seed: 20261205 },
    );
  });
});

describe("aggregateMessage", () => {
  it.each(["text", "reasoning-text", "tool-calls-parallel", "tool-call-no-deltas", "incomplete-max-tokens"])(
    "answers %s with exactly what the stream carries",
    async (name) => {
      const streamed = (await render(name)).message as MessagesMessageObject;
      const events = loadRawEvents(name);
      const message = await aggregateMessage(bytesSource(events.map((event) => toSse([event]))), options);
      expect(message).toEqual(streamed);
    },
  );

  it("throws the mapped error for a failed stream", async () => {
    await expect(
      aggregateMessage(bytesSource([toSse(loadRawEvents("failed-context-length"))]), options),
    ).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" });
  });
});
