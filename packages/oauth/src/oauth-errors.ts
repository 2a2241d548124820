const marker = Symbol.for("cmp.oauth.error");

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
  | "token_exchange_failed"
  | "invalid_token"
  | "invalid_input"
  | "port_in_use"
  | "codex_auth_not_found";

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
 * contain tokens, codes or verifiers.
 */
export class OAuthError extends Error {
  readonly [marker] = true;
  override readonly name = "OAuthError";
  readonly code: OAuthErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(code: OAuthErrorCode, message: string, options: OAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
  }

  /** True for any `OAuthError`, even one from another copy of this package. */
  static isInstance(error: unknown): error is OAuthError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
