import { anthropicErrorStatus, encodeMessagesEvent, toAnthropicErrorBody } from "@cmp/transform";
import type { ErrorDialect } from "./error-dialect.js";

/**
 * Anthropic's error shape, for the Messages API front door (`/v1/messages`, `/v1/messages/count_tokens`):
 * `{"type":"error","error":{"type":…,"message":…}}` with Anthropic's types (`invalid_request_error`,
 * `authentication_error`, `not_found_error`, `rate_limit_error`, `overloaded_error`, `api_error`, …) and
 * 529 for an overloaded backend; in a stream that started, an `event: error` with the same body. The
 * headers (`Retry-After`, `x-should-retry`) are the error's own, as for OpenAI's shape.
 */
export const ANTHROPIC_ERROR_DIALECT: ErrorDialect = {
  status: (error) => anthropicErrorStatus(error),
  body: (error) => toAnthropicErrorBody(error),
  streamEnd: (error, sse) => (sse ? encodeMessagesEvent(toAnthropicErrorBody(error)) : undefined),
};
