import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { PullBody } from "../stream/pull-body.js";
import { describeReadFailure, type ReadFailureDescriber } from "../stream/read-failure.js";
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
  let pending = "";
  let readFailure: OpenAIHttpError | null = null;
  const parser = createResponsesEventParser((event) => {
    if (chat.done) return;
    for (const part of mapper.push(event)) pending += encodeOllamaLine(part);
  });
  const body = new PullBody(upstream, {
    feed: (chunk) => parser.feed(chunk),
    endOfInput: () => parser.end(),
    upstreamEnd: () => (chat.done ? (chat.stopped ? "cancel" : "drain") : false),
    take: () => {
      const text = pending;
      pending = "";
      return text;
    },
    finish: (readError) => {
      if (readError !== undefined && !chat.done) {
        readFailure = describeReadFailure(readError, options.describeReadError);
        pending += encodeOllamaLine(toOllamaErrorBody(readFailure));
      } else {
        for (const part of mapper.finish()) pending += encodeOllamaLine(part);
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
      return chat.error ?? readFailure;
    },
    keepAliveLine: () => encodeOllamaKeepAlive(options),
  };
}
