import type { CodexHttpError } from "@cmp/codex-client";
import { OpenAIHttpError } from "@cmp/transform";

// The backend's words (2026): "The 'gpt-5.5' model requires a newer version of Codex. Please upgrade to
// the latest app or CLI and try again." It comes as a FastAPI `detail` or an OpenAI-style `error`.
const NEWER_VERSION = /requires a newer version of codex/i;

/** The code of the client's error for a model that needs a newer Codex version. */
export const CLIENT_VERSION_TOO_OLD = "codex_client_version_too_old";

/** Whether a backend answer refuses the model because our announced Codex version is too old. */
export function isClientVersionRefusal(error: CodexHttpError): boolean {
  return error.status >= 400 && error.status < 500 && NEWER_VERSION.test(error.bodyText);
}

/**
 * The same refusal as a stream failure transform already mapped (a `response.failed` or `error` event
 * before the first byte reached the client), not yet explained.
 */
export function isMappedClientVersionRefusal(error: OpenAIHttpError): boolean {
  return error.code !== CLIENT_VERSION_TOO_OLD && NEWER_VERSION.test(error.message);
}

/**
 * The client's error for {@link isClientVersionRefusal}: the backend's own sentence (from the mapped
 * error) would tell the user to upgrade Codex, which they do not run; the fix is this proxy's
 * `CMP_CLIENT_VERSION`, so the message says so and names the version that was refused.
 */
export function clientVersionRefusalError(mapped: OpenAIHttpError, clientVersion: string): OpenAIHttpError {
  return new OpenAIHttpError({
    status: mapped.status,
    type: "invalid_request_error",
    code: CLIENT_VERSION_TOO_OLD,
    param: "model",
    message:
      `The ChatGPT backend refused the model because it requires a newer version of Codex than this proxy announces (${clientVersion}). ` +
      "Set CMP_CLIENT_VERSION to the current Codex CLI version (https://github.com/openai/codex/releases) and restart cmp-server. " +
      `Backend said: ${mapped.message}`,
    headers: mapped.headers,
  });
}
