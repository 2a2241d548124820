import { describe, expect, it } from "vitest";
import { buildResponseEvents, splitIntoDeltas } from "./response-events.js";
import { encodeSseEvents } from "./sse-encode.js";
import { parseSseFrames } from "./testing/parse-sse-frames.js";
import { pick } from "./testing/pick.js";

describe("buildResponseEvents", () => {
  it("numbers events and items consistently across mixed items", () => {
    const events = buildResponseEvents({
      responseId: "resp_abc",
      createdAt: 1_800_000_000,
      items: [
        { type: "reasoning", summary: ["one"], encryptedContent: "enc" },
        { type: "message", text: "Hello world" },
        { type: "function_call", name: "f", arguments: '{"a":1}', callId: "call_1" },
      ],
      usage: { input_tokens: 10, cachedTokens: 4, output_tokens: 7, reasoningTokens: 3 },
      includeOutput: true,
    });
    expect(events.map((e) => e["sequence_number"])).toEqual(events.map((_, i) => i));
    const done = events.filter((e) => e.type === "response.output_item.done");
    expect(done.map((e) => [e["output_index"], (e["item"] as { id: string }).id])).toEqual([
      [0, "rs_abc_0"],
      [1, "msg_abc_1"],
      [2, "fc_abc_2"],
    ]);
    const completed = events.at(-1);
    expect(completed?.type).toBe("response.completed");
    expect(completed?.["response"]).toMatchObject({
      id: "resp_abc",
      status: "completed",
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 3 },
        total_tokens: 17,
      },
    });
    expect(pick(completed, "response", "output")).toHaveLength(3);
  });

  it("ends with the requested terminal event, or none", () => {
    expect(buildResponseEvents({ end: { type: "none" } }).at(-1)?.type).toBe("response.in_progress");
    expect(
      buildResponseEvents({ end: { type: "error", code: "c", message: "m", shape: "nested" } }).at(-1),
    ).toMatchObject({
      type: "error",
      error: { code: "c", message: "m" },
    });
  });

  it("splits text into word deltas that join back to the text", () => {
    expect(splitIntoDeltas(" Hello  big world ")).toEqual([" Hello  ", "big ", "world "]);
    expect(splitIntoDeltas("")).toEqual([]);
  });
});

describe("encodeSseEvents", () => {
  it("round-trips through an SSE parser", () => {
    const events = buildResponseEvents({ items: [{ type: "message", text: "a\nb" }] });
    const text = encodeSseEvents(events);
    expect(parseSseFrames(text).map((f) => f.data)).toEqual(events);
    expect(text.endsWith("\n\n")).toBe(true);
  });
});
