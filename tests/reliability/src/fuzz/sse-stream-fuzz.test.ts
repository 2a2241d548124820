import { splitAt, streamFromChunks } from "@cmp/testkit";
import {
  aggregateChatCompletion,
  type ChatCompletionChunk,
  type ChatStreamPart,
  createChatCompletionSseBody,
  createResponsesToChatMapper,
  createSseEventStream,
  OpenAIHttpError,
  parseResponsesEvent,
  type ResponsesEvent,
  readableByteSource,
} from "@cmp/transform";
import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { readSseData } from "../harness/http-request.js";
import { readSizes } from "../sizes.js";
import { recordCategory } from "../summary.js";
import {
  type BackendEvent,
  buildEvents,
  expectedText,
  frame,
  garbageFrameArb,
  streamSpecArb,
} from "./stream-arbitraries.js";

const sizes = readSizes();
const seed = inject("fuzzSeed");
const encoder = new TextEncoder();

async function parseEvents(parts: Uint8Array[]): Promise<ResponsesEvent[]> {
  const events: ResponsesEvent[] = [];
  const reader = streamFromChunks(parts).pipeThrough(createSseEventStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** Invariants of a chat chunk sequence; returns problems. */
function checkChatParts(parts: ChatStreamPart[]): string[] {
  const problems: string[] = [];
  let finishes = 0;
  let sawRole = false;
  const toolIds = new Map<number, string>();
  parts.forEach((part, i) => {
    if ("error" in part) {
      if (i !== parts.length - 1) problems.push("error object is not the last part");
      if (typeof part.error.code !== "string") problems.push("stream error without a string code");
      return;
    }
    const chunk = part as ChatCompletionChunk;
    if (chunk.object !== "chat.completion.chunk") problems.push("not a chat.completion.chunk");
    if (finishes > 0 && chunk.choices.length > 0) problems.push("content after finish_reason");
    for (const choice of chunk.choices) {
      if (choice.index !== 0) problems.push("choice index is not 0");
      if (choice.delta.role !== undefined) {
        if (sawRole || choice.delta.role !== "assistant") problems.push("role sent twice or not assistant");
        sawRole = true;
      }
      if (choice.finish_reason !== null) finishes += 1;
      for (const call of choice.delta.tool_calls ?? []) {
        if (!Number.isInteger(call.index) || call.index < 0) problems.push("tool call without index");
        if (!toolIds.has(call.index)) {
          if (!call.id || call.function.name === undefined)
            problems.push("first tool call fragment without id/name");
          toolIds.set(call.index, call.id ?? "");
        }
      }
    }
  });
  if (finishes > 1) problems.push(`${finishes} finish_reasons`);
  return problems;
}

function textOf(parts: ChatStreamPart[]): string {
  return parts
    .flatMap((p) => ("error" in p ? [] : p.choices))
    .map((c) => c.delta.content ?? "")
    .join("");
}

function argsOf(parts: ChatStreamPart[]): string[] {
  const args: string[] = [];
  for (const choice of parts.flatMap((p) => ("error" in p ? [] : p.choices))) {
    for (const call of choice.delta.tool_calls ?? [])
      args[call.index] = (args[call.index] ?? "") + call.function.arguments;
  }
  return args;
}

const corruptedStreamArb = fc
  .tuple(
    streamSpecArb,
    fc.boolean(),
    fc.array(fc.tuple(fc.nat(), garbageFrameArb), { maxLength: 6 }),
    fc.array(fc.nat(), { maxLength: 12 }),
  )
  .map(([spec, crlf, garbage, cuts]) => {
    const frames: Uint8Array[] = buildEvents(spec).map((e) => encoder.encode(frame(e, crlf)));
    for (const [at, junk] of garbage) frames.splice(at % (frames.length + 1), 0, junk);
    const bytes = concat(frames);
    // Any offset in 0..length, inside multi-byte characters too.
    const offsets = cuts.map((c) => c % (bytes.length + 1));
    return { spec, bytes, parts: splitAt(bytes, offsets) };
  });

describe("SSE parser and stream mapper against corrupted upstream streams", () => {
  const runs = Math.ceil(sizes.sseFuzzCases * 0.45);

  it(`parses split, CRLF and garbage-laden streams to the same events, and maps them to well-formed chunks (${runs} cases, seed ${seed})`, async () => {
    let failures = 0;
    try {
      await fc.assert(
        fc.asyncProperty(corruptedStreamArb, async ({ spec, bytes, parts }) => {
          const expected = buildEvents(spec).map((e) => {
            const result = parseResponsesEvent(e);
            return result.ok ? result.event : null;
          });
          const events = await parseEvents(parts);
          expect(events).toEqual(expected.filter((e) => e !== null));
          expect(await parseEvents([bytes])).toEqual(events);

          const sse = createChatCompletionSseBody(readableByteSource(streamFromChunks(parts)), {
            model: "gpt-5.4",
            created: 1,
            includeUsage: true,
          });
          const text = await sse.body.text();
          const data = readSseData(text);
          expect(data.at(-1)).toBe("[DONE]");
          const chatParts = data.slice(0, -1).map((d) => JSON.parse(d) as ChatStreamPart);
          expect(checkChatParts(chatParts)).toEqual([]);
          expect(textOf(chatParts)).toBe(expectedText(spec));
          const calls = spec.items.filter((i) => i.type === "function_call").map((i) => i.deltas.join(""));
          expect(argsOf(chatParts)).toEqual(calls);
          const last = chatParts.at(-1);
          if (spec.end === "completed" || spec.end === "incomplete")
            expect(last && "error" in last).toBeFalsy();
          else expect(last && "error" in last).toBe(true);
        }),
        { numRuns: runs, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: SSE parser + mapper (split, CRLF, garbage, unknown events)",
        cases: runs,
        failures,
        seed,
      });
    }
  });

  const eventArb: fc.Arbitrary<BackendEvent> = fc.oneof(
    streamSpecArb.chain((spec) => fc.constantFrom(...buildEvents(spec))),
    fc.record({
      type: fc.constantFrom(
        "response.output_text.delta",
        "response.output_item.added",
        "response.output_item.done",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.completed",
        "response.failed",
        "error",
      ),
      output_index: fc.oneof(fc.nat(3), fc.constant(null)),
      item_id: fc.option(fc.constantFrom("msg_0", "fc_0", "fc_1", "rs_0")),
      delta: fc.string({ maxLength: 5 }),
      arguments: fc.string({ maxLength: 5 }),
      text: fc.string({ maxLength: 5 }),
      item: fc.record({
        type: fc.constantFrom("message", "function_call", "reasoning", "web_search_call"),
        id: fc.constantFrom("msg_0", "fc_0", "fc_1"),
        call_id: fc.constantFrom("call_0", "call_1"),
        name: fc.constantFrom("f", ""),
        arguments: fc.string({ maxLength: 5 }),
        content: fc.constant([{ type: "output_text", text: "x" }]),
      }),
      response: fc.record({
        id: fc.constant("resp_x"),
        status: fc.constantFrom("completed", "incomplete", "failed"),
        output: fc.constant([]),
      }),
    }),
  );
  const mapperRuns = Math.ceil(sizes.sseFuzzCases * 0.45);

  it(`keeps the chunk invariants for events in any order, duplicated or inconsistent (${mapperRuns} cases, seed ${seed})`, async () => {
    let failures = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(eventArb, { maxLength: 30 }),
          fc.constantFrom("fields", "think", "none" as const),
          async (raw, reasoningOutput) => {
            const events = raw.map((e) => parseResponsesEvent(e)).flatMap((r) => (r.ok ? [r.event] : []));
            const mapper = createResponsesToChatMapper({
              model: "m",
              created: 1,
              includeUsage: true,
              reasoningOutput,
            });
            const parts = events.flatMap((e) => mapper.push(e));
            parts.push(...mapper.finish());
            expect(mapper.finish()).toEqual([]);
            expect(checkChatParts(parts)).toEqual([]);
            const sse = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
            const bytes = readableByteSource(new Response(sse).body as ReadableStream<Uint8Array>);
            try {
              const completion = await aggregateChatCompletion(bytes, {
                model: "m",
                created: 1,
                reasoningOutput,
              });
              expect(completion.object).toBe("chat.completion");
            } catch (error) {
              expect(OpenAIHttpError.isInstance(error), String(error)).toBe(true);
            }
          },
        ),
        { numRuns: mapperRuns, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: stream mapper (random event orders)",
        cases: mapperRuns,
        failures,
        seed,
      });
    }
  });

  const cutRuns = Math.ceil(sizes.sseFuzzCases * 0.1);

  it(`ends truncated and reset streams with an error event and [DONE] (${cutRuns} cases, seed ${seed})`, async () => {
    let failures = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          streamSpecArb,
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.boolean(),
          async (spec, at, reset) => {
            const bytes = encoder.encode(
              buildEvents({ ...spec, end: "completed" })
                .map((e) => frame(e))
                .join(""),
            );
            const cut = Math.floor(bytes.length * at);
            const parts = [bytes.subarray(0, cut)];
            const sse = createChatCompletionSseBody(
              readableByteSource(streamFromChunks(parts, reset ? { failAfter: 1 } : {})),
              {
                model: "m",
                created: 1,
                includeUsage: false,
              },
            );
            const data = readSseData(await sse.body.text());
            expect(data.at(-1)).toBe("[DONE]");
            const chatParts = data.slice(0, -1).map((d) => JSON.parse(d) as ChatStreamPart);
            expect(checkChatParts(chatParts)).toEqual([]);
            const last = chatParts.at(-1);
            const finished =
              last !== undefined && !("error" in last) && last.choices.some((c) => c.finish_reason !== null);
            expect(finished || (last !== undefined && "error" in last)).toBe(true);
          },
        ),
        { numRuns: cutRuns, seed },
      );
    } catch (error) {
      failures = 1;
      throw error;
    } finally {
      recordCategory({
        category: "fuzz: truncated / reset upstream streams",
        cases: cutRuns,
        failures,
        seed,
      });
    }
  });

  it("passes huge deltas (up to 4 MiB) through unchanged, in any split", async () => {
    const sizesMiB = [1, 4];
    for (const mib of sizesMiB) {
      const delta = "é😀x".repeat(Math.ceil((mib * 1024 * 1024) / 7));
      const bytes = encoder.encode(
        buildEvents({ items: [{ type: "message", deltas: [delta, "end"] }], end: "completed" })
          .map((e) => frame(e))
          .join(""),
      );
      const parts = splitAt(bytes, [1, 4097, 65_537, 1_000_001]);
      const sse = createChatCompletionSseBody(readableByteSource(streamFromChunks(parts)), {
        model: "m",
        created: 1,
        includeUsage: false,
      });
      const chatParts = readSseData(await sse.body.text())
        .slice(0, -1)
        .map((d) => JSON.parse(d) as ChatStreamPart);
      expect(textOf(chatParts)).toBe(`${delta}end`);
    }
    recordCategory({ category: "fuzz: huge deltas", cases: sizesMiB.length, failures: 0 });
  });
});
