import { CodexClientError, CodexHttpError } from "@cmp/codex-client";
import { ModelNotFoundError } from "@cmp/models";
import { OAuthError } from "@cmp/oauth";
import { mapUpstreamError, OpenAIHttpError } from "@cmp/transform";
import { ApiError } from "./api-error.js";

const LOGIN_HINT = "Run `cmp-server login` (or `pnpm tui`) to log in";

/**
 * Maps anything a route can throw to the error the client gets: the package errors (`OAuthError`,
 * `ModelNotFoundError`, `CodexHttpError`, `OpenAIHttpError`), body-parser errors and unknown failures
 * (a 500 without internals).
 */
export function toApiError(error: unknown, now: number = Date.now()): ApiError {
  if (ApiError.isInstance(error)) return error;
  if (OpenAIHttpError.isInstance(error)) {
    const e = error.body.error;
    return new ApiError({
      status: error.status,
      message: e.message,
      type: e.type,
      code: e.code,
      param: e.param,
      headers: error.headers,
      cause: error,
    });
  }
  if (OAuthError.isInstance(error)) return fromOAuthError(error);
  if (ModelNotFoundError.isInstance(error)) {
    return new ApiError({
      status: 404,
      code: "model_not_found",
      param: "model",
      type: "invalid_request_error",
      message: `The model \`${error.model}\` does not exist or is not available with your ChatGPT plan. Available models: ${error.available.join(", ") || "(none)"}.`,
    });
  }
  if (CodexHttpError.isInstance(error)) {
    if (error.status === 401 && error.afterRefresh) {
      return new ApiError({
        status: 401,
        code: "reauth_required",
        message: `The ChatGPT backend still rejects the login after a token refresh. ${LOGIN_HINT} again.`,
      });
    }
    return toApiError(
      mapUpstreamError({ status: error.status, headers: error.headers, bodyText: error.bodyText, now }),
    );
  }
  if (CodexClientError.isInstance(error)) {
    switch (error.code) {
      case "upstream_idle_timeout":
        return new ApiError({ status: 504, code: "upstream_timeout", message: error.message });
      case "aborted":
        return new ApiError({
          status: 499,
          code: "client_closed_request",
          message: "The client closed the request.",
        });
      default:
        return new ApiError({ status: 502, code: "upstream_unreachable", message: error.message });
    }
  }
  const bodyParser = bodyParserError(error);
  if (bodyParser) return bodyParser;
  return new ApiError({
    status: 500,
    code: "internal_error",
    message: "Internal server error.",
    cause: error,
  });
}

const ABSOLUTE_PATH = /(?<=^|[\s'"`(])\/(?:[^\s'"`)]+\/)+([^\s'"`)]+)/g;

/**
 * API clients (possibly remote, with an API key) learn what went wrong with the login, but not where
 * the data folder is: absolute paths are cut to their file name. The log keeps the full text.
 */
export function withoutLocalPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, "$1");
}

function fromOAuthError(error: OAuthError): ApiError {
  switch (error.code) {
    case "not_logged_in":
      return new ApiError({
        status: 401,
        code: "not_logged_in",
        message: `Not logged in to ChatGPT. ${LOGIN_HINT}.`,
      });
    case "reauth_required":
    case "invalid_token":
    case "store_corrupt":
      return new ApiError({
        status: 401,
        code: "reauth_required",
        message: `The ChatGPT login can no longer be refreshed (${withoutLocalPaths(error.message)}). ${LOGIN_HINT} again.`,
      });
    default:
      return new ApiError({
        status: error.retryable ? 503 : 502,
        code: "auth_unavailable",
        message: `Could not get a ChatGPT access token: ${withoutLocalPaths(error.message)}`,
        headers: error.retryable ? { "retry-after": "5" } : {},
      });
  }
}

function bodyParserError(error: unknown): ApiError | null {
  if (typeof error !== "object" || error === null) return null;
  const { type, status, limit } = error as { type?: unknown; status?: unknown; limit?: unknown };
  if (type === "entity.too.large") {
    return new ApiError({
      status: 413,
      code: "request_too_large",
      message: `The request body is larger than the server's limit${typeof limit === "number" ? ` of ${limit} bytes` : ""} (CMP_BODY_LIMIT).`,
    });
  }
  if (type === "entity.parse.failed") {
    return new ApiError({
      status: 400,
      code: "invalid_json",
      message: "The request body is not valid JSON.",
    });
  }
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new ApiError({
      status: 415,
      code: "unsupported_encoding",
      message: "Unsupported body encoding or charset.",
    });
  }
  const { code, expose } = error as { code?: unknown; expose?: unknown };
  if (type === undefined && typeof code === "string" && /^(?:Z_|ERR__ERROR_)/.test(code)) {
    // zlib/brotli failed on the body: its bytes do not match its Content-Encoding.
    return new ApiError({
      status: 400,
      code: "invalid_encoding",
      message: "The request body could not be decompressed: it does not match its Content-Encoding.",
    });
  }
  if (type === undefined && expose === true && typeof status === "number" && status >= 400 && status < 500) {
    return new ApiError({ status, code: "invalid_request", message: "The request body could not be read." });
  }
  if (typeof type === "string" && typeof status === "number" && status >= 400 && status < 500) {
    return new ApiError({
      status,
      code: "invalid_request",
      message: `The request body could not be read (${type}).`,
    });
  }
  return null;
}

/** {@link toApiError} as transform's `OpenAIHttpError`, for the stream builders' read failures. */
export function toOpenAIHttpError(error: unknown, now: number = Date.now()): OpenAIHttpError {
  const e = toApiError(error, now);
  return new OpenAIHttpError({
    status: e.status,
    message: e.message,
    type: e.type,
    code: e.code,
    param: e.param,
    headers: e.headers,
    cause: error,
  });
}
