import type { ResponsesError, ResponsesEventOf } from "../responses/responses-api.js";
import { createUpstreamError } from "./classify-upstream-error.js";
import { OpenAIHttpError } from "./openai-http-error.js";
import { scrubMessage } from "./scrub-message.js";

/** A terminal failure event of the backend stream. */
export type StreamFailureEvent = ResponsesEventOf<"response.failed"> | ResponsesEventOf<"error">;

function errorOf(event: StreamFailureEvent): ResponsesError {
  if (event.type === "response.failed") return event.response.error ?? {};
  if (event.error) return event.error;
  return { code: event.code, message: event.message, type: event.error_type, param: event.param };
}

/**
 * Turns a `response.failed` or `error` stream event into an OpenAI error with the status a client
 * can act on, with the rules it shares with `mapUpstreamError`: invalid_request → 400, usage limit →
 * 429 `usage_limit_reached` (with `Retry-After` when the reset is known), rate limit → 429,
 * context length → 400 `context_length_exceeded`, overload → 503, anything else → 502 with the
 * upstream code or `upstream_error`. The `code` is always a string.
 */
export function mapStreamFailure(event: StreamFailureEvent, options: { now?: number } = {}): OpenAIHttpError {
  const error = errorOf(event);
  return createUpstreamError({
    status: null,
    error,
    message: scrubMessage(error.message ?? ""),
    blocked: false,
    headers: undefined,
    nowMs: options.now ?? Date.now(),
    suffix: "",
  });
}

/** The error for a backend stream that ended before a terminal event (`response.completed` …). */
export function createStreamIncompleteError(): OpenAIHttpError {
  return new OpenAIHttpError({
    status: 502,
    type: "server_error",
    code: "stream_incomplete",
    message:
      "The ChatGPT backend closed the stream before the response was completed; the answer may be cut off.",
  });
}

/** The error for a backend line longer than the SSE parser accepts (`MAX_SSE_LINE_BYTES`). */
export function createLineTooLongError(maxBytes: number): OpenAIHttpError {
  return new OpenAIHttpError({
    status: 502,
    type: "server_error",
    code: "upstream_line_too_long",
    message: `The ChatGPT backend sent a stream line longer than ${Math.round(maxBytes / 1048576)} MiB; the answer was stopped.`,
  });
}
