import { createLineTooLongError } from "../errors/map-stream-failure.js";
import type { ResponsesEvent } from "../responses/responses-api.js";
import { MAX_SSE_LINE_BYTES, trailingLineBytes } from "./line-bytes.js";
import { createResponsesEventParser, type SseParseStats } from "./responses-event-parser.js";

/** A bytes → backend events stream that also counts what it skipped. */
export type SseEventStream = TransformStream<Uint8Array, ResponsesEvent> & { readonly stats: SseParseStats };

/**
 * `TransformStream` from the backend's SSE bytes to validated {@link ResponsesEvent}s
 * (eventsource-parser underneath; see {@link createResponsesEventParser} for what is tolerated). A line
 * longer than `MAX_SSE_LINE_BYTES` errors the stream with a 502 `upstream_line_too_long`.
 */
export function createSseEventStream(): SseEventStream {
  let enqueue: (event: ResponsesEvent) => void = () => {};
  const parser = createResponsesEventParser((event) => enqueue(event));
  let lineBytes = 0;
  const stream = new TransformStream<Uint8Array, ResponsesEvent>({
    start(controller) {
      enqueue = (event) => controller.enqueue(event);
    },
    transform(chunk) {
      lineBytes = trailingLineBytes(lineBytes, chunk);
      if (lineBytes > MAX_SSE_LINE_BYTES) throw createLineTooLongError(MAX_SSE_LINE_BYTES);
      parser.feed(chunk);
    },
    flush() {
      parser.end();
    },
  });
  return Object.assign(stream, { stats: parser.stats });
}
