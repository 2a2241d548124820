import { createStreamIncompleteError } from "../errors/map-stream-failure.js";
import { createResponsesEventParser } from "../sse/responses-event-parser.js";
import type { ByteSource } from "../stream/byte-source.js";
import { MappedPullBody } from "../stream/mapped-pull-body.js";
import type { OllamaNdjsonBodyOptions } from "./create-ollama-ndjson-body.js";
import { OllamaAnswerMapper, type OllamaAnswerPart } from "./ollama-answer-mapper.js";
import type { OllamaChatResponse, OllamaGenerateResponse, OllamaToolCall } from "./ollama-api.js";

/** Options of {@link aggregateOllamaResponse}: the stream builder's. */
export type AggregateOllamaOptions = OllamaNdjsonBodyOptions;

/** Folds the objects of an Ollama answer into the one object of a `stream: false` answer. */
class OllamaAnswerFold {
  content = "";
  thinking = "";
  toolCalls: OllamaToolCall[] = [];
  last: OllamaAnswerPart | null = null;

  add(part: OllamaAnswerPart): void {
    if ("error" in part) return;
    this.last = part;
    if ("response" in part) {
      this.content += part.response;
      this.thinking += part.thinking ?? "";
      return;
    }
    this.content += part.message.content;
    this.thinking += part.message.thinking ?? "";
    if (part.message.tool_calls) this.toolCalls.push(...part.message.tool_calls);
  }
}

/**
 * Reads a backend SSE body into the one object of a non-streaming Ollama answer (`/api/chat`: the whole
 * `message` with `thinking` and `tool_calls`; `/api/generate`: the whole `response`), with the final
 * object's `done_reason` and statistics, on the same pull loop and state machine as the stream.
 * @throws {OpenAIHttpError} when the stream failed, a read failed or it ended without `response.completed`.
 */
export async function aggregateOllamaResponse(
  upstream: ByteSource,
  options: AggregateOllamaOptions,
): Promise<OllamaChatResponse | OllamaGenerateResponse> {
  const mapper = new OllamaAnswerMapper(options);
  const chat = mapper.chat;
  const fold = new OllamaAnswerFold();
  const stream = new MappedPullBody(
    upstream,
    () =>
      createResponsesEventParser((event) => {
        if (!chat.done) for (const part of mapper.push(event)) fold.add(part);
      }),
    {
      progress: chat,
      finish: () => mapper.finish(),
      emit: (part) => {
        fold.add(part);
        return "";
      },
      describeReadError: options.describeReadError,
      onClose: () => options.onDone?.(mapper),
    },
  );
  await stream.body.text();
  if (stream.readFailure !== null) throw stream.readFailure;
  if (chat.error !== null) throw chat.error;
  const last = fold.last;
  // `finish` always ends in a final object or an error; this only guards the types.
  if (last === null || "error" in last || !last.done) throw createStreamIncompleteError();
  if ("response" in last) {
    return { ...last, response: fold.content, ...(fold.thinking === "" ? {} : { thinking: fold.thinking }) };
  }
  const message: OllamaChatResponse["message"] = { role: "assistant", content: fold.content };
  if (fold.thinking !== "") message.thinking = fold.thinking;
  if (fold.toolCalls.length > 0) message.tool_calls = fold.toolCalls;
  return { ...last, message };
}
