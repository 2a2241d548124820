import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { encodeSseEvent } from "../sse/encode-sse.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { MappedPullBody } from "../stream/mapped-pull-body.js";
import type { PullBody } from "../stream/pull-body.js";
import type { ReadFailureDescriber } from "../stream/read-failure.js";
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
  const stream = new MappedPullBody(
    upstream,
    (out) =>
      createResponsesEventParser((event) => {
        if (mapper.done) return;
        for (const part of mapper.push(event)) out.pending += encodeMessagesEvent(part);
      }),
    {
      progress: mapper,
      finish: () => mapper.finish(),
      emit: encodeMessagesEvent,
      failureText: (failure) => encodeSseEvent("error", toAnthropicErrorBody(failure)),
      describeReadError: options.describeReadError,
      onClose: () => options.onDone?.(mapper),
    },
  );
  return {
    body: stream.body,
    mapper,
    stats: stream.stats,
    get failure() {
      return mapper.error ?? stream.readFailure;
    },
  };
}
