import { describe, expect, it } from "vitest";
import { isChatStreamError } from "../chat/chat-completion-output-api.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { loadEvents, readAll, streamOf } from "../testing/fixtures.js";
import { createChatChunkStream } from "./create-chat-chunk-stream.js";

const options = { model: "m", created: 1, includeUsage: false };

describe("createChatChunkStream", () => {
  it("maps events to chunks and exposes the mapper", async () => {
    const stream = createChatChunkStream(options);
    const parts = await readAll(streamOf(loadEvents("text")).pipeThrough(stream));
    expect(parts.length).toBeGreaterThan(1);
    expect(stream.mapper.finishReason).toBe("stop");
  });

  it("adds the error for a truncated input when the input ends", async () => {
    const parts = await readAll(
      streamOf(loadEvents("truncated")).pipeThrough(createChatChunkStream(options)),
    );
    expect(parts.filter(isChatStreamError).map((p) => p.error.code)).toEqual(["stream_incomplete"]);
  });

  it("closes after the terminal event and cancels the rest of the upstream", async () => {
    let cancelled = false;
    const events = loadEvents("stop-spanning");
    const upstream = new ReadableStream<ResponsesEvent>({
      start(controller) {
        for (const event of events.slice(0, -1)) controller.enqueue(event);
      },
      cancel() {
        cancelled = true;
      },
    });
    const stream = createChatChunkStream({ ...options, stop: "END" });
    const parts = await readAll(upstream.pipeThrough(stream));
    expect(stream.mapper.stopped).toBe(true);
    expect(parts.filter(isChatStreamError)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(cancelled).toBe(true);
  });
});
