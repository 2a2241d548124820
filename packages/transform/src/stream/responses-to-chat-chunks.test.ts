import { describe, expect, it } from "vitest";
import {
  type ChatCompletionChunk,
  type ChatStreamPart,
  isChatStreamError,
} from "../chat/chat-completion-output-api.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { loadEvents } from "../testing/fixtures.js";
import { type ChatMapperOptions, createResponsesToChatMapper } from "./responses-to-chat-chunks.js";

const base: ChatMapperOptions = { model: "my-model", created: 1764270000, includeUsage: false };

function run(events: readonly ResponsesEvent[], options: Partial<ChatMapperOptions> = {}) {
  const mapper = createResponsesToChatMapper({ ...base, ...options });
  const parts: ChatStreamPart[] = [];
  for (const event of events) parts.push(...mapper.push(event));
  parts.push(...mapper.finish());
  const chunks = parts.filter((p): p is ChatCompletionChunk => !isChatStreamError(p));
  const errors = parts.filter(isChatStreamError);
  const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
  const toolCalls: Array<{ id?: string; name?: string; arguments: string }> = [];
  for (const delta of deltas) {
    for (const call of delta.tool_calls ?? []) {
      const slot = toolCalls[call.index] ?? { arguments: "" };
      toolCalls[call.index] = slot;
      if (call.id) slot.id = call.id;
      if (call.function.name) slot.name = call.function.name;
      slot.arguments += call.function.arguments;
    }
  }
  return {
    mapper,
    parts,
    chunks,
    errors,
    content: deltas.map((d) => d.content ?? "").join(""),
    reasoning: deltas.map((d) => d.reasoning_content ?? "").join(""),
    refusal: deltas.map((d) => d.refusal ?? "").join(""),
    roles: deltas.filter((d) => d.role !== undefined).length,
    finishReasons: chunks
      .flatMap((c) => c.choices.map((choice) => choice.finish_reason))
      .filter((r) => r !== null),
    toolCalls,
  };
}

describe("createResponsesToChatMapper", () => {
  it("streams text with one id, created and model, the role once and one finish_reason", () => {
    const r = run(loadEvents("text"));
    expect(r.content).toBe('Hello, "world" 日本語 🚀\nBack\\slash');
    expect(new Set(r.chunks.map((c) => c.id))).toEqual(new Set(["chatcmpl-abc123"]));
    expect(new Set(r.chunks.map((c) => c.created))).toEqual(new Set([1764270000]));
    expect(new Set(r.chunks.map((c) => c.model))).toEqual(new Set(["my-model"]));
    expect(r.chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(r.roles).toBe(1);
    expect(r.finishReasons).toEqual(["stop"]);
    expect(r.chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(r.chunks.every((c) => !("usage" in c))).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.mapper.done).toBe(true);
  });

  it("uses the id option when given", () => {
    const r = run(loadEvents("text"), { id: "chatcmpl-fixed" });
    expect(new Set(r.chunks.map((c) => c.id))).toEqual(new Set(["chatcmpl-fixed"]));
  });

  it("with include_usage sends usage: null on chunks and one final usage chunk with choices: []", () => {
    const r = run(loadEvents("text"), { includeUsage: true });
    const last = r.chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 120,
      completion_tokens: 42,
      total_tokens: 162,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 16 },
    });
    expect(r.chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(r.chunks.filter((c) => c.choices.length === 0)).toHaveLength(1);
  });

  it("sends reasoning summaries as reasoning_content and reasoning by default, never in content", () => {
    const r = run(loadEvents("reasoning-text"));
    expect(r.reasoning).toBe("**Plan** think first.\n\nThen answer.");
    expect(r.chunks.flatMap((c) => c.choices.map((x) => x.delta.reasoning ?? "")).join("")).toBe(r.reasoning);
    expect(r.content).toBe("The answer is 42.");
    expect(r.roles).toBe(1);
  });

  it("wraps reasoning in <think> tags in content with reasoningOutput: think", () => {
    const r = run(loadEvents("reasoning-text"), { reasoningOutput: "think" });
    expect(r.content).toBe("<think>**Plan** think first.\n\nThen answer.</think>\n\nThe answer is 42.");
    expect(r.reasoning).toBe("");
  });

  it("hides reasoning with reasoningOutput: none", () => {
    const r = run(loadEvents("reasoning-text"), { reasoningOutput: "none" });
    expect(r.content).toBe("The answer is 42.");
    expect(r.reasoning).toBe("");
  });

  it("streams parallel tool calls with stable 0-based indexes, id and name first", () => {
    const r = run(loadEvents("tool-calls-parallel"));
    expect(r.toolCalls).toEqual([
      { id: "call_A", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
      { id: "call_B", name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
    ]);
    const firstCallDeltas = r.chunks.flatMap((c) => c.choices.flatMap((x) => x.delta.tool_calls ?? []));
    expect(firstCallDeltas[0]).toEqual({
      index: 0,
      id: "call_A",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(firstCallDeltas.filter((d) => d.id !== undefined).map((d) => d.index)).toEqual([0, 1]);
    expect(r.finishReasons).toEqual(["tool_calls"]);
  });

  it("takes the whole arguments from the .done event when no deltas came", () => {
    expect(run(loadEvents("tool-call-no-deltas")).toolCalls).toEqual([
      { id: "call_A", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
    ]);
    expect(run(loadEvents("tool-call-item-done-only")).toolCalls).toEqual([
      { id: "call_A", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
    ]);
  });

  it("keys the reasoning items of a turn by the tool call ids they preceded", () => {
    const { mapper } = run(loadEvents("tool-calls-parallel"));
    const byCall = mapper.reasoningItemsByCallId();
    const expected = [{ type: "reasoning", summary: [], encrypted_content: "gAAAAB-enc-tools" }];
    expect(byCall.get("call_A")).toEqual(expected);
    expect(byCall.get("call_B")).toEqual(expected);
  });

  it("maps response.incomplete to finish_reason length, or content_filter", () => {
    const r = run(loadEvents("incomplete-max-tokens"));
    expect(r.content).toBe("Once upon a time");
    expect(r.finishReasons).toEqual(["length"]);
    expect(run(loadEvents("content-filter")).finishReasons).toEqual(["content_filter"]);
  });

  it("turns response.failed into one error object and no finish_reason", () => {
    const r = run(loadEvents("failed-usage-limit"), { now: () => 1_764_270_000_000 });
    expect(r.finishReasons).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.error.code).toBe("usage_limit_reached");
    expect(r.errors[0]?.error.message).toContain("Plus");
    expect(r.mapper.error?.status).toBe(429);
    const ctx = run(loadEvents("failed-context-length"));
    expect(ctx.errors[0]?.error.code).toBe("context_length_exceeded");
    expect(ctx.mapper.error?.status).toBe(400);
  });

  it("turns an error event with a null code into an error with a string code", () => {
    const r = run(loadEvents("error-event"));
    expect(r.content).toBe("partial");
    expect(r.finishReasons).toEqual([]);
    expect(typeof r.errors[0]?.error.code).toBe("string");
    expect(r.errors[0]?.error.type).toBe("server_error");
  });

  it("reports a stream that ends without response.completed as an error, never a fake stop", () => {
    const r = run(loadEvents("truncated"));
    expect(r.content).toBe("cut off");
    expect(r.finishReasons).toEqual([]);
    expect(r.errors.map((e) => e.error.code)).toEqual(["stream_incomplete"]);
  });

  it("rebuilds the answer from output_item.done when no deltas came (the recorded CLI fixture)", () => {
    const events = loadEvents("text").slice(0, 0);
    events.push(
      { type: "response.created", response: { id: "resp1" } },
      {
        type: "response.output_item.done",
        item: {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: "fixture hello" }],
        },
      },
      { type: "response.completed", response: { id: "resp1", output: [] } },
    );
    const r = run(events);
    expect(r.content).toBe("fixture hello");
    expect(r.chunks[0]?.id).toBe("chatcmpl-resp1");
    expect(r.finishReasons).toEqual(["stop"]);
  });

  it("rebuilds everything from response.completed.output when nothing was streamed", () => {
    const r = run(loadEvents("completed-output-only"));
    expect(r.reasoning).toBe("Thinking.");
    expect(r.content).toBe("From output.");
    expect(r.toolCalls).toEqual([{ id: "call_9", name: "lookup", arguments: '{"q":1}' }]);
    expect(r.finishReasons).toEqual(["tool_calls"]);
    expect(r.mapper.reasoningItemsByCallId().get("call_9")).toEqual([
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Thinking." }],
        encrypted_content: "enc-9",
      },
    ]);
  });

  it("does not repeat text from output_text.done, output_item.done or completed.output after deltas", () => {
    const events = loadEvents("text");
    const completed = events.at(-1);
    if (completed?.type !== "response.completed") throw new Error("fixture");
    completed.response.output = [
      { id: "msg_01", type: "message", content: [{ type: "output_text", text: "Hello, ..." }] },
    ];
    expect(run(events).content).toBe('Hello, "world" 日本語 🚀\nBack\\slash');
  });

  it("enforces stop sequences across deltas and reports stopped", () => {
    const r = run(loadEvents("stop-spanning"), { stop: ["END"], includeUsage: true });
    expect(r.content).toBe("Count: 1, 2, 3 ");
    expect(r.finishReasons).toEqual(["stop"]);
    expect(r.mapper.stopped).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.chunks.at(-1)?.choices).toEqual([]);
  });

  it("holds back only a possible stop prefix", () => {
    const mapper = createResponsesToChatMapper({ ...base, stop: "STOP" });
    const delta = (d: string): ResponsesEvent => ({
      type: "response.output_text.delta",
      delta: d,
      item_id: "m",
    });
    const text = (parts: readonly ChatStreamPart[]) =>
      parts.map((p) => (isChatStreamError(p) ? "" : (p.choices[0]?.delta.content ?? ""))).join("");
    expect(text(mapper.push(delta("abc ST")))).toBe("abc ");
    expect(text(mapper.push(delta("ART")))).toBe("START");
    expect(text(mapper.push(delta("x S")))).toBe("x ");
    expect(text(mapper.push({ type: "response.completed", response: { id: "r" } }))).toBe("S");
    expect(mapper.stopped).toBe(false);
    expect(mapper.finishReason).toBe("stop");
  });

  it("copes with deltas that name no item", () => {
    const r = run([
      { type: "response.output_text.delta", delta: "Hi" },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { id: "m1", type: "message", content: [{ type: "output_text", text: "Hi" }] },
      },
      {
        type: "response.output_item.added",
        output_index: 1,
        item: { id: "fc", type: "function_call", call_id: "c1", name: "f", arguments: "" },
      },
      { type: "response.function_call_arguments.delta", delta: '{"a":' },
      { type: "response.function_call_arguments.delta", delta: "1}" },
      {
        type: "response.output_item.done",
        output_index: 1,
        item: { id: "fc", type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' },
      },
      { type: "response.completed", response: { id: "r" } },
    ]);
    expect(r.content).toBe("Hi");
    expect(r.toolCalls).toEqual([{ id: "c1", name: "f", arguments: '{"a":1}' }]);
  });

  it("does not repeat text when the deltas name the item by id and the done item only by index", () => {
    const r = run([
      { type: "response.output_text.delta", delta: "Hi", item_id: "msg_1" },
      { type: "response.output_text.done", text: "Hi", output_index: 0 },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", content: [{ type: "output_text", text: "Hi" }] },
      },
      { type: "response.completed", response: { id: "r" } },
    ]);
    expect(r.content).toBe("Hi");
  });

  it("still sends a second message item that had no deltas", () => {
    const r = run([
      { type: "response.output_text.delta", delta: "One. ", item_id: "msg_1", output_index: 0 },
      {
        type: "response.output_item.done",
        output_index: 1,
        item: { id: "msg_2", type: "message", content: [{ type: "output_text", text: "Two." }] },
      },
      { type: "response.completed", response: { id: "r" } },
    ]);
    expect(r.content).toBe("One. Two.");
  });

  it("forwards each fragment of a multi-megabyte tool argument as it comes (20 000 deltas)", () => {
    const piece = `"${"x".repeat(96)}",`;
    const events: ResponsesEvent[] = [
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "write_file", arguments: "" },
      },
    ];
    for (let i = 0; i < 20_000; i++) {
      events.push({
        type: "response.function_call_arguments.delta",
        item_id: "fc_1",
        output_index: 0,
        delta: piece,
      });
    }
    const full = piece.repeat(20_000);
    events.push(
      { type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 0, arguments: full },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "write_file", arguments: full },
      },
      { type: "response.completed", response: { id: "r" } },
    );
    const r = run(events);
    const fragments = r.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).slice(1);
    expect(fragments).toHaveLength(20_000);
    expect(
      fragments.every((f) => f.function.arguments === piece && f.index === 0 && f.id === undefined),
    ).toBe(true);
    expect(r.toolCalls[0]?.arguments).toBe(full);
    expect(r.finishReasons).toEqual(["tool_calls"]);
  });

  it("answers a legacy functions request with delta.function_call and finish_reason function_call", () => {
    const r = run(loadEvents("tool-calls-parallel"), { legacyFunctionCall: true });
    const calls = r.chunks.flatMap((c) =>
      c.choices[0]?.delta.function_call ? [c.choices[0].delta.function_call] : [],
    );
    expect(calls[0]).toEqual({ name: "get_weather", arguments: "" });
    expect(calls.slice(1).every((c) => c.name === undefined)).toBe(true);
    expect(calls.map((c) => c.arguments).join("")).toBe('{"city":"Paris","unit":"c"}');
    expect(r.chunks.some((c) => c.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
    expect(r.finishReasons).toEqual(["function_call"]);
  });

  it("ignores unknown event types", () => {
    const r = run(loadEvents("unknown-events"));
    expect(r.content).toBe("ok");
    expect(r.finishReasons).toEqual(["stop"]);
    const mapper = createResponsesToChatMapper(base);
    expect(mapper.push({ type: "response.something_new" } as unknown as ResponsesEvent)).toEqual([]);
  });

  it("streams refusals as delta.refusal", () => {
    const r = run(loadEvents("refusal"));
    expect(r.refusal).toBe("I can't help with that.");
    expect(r.content).toBe("");
  });

  it("sends the role in the finish chunk of an empty answer", () => {
    const r = run([{ type: "response.completed", response: { id: "resp_e" } }]);
    expect(r.chunks).toHaveLength(1);
    expect(r.chunks[0]?.choices[0]).toEqual({
      index: 0,
      delta: { role: "assistant", content: "" },
      logprobs: null,
      finish_reason: "stop",
    });
  });

  it("ignores events after the terminal one", () => {
    const mapper = createResponsesToChatMapper(base);
    mapper.push({ type: "response.completed", response: { id: "r" } });
    expect(mapper.push({ type: "response.output_text.delta", delta: "late" })).toEqual([]);
    expect(mapper.finish()).toEqual([]);
  });
});
