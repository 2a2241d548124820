import type { ResponsesEvent } from "../responses/responses-api.js";
import { createResponsesEventParser, type SseParseStats } from "./responses-event-parser.js";

/** A bytes → backend events stream that also counts what it skipped. */
export type SseEventStream = TransformStream<Uint8Array, ResponsesEvent> & { readonly stats: SseParseStats };

/**
 * `TransformStream` from the backend's SSE bytes to validated {@link ResponsesEvent}s
 * (eventsource-parser underneath; see {@link createResponsesEventParser} for what is tolerated).
 */
export function createSseEventStream(): SseEventStream {
  let enqueue: (event: ResponsesEvent) => void = () => {};
  const parser = createResponsesEventParser((event) => enqueue(event));
  const stream = new TransformStream<Uint8Array, ResponsesEvent>({
    start(controller) {
      enqueue = (event) => controller.enqueue(event);
    },
    transform(chunk) {
      parser.feed(chunk);
    },
    flush() {
      parser.end();
    },
  });
  return Object.assign(stream, { stats: parser.stats });
}
