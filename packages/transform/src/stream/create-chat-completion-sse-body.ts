import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createChatChunkEncoder } from "../sse/encode-chat-chunk.js";
import { encodeSse, SSE_DONE } from "../sse/encode-sse.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "./byte-source.js";
import { MappedPullBody } from "./mapped-pull-body.js";
import type { PullBody } from "./pull-body.js";
import type { ReadFailureDescriber } from "./read-failure.js";
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
  const stream = new MappedPullBody(
    upstream,
    (out) =>
      createResponsesEventParser((event) => {
        if (mapper.done) return;
        for (const part of mapper.push(event)) out.pending += encode(part);
      }),
    {
      progress: mapper,
      finish: () => mapper.finish(),
      emit: encode,
      failureText: (failure) => encodeSse(failure.body),
      trailer: SSE_DONE,
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
