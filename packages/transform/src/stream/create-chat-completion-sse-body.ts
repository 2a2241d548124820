import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createChatChunkEncoder } from "../sse/encode-chat-chunk.js";
import { encodeSse, SSE_DONE } from "../sse/encode-sse.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "./byte-source.js";
import { PullBody } from "./pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "./read-failure.js";
import {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ResponsesToChatMapper,
} from "./responses-to-chat-chunks.js";

/** Options of {@link createChatCompletionSseBody}. */
export interface ChatCompletionSseBodyOptions extends ChatMapperOptions {
  /** Called once when the body is complete (terminal event, stop, error, EOF, read failure or cancel). */
  onDone?: (mapper: ResponsesToChatMapper) => void;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
}

/** The client-facing SSE body and the state behind it. */
export interface ChatCompletionSseBody {
  /** Pull it with `next()` (the server) or read it as `toReadableStream()`. */
  body: PullBody;
  mapper: ResponsesToChatMapper;
  stats: SseParseStats;
  /**
   * The failure of this answer (a failed or cut stream), or `null`. While nothing has been sent, the
   * server answers it as an HTTP error instead of a stream; after that it is the stream's last event.
   */
  readonly failure: OpenAIHttpError | null;
}

/**
 * A streaming chat request in one step: backend SSE bytes in, Chat Completions SSE bytes out
 * (`data: {chunk}\n\n` … `data: [DONE]\n\n`), one write per upstream read. When the mapper is done
 * (terminal event or stop sequence) the body ends at once: after a terminal event the rest of the
 * upstream is drained (the socket is reused), after a stop sequence it is cancelled. A read failure
 * or an EOF without a terminal event becomes a final error event. Cancelling the body cancels the
 * upstream.
 */
export function createChatCompletionSseBody(
  upstream: ByteSource,
  options: ChatCompletionSseBodyOptions,
): ChatCompletionSseBody {
  const mapper = createResponsesToChatMapper(options);
  const encode = createChatChunkEncoder();
  let pending = "";
  let readFailure: OpenAIHttpError | null = null;
  const parser = createResponsesEventParser((event) => {
    if (mapper.done) return;
    for (const part of mapper.push(event)) pending += encode(part);
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
        pending += encodeSse(readFailure.body);
      } else {
        for (const part of mapper.finish()) pending += encode(part);
      }
      const text = pending + SSE_DONE;
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
