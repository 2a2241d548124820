import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { encodeSseEvent } from "../sse/encode-sse.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { PullBody } from "../stream/pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "../stream/read-failure.js";
import { toAnthropicErrorBody } from "./anthropic-error.js";
import type { MessagesStreamEvent } from "./messages-output-api.js";
import {
  createMessagesStreamMapper,
  type MessagesMapperOptions,
  type MessagesStreamMapper,
} from "./messages-stream-mapper.js";

/** Options of {@link createMessagesSseBody}. */
export interface MessagesSseBodyOptions extends MessagesMapperOptions {
  /** Called once when the body is complete (terminal event, stop, error, EOF, read failure or cancel). */
  onDone?: (mapper: MessagesStreamMapper) => void;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
}

/** The client-facing Messages SSE body and the state behind it. */
export interface MessagesSseBody {
  /** Pull it with `next()` / `pipeTo()` (the server) or read it as `toReadableStream()`. */
  body: PullBody;
  mapper: MessagesStreamMapper;
  stats: SseParseStats;
  /**
   * The failure of this answer, or `null`. While nothing has been sent, the server answers it as an HTTP
   * error (Anthropic's shape); after that it is the stream's last event, `event: error`.
   */
  readonly failure: OpenAIHttpError | null;
}

/** One Messages event as SSE: `event: <type>` and its JSON, as Anthropic frames every event. */
export function encodeMessagesEvent(event: MessagesStreamEvent): string {
  return encodeSseEvent(event.type, event);
}

/**
 * A streaming Messages request in one step, on the one pull loop (`PullBody`): backend SSE bytes in,
 * Anthropic's event stream out (`message_start`, `ping`, content blocks, `message_delta`,
 * `message_stop`), one write per upstream read. A `response.failed` / `error` event, a read failure or an
 * EOF without a terminal event ends it with `event: error` (`{"type":"error","error":{…}}`). After a
 * terminal event the rest of the upstream is drained; after a stop sequence it is cancelled.
 */
export function createMessagesSseBody(
  upstream: ByteSource,
  options: MessagesSseBodyOptions,
): MessagesSseBody {
  const mapper = createMessagesStreamMapper(options);
  let pending = "";
  let readFailure: OpenAIHttpError | null = null;
  const parser = createResponsesEventParser((event) => {
    if (mapper.done) return;
    for (const part of mapper.push(event)) pending += encodeMessagesEvent(part);
  });
  const body = new PullBody(upstream, {
    feed: (chunk) => parser.feed(chunk),
    endOfInput: () => parser.end(),
    upstreamEnd: () => (mapper.done ? (mapper.stopped ? "cancel" : "drain") : false),
    take: () => {
      const text = pending;
      pending = "";
      return text;
    },
    finish: (readError) => {
      if (readError !== undefined && !mapper.done) {
        readFailure = describeReadFailure(readError, options.describeReadError);
        pending += encodeSseEvent("error", toAnthropicErrorBody(readFailure));
      } else {
        for (const part of mapper.finish()) pending += encodeMessagesEvent(part);
      }
      const text = pending;
      pending = "";
      return text;
    },
    onClose: () => options.onDone?.(mapper),
  });
  return {
    body,
    mapper,
    stats: parser.stats,
    get failure() {
      return mapper.error ?? readFailure;
    },
  };
}
