import type { ResponsesError, ResponsesEventOf } from "../responses/responses-api.js";
import { createUsageLimitError, scrubMessage } from "./map-upstream-error.js";
import { OpenAIHttpError } from "./openai-http-error.js";

/** A terminal failure event of the backend stream. */
export type StreamFailureEvent = ResponsesEventOf<"response.failed"> | ResponsesEventOf<"error">;

function errorOf(event: StreamFailureEvent): ResponsesError {
  if (event.type === "response.failed") return event.response.error ?? {};
  if (event.error) return event.error;
  return { code: event.code, message: event.message, type: event.error_type, param: event.param };
}

/**
 * Turns a `response.failed` or `error` stream event into an OpenAI error with the status a
 * client can act on: invalid_request → 400, rate_limit / usage_limit → 429 (with `Retry-After`
 * when the reset is known), context_length → 400 `context_length_exceeded`, overload → 503,
 * anything else → 502 `upstream_error`. The `code` is always a string.
 */
export function mapStreamFailure(event: StreamFailureEvent, options: { now?: number } = {}): OpenAIHttpError {
  const error = errorOf(event);
  const code = error.code === null || error.code === undefined ? "" : String(error.code);
  const type = error.type ?? "";
  const message = scrubMessage(error.message ?? "");
  const key = `${code} ${type}`.toLowerCase();
  const haystack = `${key} ${message}`;
  if (/usage_limit|usage_not_included|insufficient_quota/.test(key) || /usage limit/i.test(message)) {
    return createUsageLimitError({ ...error, code: code || type }, undefined, options.now ?? Date.now());
  }
  if (/context_length|context_too_large/.test(haystack) || /context window|maximum context/i.test(message)) {
    return new OpenAIHttpError({
      status: 400,
      type: "invalid_request_error",
      code: "context_length_exceeded",
      param: "messages",
      message: `The conversation is too long for the model's context window${message ? `: ${message}` : "."}`,
    });
  }
  if (/rate_limit/.test(key)) {
    const seconds = /try again in\s+([\d.]+)\s*(ms|s)/i.exec(message);
    const retryAfter = seconds
      ? Math.max(1, Math.ceil(Number(seconds[1]) / (seconds[2] === "ms" ? 1000 : 1)))
      : null;
    return new OpenAIHttpError({
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      message: message || "The ChatGPT backend is rate limiting requests.",
      headers: retryAfter === null ? {} : { "retry-after": String(retryAfter) },
    });
  }
  if (/overloaded|service_unavailable|at capacity/.test(haystack)) {
    return new OpenAIHttpError({
      status: 503,
      type: "server_error",
      code: "upstream_unavailable",
      message: message || "The ChatGPT backend is overloaded; try again shortly.",
      headers: { "retry-after": "1" },
    });
  }
  if (/model is not supported when using codex|not supported when using .*chatgpt account/i.test(message)) {
    return new OpenAIHttpError({
      status: 404,
      type: "invalid_request_error",
      code: "model_not_found",
      param: "model",
      message,
    });
  }
  if (/invalid_request|invalid_encrypted_content|cyber_policy/.test(key)) {
    return new OpenAIHttpError({
      status: 400,
      type: "invalid_request_error",
      code: code || "invalid_request",
      param: error.param ?? null,
      message: message || "The ChatGPT backend rejected the request.",
    });
  }
  return new OpenAIHttpError({
    status: 502,
    type: "server_error",
    code: code || "upstream_error",
    message: message
      ? `The ChatGPT backend failed: ${message}`
      : "The ChatGPT backend failed without a message.",
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
