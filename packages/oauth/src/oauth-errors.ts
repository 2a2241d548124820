import { CmpError } from "@cmp/core";

/** Every failure code an `OAuthError` can carry. */
export type OAuthErrorCode =
  | "not_logged_in"
  | "reauth_required"
  | "refresh_failed"
  | "state_mismatch"
  | "access_denied"
  | "timeout"
  | "network_error"
  | "cancelled"
  | "device_auth_disabled"
  | "device_code_expired"
  | "store_corrupt"
  | "store_read_failed"
  | "store_write_failed"
  | "store_unavailable"
  | "token_exchange_failed"
  | "invalid_token"
  | "invalid_input"
  | "port_in_use"
  | "codex_auth_not_found"
  | "codex_agent_identity"
  | "duplicate_account";

/** Options for {@link OAuthError}. */
export interface OAuthErrorOptions {
  cause?: unknown;
  /** True when trying again later may succeed (network, 5xx, timeouts). */
  retryable?: boolean;
  /** HTTP status of the auth server's answer, when there was one. */
  status?: number;
}

/**
 * The one error type of `@cmp/oauth`. Messages are written for the person at the terminal and never
 * contain tokens, codes or verifiers. Recognise it with {@link OAuthError.isInstance} and switch on
 * `code`.
 */
export class OAuthError extends CmpError<OAuthErrorCode> {
  /** HTTP status of the auth server's answer, when there was one. */
  readonly status: number | undefined;

  constructor(code: OAuthErrorCode, message: string, options: OAuthErrorOptions = {}) {
    super("OAuthError", { code, message, cause: options.cause, retryable: options.retryable });
    this.status = options.status;
  }

  /** True for any `OAuthError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is OAuthError {
    return CmpError.hasMarker(error, "cmp.error.OAuthError");
  }
}
