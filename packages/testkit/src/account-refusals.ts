import type { ErrorReply } from "./codex-validation.js";

/**
 * The backend's 401 for an access token whose login was revoked (the `token-revoked` scenario and
 * `FakeAuthServer.revokeAccount` send it). Unlike an expired token, refreshing does not help: the refresh
 * token of a revoked login is refused too.
 */
export function tokenRevokedReply(): ErrorReply {
  return {
    status: 401,
    body: {
      error: {
        type: "invalid_request_error",
        code: "token_revoked",
        message: "Your authentication token has been revoked.",
        param: null,
      },
    },
  };
}

/**
 * The backend's 402 for an account whose (Team) workspace was deactivated; it disables every seat of the
 * workspace at once (protocol doc, "Updates, December 2026", *reported*).
 */
export function deactivatedWorkspaceReply(): ErrorReply {
  return { status: 402, body: { detail: { code: "deactivated_workspace" } } };
}
