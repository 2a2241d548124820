import { chunkEvery, splitAt } from "@cmp/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesSource, loadRawEvents, toSse } from "../testing/fixtures.js";
import { aggregateOllamaResponse } from "./aggregate-ollama-response.js";
import { createOllamaNdjsonBody, type OllamaNdjsonBodyOptions } from "./create-ollama-ndjson-body.js";

let clock = 1_000;
const now = () => clock;
const chatOptions: OllamaNdjsonBodyOptions = { api: "chat", model: "gpt-5.4:latest", startedAt: 0, now };

/** One NDJSON object as these tests read it (chat lines have `message`, generate lines `response`). */
interface Line {
  model?: string;
  created_at?: string;
  message: { content: string; thinking?: string; tool_calls?: unknown[] };
  response?: string;
  done?: boolean;
  error?: string;
  total_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

const lines = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);

async function stream(fixture: string, options: Partial<OllamaNdjsonBodyOptions> = {}, split?: Uint8Array[]) {
  const source = bytesSource(split ?? [toSse(loadRawEvents(fixture))]);
  const ndjson = createOllamaNdjsonBody(source, { ...chatOptions, ...options });
  return { text: await ndjson.body.text(), ndjson, source };
}

describe("createOllamaNdjsonBody", () => {
  it("streams text as message lines and ends with a done line carrying done_reason, counts and nanosecond durations", async () => {
    const { text, ndjson } = await stream("text");
    const objects = lines(text);
    expect(text.endsWith("\n")).toBe(true);
    expect(
      objects
        .slice(0, -1)
        .map((o) => o.message.content)
        .join(""),
    ).toBe('Hello, "world" 日本語 🚀\nBack\\slash');
    for (const o of objects.slice(0, -1)) {
      expect(o).toMatchObject({ model: "gpt-5.4:latest", message: { role: "assistant" }, done: false });
      expect(o.created_at).toBe(new Date(1_000).toISOString());
    }
    expect(objects.at(-1)).toEqual({
      model: "gpt-5.4:latest",
      created_at: new Date(1_000).toISOString(),
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: "stop",
      total_duration: 1_000_000_000,
      load_duration: 0,
      prompt_eval_count: 120,
      prompt_eval_duration: 1_000_000_000,
      eval_count: expect.any(Number),
      eval_duration: 0,
    });
    expect(ndjson.failure).toBeNull();
  });

  it("sends thinking in its own field, or none when think is off", async () => {
    const thinking = lines((await stream("reasoning-text")).text);
    expect(thinking.map((o) => o.message.thinking ?? "").join("")).toContain("**Plan** think first.");
    expect(thinking.map((o) => o.message.content).join("")).toBe("The answer is 42.");
    const silent = lines((await stream("reasoning-text", { reasoningOutput: "none" })).text);
    expect(silent.some((o) => o.message.thinking !== undefined)).toBe(false);
  });

  it("sends tool calls whole, with object arguments and their ids, before the done line", async () => {
    const objects = lines((await stream("tool-calls-parallel")).text);
    const calls = objects.flatMap((o) => o.message.tool_calls ?? []);
    expect(calls).toEqual([
      { id: "call_A", function: { index: 0, name: "get_weather", arguments: { city: "Paris", unit: "c" } } },
      { id: "call_B", function: { index: 1, name: "get_time", arguments: { tz: "Europe/Paris" } } },
    ]);
    expect(objects.at(-2)?.message.tool_calls).toHaveLength(2);
    expect(objects.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
  });

  it("enforces stop sequences across deltas and cancels the upstream", async () => {
    const events = loadRawEvents("stop-spanning").map((event) => toSse([event]));
    const { text, source } = await stream(
      "stop-spanning",
      { stop: ["END"] },
      events.map((e) => new TextEncoder().encode(e)),
    );
    const objects = lines(text);
    expect(
      objects
        .slice(0, -1)
        .map((o) => o.message.content)
        .join(""),
    ).toBe("Count: 1, 2, 3 ");
    expect(objects.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(source.cancelled).toBe(true);
  });

  it("says length for an answer cut at the output limit, and builds generate lines with response", async () => {
    const objects = lines((await stream("incomplete-max-tokens", { api: "generate" })).text);
    expect(objects.at(-1)).toMatchObject({ response: "", done: true, done_reason: "length" });
    expect(objects.slice(0, -1).every((o) => typeof o.response === "string" && !("message" in o))).toBe(true);
  });

  it("ends a failed or cut stream with an error line, and reports the failure", async () => {
    const failed = await stream("failed-usage-limit");
    expect(lines(failed.text)).toEqual([{ error: expect.stringContaining("usage limit") }]);
    expect(failed.ndjson.failure?.status).toBe(429);
    const cut = await stream("truncated");
    expect(lines(cut.text).at(-1)).toEqual({ error: expect.any(String) });
    expect(cut.ndjson.failure?.status).toBe(502);
  });

  it("gives the same lines whatever the byte split of the upstream (property)", async () => {
    const bytes = new TextEncoder().encode(toSse(loadRawEvents("tool-calls-parallel").concat()));
    const text = toSse(loadRawEvents("text"));
    const textBytes = new TextEncoder().encode(text);
    const strip = (o: Line) => {
      const { created_at: _c, total_duration: _t, prompt_eval_duration: _p, eval_duration: _e, ...rest } = o;
      return rest;
    };
    const expected = lines((await stream("text")).text).map(strip);
    const expectedTools = lines((await stream("tool-calls-parallel")).text).map(strip);
    expect(lines((await stream("text", {}, chunkEvery(textBytes, 1))).text).map(strip)).toEqual(expected);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: textBytes.length - 1 }), { maxLength: 12 }),
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (textCuts, toolCuts) => {
          const got = lines((await stream("text", {}, splitAt(textBytes, textCuts))).text).map(strip);
          expect(got).toEqual(expected);
          const tools = lines((await stream("tool-calls-parallel", {}, splitAt(bytes, toolCuts))).text).map(
            strip,
          );
          expect(tools).toEqual(expectedTools);
        },
      ),
      { seed: 18, numRuns: 150 },
    );
  });

  it("has a keep-alive line that any Ollama client reads as an empty piece", () => {
    const ndjson = createOllamaNdjsonBody(bytesSource([]), chatOptions);
    expect(JSON.parse(ndjson.keepAliveLine())).toEqual({
      model: "gpt-5.4:latest",
      created_at: new Date(1_000).toISOString(),
      message: { role: "assistant", content: "" },
      done: false,
    });
  });
});

describe("aggregateOllamaResponse", () => {
  it("folds a chat answer into one object with thinking, tool calls and the final statistics", async () => {
    clock = 2_000;
    const answer = await aggregateOllamaResponse(
      bytesSource([toSse(loadRawEvents("tool-calls-parallel"))]),
      chatOptions,
    );
    expect(answer).toMatchObject({
      model: "gpt-5.4:latest",
      message: { role: "assistant", content: "", tool_calls: [{ id: "call_A" }, { id: "call_B" }] },
      done: true,
      done_reason: "stop",
      total_duration: 2_000_000_000,
    });
    const reasoning = await aggregateOllamaResponse(bytesSource([toSse(loadRawEvents("reasoning-text"))]), {
      ...chatOptions,
      api: "generate",
    });
    expect(reasoning).toMatchObject({ response: "The answer is 42.", done: true });
    expect((reasoning as { thinking?: string }).thinking).toContain("**Plan** think first.");
  });

  it("throws the mapped error of a failed answer", async () => {
    await expect(
      aggregateOllamaResponse(bytesSource([toSse(loadRawEvents("failed-context-length"))]), chatOptions),
    ).rejects.toMatchObject({ status: 400 });
  });
});
