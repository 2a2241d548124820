import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { MappedPullBody } from "../stream/mapped-pull-body.js";
import type { PullBody } from "../stream/pull-body.js";
import type { ReadFailureDescriber } from "../stream/read-failure.js";
import { encodeOllamaKeepAlive, encodeOllamaLine, toOllamaErrorBody } from "./encode-ollama-line.js";
import { OllamaAnswerMapper, type OllamaAnswerOptions } from "./ollama-answer-mapper.js";

/** Options of {@link createOllamaNdjsonBody}. */
export interface OllamaNdjsonBodyOptions extends OllamaAnswerOptions {
  /** Called once when the body is complete (terminal event, stop, error, EOF, read failure or cancel). */
  onDone?: (mapper: OllamaAnswerMapper) => void;
  /** Maps an upstream read failure (idle timeout, cut connection) to the client's error. */
  describeReadError?: ReadFailureDescriber;
}

/** The client-facing NDJSON body of an Ollama stream and the state behind it. */
export interface OllamaNdjsonBody {
  /** Pull it with `next()` / `pipeTo()` (the server) or read it as `toReadableStream()`. */
  body: PullBody;
  mapper: OllamaAnswerMapper;
  stats: SseParseStats;
  /**
   * The failure of this answer, or `null`. While nothing has been sent, the server answers it as an
   * HTTP error (`{"error": …}` with its status); after that it is the stream's last line.
   */
  readonly failure: OpenAIHttpError | null;
  /** A line that adds nothing (empty text, `done: false`): what an NDJSON stream sends to stay alive. */
  keepAliveLine(): string;
}

/**
 * A streaming Ollama request (`/api/chat` or `/api/generate`) in one step: backend SSE bytes in, NDJSON
 * out (`{"model","created_at","message":{…},"done":false}` … a final `"done":true` line with
 * `done_reason` and the statistics), one write per upstream read, on the same pull loop as the chat
 * stream. A failure (a `response.failed` event, a cut stream, a read error) ends it with
 * `{"error":"…"}`. Cancelling the body cancels the upstream.
 */
export function createOllamaNdjsonBody(
  upstream: ByteSource,
  options: OllamaNdjsonBodyOptions,
): OllamaNdjsonBody {
  const mapper = new OllamaAnswerMapper(options);
  const chat = mapper.chat;
  const stream = new MappedPullBody(
    upstream,
    (out) =>
      createResponsesEventParser((event) => {
        if (chat.done) return;
        for (const part of mapper.push(event)) out.pending += encodeOllamaLine(part);
      }),
    {
      progress: chat,
      finish: () => mapper.finish(),
      emit: encodeOllamaLine,
      failureText: (failure) => encodeOllamaLine(toOllamaErrorBody(failure)),
      describeReadError: options.describeReadError,
      onClose: () => options.onDone?.(mapper),
    },
  );
  return {
    body: stream.body,
    mapper,
    stats: stream.stats,
    get failure() {
      return chat.error ?? stream.readFailure;
    },
    keepAliveLine: () => encodeOllamaKeepAlive(options),
  };
}
