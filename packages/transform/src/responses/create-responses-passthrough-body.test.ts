import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadRawEvents, readAll, streamOf, toSse } from "../__fixtures__/fixtures.js";
import { createResponsesPassthroughBody } from "./create-responses-passthrough-body.js";

const encoder = new TextEncoder();
const decode = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

describe("createResponsesPassthroughBody", () => {
  it("forwards every event as-is, re-framed with event: lines, including unknown types", async () => {
    const raw = loadRawEvents("unknown-events");
    const input = toSse(raw, { eventLines: false });
    const { body, state } = createResponsesPassthroughBody(
      streamOf([encoder.encode(`: ping\n\ngarbage\n\n${input}`)]),
    );
    const text = decode(await readAll(body));
    expect(text).toBe(toSse(raw));
    expect(state.status).toBe("completed");
    expect(state.usage?.total_tokens).toBe(162);
    expect(state.responseId).toBe("resp_abc123");
  });

  it("adds a Responses-shaped error event when the stream ends without a terminal event", async () => {
    const { body, state } = createResponsesPassthroughBody(
      streamOf([encoder.encode(toSse(loadRawEvents("truncated")))]),
    );
    const text = decode(await readAll(body));
    const last = text.trim().split("\n\n").at(-1) ?? "";
    expect(last.split("\n")[0]).toBe("event: error");
    expect(JSON.parse(last.split("\n")[1]?.slice(6) ?? "")).toMatchObject({
      type: "error",
      code: "stream_incomplete",
      param: null,
    });
    expect(state.truncated).toBe(true);
  });

  it("numbers the added error event after the last event, as the Vercel AI SDK requires", async () => {
    // The AI SDK's Responses chunk schema only recognises an error event with these fields;
    // anything else is treated as an unknown chunk and the failure is silently lost.
    const vercelErrorChunk = z.object({
      type: z.literal("error"),
      code: z.string(),
      message: z.string(),
      param: z.string().nullish(),
      sequence_number: z.number(),
    });
    const events = loadRawEvents("truncated").map((event, i) => ({ ...event, sequence_number: i }));
    const { body } = createResponsesPassthroughBody(streamOf([encoder.encode(toSse(events))]));
    const last =
      decode(await readAll(body))
        .trim()
        .split("\n\n")
        .at(-1) ?? "";
    const error = vercelErrorChunk.parse(JSON.parse(last.split("\n")[1]?.slice(6) ?? ""));
    expect(error.sequence_number).toBe(events.length);
  });

  it("ends after response.failed and cancels the upstream", async () => {
    let cancelled = false;
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(toSse(loadRawEvents("failed-usage-limit"))));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { body, state } = createResponsesPassthroughBody(upstream);
    const text = decode(await readAll(body));
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("event: error");
    expect(state.status).toBe("failed");
    expect(cancelled).toBe(true);
  });
});
