import { buildFullResponseEvents, streamFromChunks, UNKNOWN_EVENT_TYPE } from "@cmp/testkit";
import { describe, expect, it } from "vitest";
import { readableByteSource } from "../stream/byte-source.js";
import { eventSource, readAll, toSse } from "../testing/fixtures.js";
import { aggregateResponse } from "./aggregate-response.js";
import { createResponsesPassthroughBody } from "./create-responses-passthrough-body.js";

const decode = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

/** `event:` / `data:` pairs of an SSE text, with `data` kept as the exact text. */
function frames(text: string): { event: string; data: string }[] {
  return text
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map((frame) => ({
      event: /^event: (.*)$/m.exec(frame)?.[1] ?? "",
      data: /^data: (.*)$/m.exec(frame)?.[1] ?? "",
    }));
}

const ALL_ITEMS = [
  { type: "reasoning" as const, summary: ["**Plan**\n\nLook it up.", "Then answer."] },
  { type: "web_search_call" as const, query: "capital of France" },
  {
    type: "message" as const,
    text: "Paris is the capital.",
    citations: [{ url: "https://example.com/paris", title: "Paris", start: 0, end: 5 }],
  },
  { type: "function_call" as const, name: "get_weather", arguments: '{"location":"Paris"}' },
  { type: "custom_tool_call" as const, name: "apply_patch", input: "*** Begin Patch\n*** End Patch\n" },
  { type: "image_generation_call" as const, prompt: "a tower" },
];

async function pass(events: object[], options: Parameters<typeof createResponsesPassthroughBody>[1] = {}) {
  const input = toSse(events as Record<string, unknown>[]);
  const { body } = createResponsesPassthroughBody(readableByteSource(streamFromChunks([input])), options);
  return decode(await readAll(body.toReadableStream()));
}

describe("Responses stream conformance", () => {
  it("forwards every event type in order, byte for byte, unknown types included, without [DONE]", async () => {
    const events = buildFullResponseEvents({ items: ALL_ITEMS, extras: true });
    const out = frames(await pass(events));
    expect(out.map((f) => f.event)).toEqual(events.map((e) => e.type));
    const types = new Set(out.map((f) => f.event));
    for (const type of [
      "response.content_part.added",
      "response.content_part.done",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_part.done",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.output_text.annotation.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.done",
      "response.web_search_call.in_progress",
      "response.web_search_call.searching",
      "response.web_search_call.completed",
      "response.image_generation_call.in_progress",
      "response.image_generation_call.generating",
      "response.image_generation_call.partial_image",
      "response.image_generation_call.completed",
      "response.metadata",
      UNKNOWN_EVENT_TYPE,
    ]) {
      expect(types, type).toContain(type);
    }
    // Everything but the lifecycle events is the backend's own text.
    out.forEach((frame, i) => {
      if (!/^response\.(created|in_progress|completed)$/.test(frame.event)) {
        expect(frame.data).toBe(JSON.stringify(events[i]));
      }
    });
    expect(out.at(-1)?.event).toBe("response.completed");
    expect(out.some((f) => f.data === "[DONE]")).toBe(false);
  });

  it("fills an empty completed output from output_item.done in output_index order, like the aggregator", async () => {
    const events = buildFullResponseEvents({ items: ALL_ITEMS });
    // The backend may finish items out of order: the output follows output_index, not arrival.
    const doneAt = events.flatMap((e, i) => (e.type === "response.output_item.done" ? [i] : []));
    const [first, second] = [doneAt[0] as number, doneAt[1] as number];
    [events[first], events[second]] = [
      events[second] as (typeof events)[0],
      events[first] as (typeof events)[0],
    ];
    const out = frames(await pass(events));
    const completed = JSON.parse(out.at(-1)?.data ?? "{}") as { response: { output: { id: string }[] } };
    const ids = completed.response.output.map((item) => item.id);
    expect(ids).toHaveLength(ALL_ITEMS.length);
    expect(ids.map((id) => id.split("_")[0])).toEqual(["rs", "ws", "msg", "fc", "ctc", "ig"]);
    const aggregated = await aggregateResponse(eventSource(events));
    expect(aggregated.output).toEqual(completed.response.output);
  });

  it("echoes the client's instructions in the lifecycle events, and null when it sent none", async () => {
    const events = buildFullResponseEvents({
      items: [ALL_ITEMS[2] as (typeof ALL_ITEMS)[2]],
      instructions: "BASE",
    });
    const lifecycle = (text: string) =>
      frames(text)
        .filter((f) => /^response\.(created|in_progress|completed)$/.test(f.event))
        .map((f) => (JSON.parse(f.data) as { response: { instructions: unknown } }).response.instructions);
    expect(lifecycle(await pass(events, { instructions: "Be terse." }))).toEqual([
      "Be terse.",
      "Be terse.",
      "Be terse.",
    ]);
    expect(lifecycle(await pass(events, { instructions: null }))).toEqual([null, null, null]);
    expect(lifecycle(await pass(events))).toEqual(["BASE", "BASE", "BASE"]);
    const aggregated = await aggregateResponse(eventSource(events), { instructions: null });
    expect(aggregated["instructions"]).toBeNull();
  });

  it("echoes the client's instructions in a response.failed event too", async () => {
    const events = [
      { type: "response.created", sequence_number: 0, response: { id: "resp_1", instructions: "BASE" } },
      { type: "response.output_text.delta", sequence_number: 1, item_id: "m", output_index: 0, delta: "x" },
      {
        type: "response.failed",
        sequence_number: 2,
        response: { id: "resp_1", instructions: "BASE", error: { code: "server_error", message: "boom" } },
      },
    ];
    const out = frames(await pass(events, { instructions: "mine" }));
    expect(
      out.map(
        (f) => (JSON.parse(f.data) as { response?: { instructions?: unknown } }).response?.instructions,
      ),
    ).toEqual(["mine", undefined, "mine"]);
  });
});
