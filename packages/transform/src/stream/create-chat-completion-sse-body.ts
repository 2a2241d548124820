import { createChatChunkEncoder } from "../sse/encode-chat-chunk.js";
import { SSE_DONE } from "../sse/encode-sse.js";
import { createResponsesEventParser, type SseParseStats } from "../sse/responses-event-parser.js";
import { createPullBody } from "./create-pull-body.js";
import {
  type ChatMapperOptions,
  createResponsesToChatMapper,
  type ResponsesToChatMapper,
} from "./responses-to-chat-chunks.js";

/** Options of {@link createChatCompletionSseBody}. */
export interface ChatCompletionSseBodyOptions extends ChatMapperOptions {
  /** Called once when the body is complete (terminal event, stop, error, EOF or a read failure). */
  onDone?: (mapper: ResponsesToChatMapper) => void;
}

/** The client-facing SSE body and the state behind it. */
export interface ChatCompletionSseBody {
  body: ReadableStream<Uint8Array>;
  mapper: ResponsesToChatMapper;
  stats: SseParseStats;
}

/**
 * The hot path of a streaming chat request in one step: backend SSE bytes in, Chat Completions
 * SSE bytes out (`data: {chunk}\n\n` … `data: [DONE]\n\n`), one write per upstream read. When the
 * mapper is done (terminal event or stop sequence) the body ends at once and the upstream is
 * cancelled; a read failure or an EOF without a terminal event becomes a final error event.
 * Cancelling the body cancels the upstream.
 */
export function createChatCompletionSseBody(
  upstream: ReadableStream<Uint8Array>,
  options: ChatCompletionSseBodyOptions,
): ChatCompletionSseBody {
  const mapper = createResponsesToChatMapper(options);
  const encode = createChatChunkEncoder();
  let pending = "";
  const parser = createResponsesEventParser((event) => {
    if (mapper.done) return;
    for (const part of mapper.push(event)) pending += encode(part);
  });
  const body = createPullBody(upstream, {
    feed: (chunk) => parser.feed(chunk),
    endOfInput: () => parser.end(),
    finished: () => mapper.done,
    take: () => {
      const text = pending;
      pending = "";
      return text;
    },
    finish: () => {
      for (const part of mapper.finish()) pending += encode(part);
      const text = pending + SSE_DONE;
      pending = "";
      return text;
    },
    onClose: () => options.onDone?.(mapper),
  });
  return { body, mapper, stats: parser.stats };
}
