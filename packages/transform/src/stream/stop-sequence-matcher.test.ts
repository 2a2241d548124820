import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createStopSequenceMatcher } from "./stop-sequence-matcher.js";

function run(stops: string[], deltas: string[]) {
  const matcher = createStopSequenceMatcher(stops);
  let out = "";
  for (const delta of deltas) {
    const result = matcher.push(delta);
    out += result.text;
    if (result.stopped) return { out, stopped: true };
  }
  return { out: out + matcher.flush(), stopped: false };
}

function cut(text: string, points: number[]): string[] {
  const sorted = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = 0;
  for (const p of sorted) {
    parts.push(text.slice(start, p));
    start = p;
  }
  parts.push(text.slice(start));
  return parts;
}

describe("createStopSequenceMatcher", () => {
  it("ends the output before the stop sequence completed first, however the text is split", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "c", "\n"), maxLength: 60 }),
        fc.array(fc.string({ unit: fc.constantFrom("a", "b", "\n"), minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (text, stops, points) => {
          let first = -1;
          let end = -1;
          for (const stop of stops) {
            const at = text.indexOf(stop);
            if (at === -1) continue;
            if (first === -1 || at + stop.length < end || (at + stop.length === end && at < first)) {
              first = at;
              end = at + stop.length;
            }
          }
          const result = run(stops, cut(text, points));
          expect(result.stopped).toBe(first !== -1);
          expect(result.out).toBe(first === -1 ? text : text.slice(0, first));
        },
      ),
      { numRuns: 500, seed: 20261127 },
    );
  });

  it("passes text straight through without stop sequences", () => {
    expect(run([], ["a", "b"])).toEqual({ out: "ab", stopped: false });
    expect(run([""], ["a"])).toEqual({ out: "a", stopped: false });
  });
});
