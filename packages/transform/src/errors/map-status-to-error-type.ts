/**
 * The error `type` OpenAI sends with an HTTP status: 401 `authentication_error`, 403
 * `permission_error`, 404 `not_found_error`, 429 `rate_limit_error`, 5xx `server_error`, anything
 * else `invalid_request_error`.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function mapStatusToErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}
