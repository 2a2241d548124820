import { isUpstreamOverload } from "../errors/is-upstream-overload.js";
import type { OpenAIHttpError } from "../errors/openai-http-error.js";
import type { MessagesErrorBody } from "./messages-output-api.js";

/** Anthropic's status for an overloaded service. */
export const ANTHROPIC_OVERLOADED_STATUS = 529;

// `isUpstreamOverload` is a type guard over `unknown`; called on an `OpenAIHttpError` it would narrow the
// other branch to `never`.
const isOverload = (error: OpenAIHttpError): boolean => isUpstreamOverload(error as unknown);

/**
 * Anthropic's error `type` for one of the proxy's errors: an overloaded backend → `overloaded_error`;
 * 401 → `authentication_error`; 402 → `billing_error`; 403 → `permission_error`; 404 →
 * `not_found_error`; 429 (rate and usage limits) → `rate_limit_error`; 504 → `timeout_error`; any other
 * 5xx → `api_error`; any other 4xx → `invalid_request_error`.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function anthropicErrorType(error: OpenAIHttpError): string {
  if (isOverload(error)) return "overloaded_error";
  switch (error.status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    default:
      return error.status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/**
 * The status Anthropic answers one of the proxy's errors with: 529 for an overloaded backend, 400 for
 * the proxy's own 499 (a client that left never reads it), the error's own status otherwise.
 */
export function anthropicErrorStatus(error: OpenAIHttpError): number {
  if (isOverload(error)) return ANTHROPIC_OVERLOADED_STATUS;
  return error.status === 499 ? 400 : error.status;
}

/** The error in Anthropic's shape: `{"type":"error","error":{"type":…,"message":…}}`, for a body or an `event: error`. */
export function toAnthropicErrorBody(error: OpenAIHttpError): MessagesErrorBody {
  return { type: "error", error: { type: anthropicErrorType(error), message: error.message } };
}
