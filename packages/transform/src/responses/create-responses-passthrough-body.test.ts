import { streamFromChunks } from "@cmp/testkit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAIHttpError } from "../errors/openai-http-error.js";
import { readableByteSource } from "../stream/byte-source.js";
import { bytesSource, loadRawEvents, readAll, toSse } from "../testing/fixtures.js";
import { createResponsesPassthroughBody } from "./create-responses-passthrough-body.js";
import { PUBLIC_RESPONSES_EVENT_TYPES } from "./public-event-types.js";

const decode = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

describe("createResponsesPassthroughBody", () => {
  it("forwards every event as-is, re-framed with event: lines, including unknown types", async () => {
    const raw = loadRawEvents("unknown-events");
    const input = toSse(raw, { eventLines: false });
    const { body, state } = createResponsesPassthroughBody(
      readableByteSource(streamFromChunks([`: ping\n\ngarbage\n\n${input}`])),
    );
    const text = decode(await readAll(body.toReadableStream()));
    // Byte for byte, except the terminal event: its empty `output` is filled from output_item.done.
    const items = raw.filter((e) => e["type"] === "response.output_item.done").map((e) => e["item"]);
    const expected = raw.map((e) =>
      e["type"] === "response.completed"
        ? { ...e, response: { ...(e["response"] as object), output: items } }
        : e,
    );
    expect(text).toBe(toSse(expected));
    expect(state.status).toBe("completed");
    expect(state.usage?.total_tokens).toBe(162);
    expect(state.responseId).toBe("resp_abc123");
  });

  it("with publicEventsOnly leaves out the backend's own and unknown event types, and nothing else", async () => {
    const raw = loadRawEvents("unknown-events");
    const withMetadata = [
      ...raw.slice(0, -1),
      { type: "response.metadata", response_id: "resp_abc123", metadata: { openai_model: "gpt-5.4" } },
      ...raw.slice(-1),
    ];
    const { body, state, stats } = createResponsesPassthroughBody(
      readableByteSource(streamFromChunks([toSse(withMetadata, { eventLines: false })])),
      { publicEventsOnly: true },
    );
    const types = decode(await readAll(body.toReadableStream()))
      .trim()
      .split("\n\n")
      .map((frame) => frame.split("\n")[0]?.slice("event: ".length));
    const publicTypes = withMetadata
      .map((e) => e["type"] as string)
      .filter((type) => PUBLIC_RESPONSES_EVENT_TYPES.has(type));
    expect(publicTypes.length).toBeLessThan(withMetadata.length - 1);
    expect(types).toEqual(publicTypes);
    expect(types).not.toContain("response.metadata");
    expect(state.status).toBe("completed");
    expect(stats.unknown).toBeGreaterThan(0);
  });

  it("adds a Responses-shaped error event when the stream ends without a terminal event", async () => {
    const { body, state } = createResponsesPassthroughBody(
      readableByteSource(streamFromChunks([toSse(loadRawEvents("truncated"))])),
    );
    const text = decode(await readAll(body.toReadableStream()));
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
    const { body } = createResponsesPassthroughBody(readableByteSource(streamFromChunks([toSse(events)])));
    const last =
      decode(await readAll(body.toReadableStream()))
        .trim()
        .split("\n\n")
        .at(-1) ?? "";
    const error = vercelErrorChunk.parse(JSON.parse(last.split("\n")[1]?.slice(6) ?? ""));
    expect(error.sequence_number).toBe(events.length);
  });

  it("ends after response.failed without waiting for the upstream, and drains the rest of it", async () => {
    const upstream = bytesSource([toSse(loadRawEvents("failed-usage-limit")), ": trailing\n\n"]);
    const { body, state } = createResponsesPassthroughBody(upstream);
    const text = decode(await readAll(body.toReadableStream()));
    expect(text).toContain("event: response.failed");
    expect(text).not.toContain("event: error");
    expect(text).not.toContain("trailing");
    expect(state.status).toBe("failed");
    expect(state.failure?.status).toBe(429);
    // Drained (the keep-alive socket is reused), not cancelled.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(upstream.cancelled).toBe(false);
  });

  it("holds response.created back until output, so an immediate failure can still be an HTTP error", async () => {
    const raw = loadRawEvents("failed-usage-limit");
    const { body, state } = createResponsesPassthroughBody(bytesSource(raw.map((event) => toSse([event]))), {
      holdUntilOutput: true,
    });
    const first = await body.next();
    // Nothing was released before the failure was known: the caller sees it before writing anything.
    expect(state.failure?.code).toBe("usage_limit_reached");
    expect(first).toContain("event: response.failed");
  });

  it("maps a read failure with describeReadError and numbers the error event", async () => {
    const raw = loadRawEvents("truncated").map((event, i) => ({ ...event, sequence_number: i }));
    let served = false;
    const source = {
      read: async () => {
        if (served) throw new Error("socket hang up");
        served = true;
        return new TextEncoder().encode(toSse(raw));
      },
      cancel: () => {},
    };
    const { body, state } = createResponsesPassthroughBody(source, {
      describeReadError: () =>
        new OpenAIHttpError({ status: 504, type: "server_error", code: "upstream_timeout", message: "slow" }),
    });
    const text = await body.text();
    const last = JSON.parse(text.trim().split("\n\n").at(-1)?.split("\n")[1]?.slice(6) ?? "");
    expect(last).toMatchObject({ type: "error", code: "upstream_timeout", sequence_number: raw.length });
    expect(last.error).toMatchObject({ code: "upstream_timeout", message: "slow" });
    expect(state.failure?.status).toBe(504);
    expect(text).not.toContain("[DONE]");
  });
});
