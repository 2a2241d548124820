import { CmpError } from "@cmp/core";

/** The codes of {@link ApiKeyError}. */
export type ApiKeyErrorCode = "invalid_key_settings" | "key_exists" | "key_not_found";

/**
 * A key management request that cannot be done: a bad name or limit (`invalid_key_settings`), a name
 * already taken (`key_exists`), or a key that is not there (`key_not_found`). The message is written for
 * the operator and never contains a key.
 */
export class ApiKeyError extends CmpError<ApiKeyErrorCode> {
  constructor(code: ApiKeyErrorCode, message: string) {
    super("ApiKeyError", { code, message, retryable: false });
  }

  /** True for any `ApiKeyError`, even one from another copy of this module. */
  static override isInstance(error: unknown): error is ApiKeyError {
    return CmpError.hasMarker(error, "cmp.error.ApiKeyError");
  }
}
