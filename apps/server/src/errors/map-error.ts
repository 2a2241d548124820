import { CodexClientError, CodexHttpError } from "@cmp/codex-client";
import { ModelNotFoundError } from "@cmp/models";
import { OAuthError } from "@cmp/oauth";
import { mapUpstreamError, OpenAIHttpError } from "@cmp/transform";
import {
  clientVersionRefusalError,
  isClientVersionRefusal,
  isMappedClientVersionRefusal,
} from "./client-version-refusal.js";
import { echoText } from "./echo-text.js";

const LOGIN_HINT = "Run `cmp-server login` (or `pnpm tui`) to log in";
/** Upstream codes that name why the login stopped working (see transform's classifier). */
const ACCOUNT_GONE: ReadonlySet<string> = new Set(["token_revoked", "deactivated_workspace"]);

/**
 * Maps anything a route can throw to the one HTTP error type the server answers with, transform's
 * `OpenAIHttpError`: the package errors (`OAuthError`, `ModelNotFoundError`, `CodexHttpError`,
 * `CodexClientError`) become the status and code a client can act on; anything else is a 500 without
 * internals. `clientVersion` (the announced Codex version) is named when the backend refuses a model as
 * needing a newer Codex, with the `CMP_CLIENT_VERSION` fix.
 */
export function toHttpError(
  error: unknown,
  now: number = Date.now(),
  clientVersion: string | null = null,
): OpenAIHttpError {
  if (OpenAIHttpError.isInstance(error)) {
    if (clientVersion !== null && error.status < 500 && isMappedClientVersionRefusal(error)) {
      return clientVersionRefusalError(error, clientVersion);
    }
    return error;
  }
  if (OAuthError.isInstance(error)) return fromOAuthError(error);
  if (ModelNotFoundError.isInstance(error)) {
    return new OpenAIHttpError({
      status: 404,
      code: "model_not_found",
      param: "model",
      type: "invalid_request_error",
      message: `The model \`${echoText(error.model)}\` does not exist or is not available with your ChatGPT plan. Available models: ${error.available.join(", ") || "(none)"}.`,
    });
  }
  if (CodexHttpError.isInstance(error)) {
    const mapped = mapUpstreamError({
      status: error.status,
      headers: error.headers,
      bodyText: error.bodyText,
      now,
    });
    // A revoked token or a deactivated workspace says what happened; a bare 401 after the refresh
    // only says that the login no longer works.
    if (error.status === 401 && error.afterRefresh && !ACCOUNT_GONE.has(mapped.code)) {
      return new OpenAIHttpError({
        status: 401,
        code: "reauth_required",
        message: `The ChatGPT backend still rejects the login after a token refresh. ${LOGIN_HINT} again.`,
      });
    }
    if (clientVersion !== null && isClientVersionRefusal(error)) {
      return clientVersionRefusalError(mapped, clientVersion);
    }
    return mapped;
  }
  if (CodexClientError.isInstance(error)) {
    switch (error.code) {
      case "upstream_idle_timeout":
      case "upstream_deadline":
        return new OpenAIHttpError({ status: 504, code: "upstream_timeout", message: error.message });
      case "aborted":
        return new OpenAIHttpError({
          status: 499,
          code: "client_closed_request",
          message: "The client closed the request.",
        });
      default:
        return new OpenAIHttpError({ status: 502, code: "upstream_unreachable", message: error.message });
    }
  }
  const clientError = expressClientError(error);
  if (clientError) return clientError;
  return new OpenAIHttpError({
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

/**
 * Says once what happened and once what to do. The token manager's `reauth_required` message already
 * reads "The ChatGPT login can no longer be refreshed (refresh_token_reused); run `cmp-server login`…":
 * wrapping it again repeated both halves. Other causes (an unreadable file, unusable tokens) get the
 * opening and the hint around their own message.
 */
function reauthMessage(error: OAuthError): string {
  const said = withoutLocalPaths(error.message);
  if (error.code === "reauth_required" && said.includes("cmp-server login")) return said;
  return `The ChatGPT login cannot be used (${said.replace(/\.$/, "")}). ${LOGIN_HINT} again.`;
}

function fromOAuthError(error: OAuthError): OpenAIHttpError {
  switch (error.code) {
    case "not_logged_in":
      return new OpenAIHttpError({
        status: 401,
        code: "not_logged_in",
        message: `Not logged in to ChatGPT. ${LOGIN_HINT}.`,
      });
    case "reauth_required":
    case "invalid_token":
    case "store_corrupt":
      return new OpenAIHttpError({
        status: 401,
        code: "reauth_required",
        message: reauthMessage(error),
      });
    case "store_unavailable":
      // A refresh or a new login needs the shared store (CMP_STORE_URL); it reconnects by itself.
      return new OpenAIHttpError({
        status: 503,
        code: "store_unavailable",
        message:
          "The shared state store (CMP_STORE_URL) cannot be reached, and this request needs it (the ChatGPT login must be refreshed or read). Retry shortly.",
        headers: { "retry-after": "5" },
      });
    default:
      return new OpenAIHttpError({
        status: error.retryable ? 503 : 502,
        code: "auth_unavailable",
        message: `Could not get a ChatGPT access token: ${withoutLocalPaths(error.message)}`,
        headers: error.retryable ? { "retry-after": "5" } : {},
      });
  }
}

/**
 * Errors Express itself raises before a route runs carry an HTTP status: a malformed percent-encoding
 * in the path is a `URIError` with status 400 (and no `expose`, so it used to become a 500). Any such
 * 4xx is the client's mistake and is answered as one.
 */
function expressClientError(error: unknown): OpenAIHttpError | null {
  if (typeof error !== "object" || error === null) return null;
  const { status } = error as { status?: unknown };
  if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status >= 500) return null;
  return new OpenAIHttpError({
    status,
    code: "invalid_request",
    message:
      error instanceof URIError
        ? "The request path is not valid percent-encoding."
        : "The request could not be read.",
  });
}
