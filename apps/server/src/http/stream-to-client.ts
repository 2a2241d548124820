import type { OpenAIHttpError, PullBody } from "@cmp/transform";
import type { RequestRecord } from "../state/request-record.js";
import type { RequestTracker } from "../state/request-tracker.js";
import type { SseWriter } from "./sse-writer.js";

/**
 * Writes a transform body to the client: the edge of the one pull loop. Each pulled text is one write;
 * while the socket is full the next pull waits, so the backend is read no faster than the client reads.
 * While nothing has been sent, a `failure()` (the backend failed at once, or was cut before any output)
 * is thrown, for the error writer to answer it with its HTTP status instead of a stream. A client that
 * leaves cancels the body (and so the backend request).
 */
export async function streamToClient(
  writer: SseWriter,
  body: PullBody,
  failure: () => OpenAIHttpError | null,
  tracking: { tracker: RequestTracker; record: RequestRecord },
): Promise<void> {
  const { tracker, record } = tracking;
  let ended = false;
  await body.pipeTo((text, last) => {
    if (!writer.started) {
      const error = failure();
      if (error !== null) throw error;
      tracker.markFirstToken(record);
    }
    if (last) {
      // The closing text and the end of the chunked body leave in one write, not two.
      ended = true;
      writer.end(text);
      return undefined;
    }
    const pending = writer.write(text);
    if (pending) return pending.then(() => stopIfClosed(writer, body));
    stopIfClosed(writer, body);
    return undefined;
  });
  if (!writer.started) {
    const error = failure();
    if (error !== null) throw error;
  }
  if (!ended) writer.end();
}

/** A client that left ends the body, which cancels the backend request. */
function stopIfClosed(writer: SseWriter, body: PullBody): void {
  if (writer.isClosed) body.cancel();
}
