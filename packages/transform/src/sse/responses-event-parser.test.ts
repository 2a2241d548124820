import { chunkEvery, splitAt } from "@cmp/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { createResponsesEventParser } from "./responses-event-parser.js";

const encoder = new TextEncoder();

function parse(chunks: ReadonlyArray<Uint8Array | string>) {
  const events: ResponsesEvent[] = [];
  const parser = createResponsesEventParser((event) => events.push(event));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return { events, stats: { ...parser.stats } };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const delta = (text: string) =>
  `data: ${JSON.stringify({ type: "response.output_text.delta", item_id: "m", delta: text })}\n\n`;

/** Every byte of every UTF-8 length, a large chunk (the streaming decoder) and small ones. */
const sample = encoder.encode(
  [
    delta("a é € 🚀 end"),
    delta(`${"ü".repeat(6000)}🚀`),
    delta("\uFEFF kept: not at the start of the stream"),
    "data: [DONE]\n\n",
  ].join(""),
);

describe("createResponsesEventParser", () => {
  it("decodes the same text as one streaming TextDecoder, however the bytes are split", () => {
    const expected = parse([new TextDecoder().decode(sample)]);
    expect(expected.events).toHaveLength(3);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: sample.length }), { maxLength: 60 }), (cuts) => {
        expect(parse(splitAt(sample, cuts))).toEqual(expected);
      }),
      { numRuns: 200, seed: 20261127 },
    );
  });

  it("matches TextDecoder on any bytes, invalid UTF-8 included, however they are split", () => {
    const prefix = encoder.encode('data: {"type":"response.output_text.delta","delta":"');
    const suffix = encoder.encode('"}\n\n');
    const textByte = fc.integer({ min: 0x20, max: 0xff }).filter((b) => b !== 0x22 && b !== 0x5c);
    fc.assert(
      fc.property(
        fc.array(textByte, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (text, cuts) => {
          const bytes = concat([prefix, Uint8Array.from(text), suffix]);
          const expected = parse([new TextDecoder().decode(bytes)]);
          expect(
            parse(
              splitAt(
                bytes,
                cuts.map((c) => c % (bytes.length + 1)),
              ),
            ),
          ).toEqual(expected);
        },
      ),
      { numRuns: 500, seed: 20261127 },
    );
  });

  it("decodes characters fed one byte at a time or cut at any byte", () => {
    const bytes = encoder.encode(delta("é € 🚀 ok"));
    const expected = parse([new TextDecoder().decode(bytes)]);
    expect(parse(chunkEvery(bytes, 1))).toEqual(expected);
    expect(parse([...chunkEvery(bytes.subarray(0, -20), 1), bytes.subarray(-20)])).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse(splitAt(bytes, [cut]))).toEqual(expected);
    }
  });

  it("drops a BOM at the start of the stream only", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const body = encoder.encode(delta("x"));
    const events = parse([bom, body, bom, body]).events;
    expect(events).toHaveLength(1);
    expect(parse([...splitAt(bom, [2]), body]).events).toHaveLength(1);
    // The second BOM lands before `data:`, so that line is no SSE field and is skipped.
    expect(parse([concat([bom, body, bom, body])]).stats).toEqual({ events: 1, unknown: 0, skipped: 1 });
  });

  it("keeps a U+FEFF that starts a later chunk", () => {
    const bytes = encoder.encode(delta("\uFEFFx"));
    const at = bytes.indexOf(0xef);
    const events = parse(splitAt(bytes, [at])).events as Array<
      Extract<ResponsesEvent, { type: "response.output_text.delta" }>
    >;
    expect(events[0]?.delta).toBe("\uFEFFx");
  });

  it("turns a character cut at the end of the input into U+FFFD, like TextDecoder", () => {
    const cut = encoder.encode("€").subarray(0, 2);
    const head = encoder.encode(
      `data: ${JSON.stringify({ type: "response.output_text.delta", delta: "a" })}`,
    );
    const reference = parse([new TextDecoder().decode(concat([head, cut]))]);
    expect(parse([head, cut])).toEqual(reference);
    expect(reference.stats.skipped).toBe(1);
  });
});
