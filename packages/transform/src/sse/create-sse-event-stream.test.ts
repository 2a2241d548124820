import { readFileSync } from "node:fs";
import { splitAt, streamFromChunks } from "@cmp/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { fixtureUrl, loadEvents, loadRawEvents, readAll, toSse } from "../testing/fixtures.js";
import { createSseEventStream } from "./create-sse-event-stream.js";

const encoder = new TextEncoder();

async function parse(parts: Array<string | Uint8Array>) {
  const stream = createSseEventStream();
  const events = await readAll(streamFromChunks(parts).pipeThrough(stream));
  return { events, stats: stream.stats };
}

describe("createSseEventStream", () => {
  it("parses the recorded CLI fixture (event: + data: framing)", async () => {
    const text = readFileSync(fixtureUrl("cli_responses_fixture.openai-codex.sse"), "utf8");
    const { events, stats } = await parse([text]);
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(stats).toEqual({ events: 3, unknown: 0, skipped: 0 });
  });

  it("tolerates missing event lines, CRLF, comments, [DONE] and a last event without a blank line", async () => {
    const raw = loadRawEvents("text");
    const sse = toSse(raw, { eventLines: false, crlf: true });
    const withDone = await parse([`: keep-alive\r\n${sse}data: [DONE]\r\n\r\n`]);
    expect(withDone.events).toEqual(loadEvents("text"));
    const { events, stats } = await parse([`: keep-alive\r\n${sse.slice(0, -4)}`]);
    expect(events).toEqual(loadEvents("text"));
    expect(stats.skipped).toBe(0);
  });

  it("skips and counts garbage lines, non-JSON data and malformed known events", async () => {
    const good = loadRawEvents("text");
    const body = [
      "this is not sse\n\n",
      "data: {not json\n\n",
      'data: {"type":"response.output_text.delta","delta":5}\n\n',
      'data: {"no_type":true}\n\n',
      toSse(good),
    ].join("");
    const { events, stats } = await parse([body]);
    expect(events).toEqual(loadEvents("text"));
    expect(stats.skipped).toBe(4);
  });

  it("counts unknown event types without emitting them", async () => {
    const raw = loadRawEvents("unknown-events");
    const { events, stats } = await parse([toSse(raw)]);
    // Two new event kinds plus the content_part events nothing here needs.
    expect(stats.unknown).toBe(4);
    expect(events.map((e) => e.type)).not.toContain("codex.rate_limits");
  });

  it("handles a multi-megabyte delta split into many pieces", async () => {
    const big = "x".repeat(3_000_000) + "ü🚀";
    const body = encoder.encode(toSse([{ type: "response.output_text.delta", delta: big, item_id: "m" }]));
    const pieces = splitAt(
      body,
      Array.from({ length: 300 }, (_, i) => i * 10_007 + 3),
    );
    const { events } = await parse(pieces);
    expect(events).toHaveLength(1);
    const event = events[0] as Extract<ResponsesEvent, { type: "response.output_text.delta" }>;
    expect(event.delta).toBe(big);
  });

  it("yields the same events for any split of the bytes (UTF-8 and CRLF included)", async () => {
    const raw = [...loadRawEvents("reasoning-text"), ...loadRawEvents("tool-calls-parallel")];
    for (const crlf of [false, true]) {
      const bytes = encoder.encode(toSse(raw, { crlf }));
      const expected = (await parse([bytes])).events;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }),
          async (cuts) => {
            const { events, stats } = await parse(splitAt(bytes, cuts));
            expect(events).toEqual(expected);
            expect(stats.skipped).toBe(0);
          },
        ),
        { numRuns: 60, seed: 20261127 },
      );
    }
  });

  it("yields the same events when split at every single byte boundary", async () => {
    const bytes = encoder.encode(toSse(loadRawEvents("text"), { crlf: true }));
    const expected = (await parse([bytes])).events;
    for (let cut = 1; cut < bytes.length; cut++) {
      const { events } = await parse(splitAt(bytes, [cut]));
      expect(events).toEqual(expected);
    }
  });
});
