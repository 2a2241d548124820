import { CmpError } from "@cmp/core";

/**
 * A sealed secret could not be opened: it is not a `v1.` envelope, it was changed (the GCM tag does not
 * match), or it was sealed with another `CMP_STORE_SECRET`. The message never holds the secret or the
 * envelope.
 */
export class SecretBoxError extends CmpError<"secret_unreadable"> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("SecretBoxError", { code: "secret_unreadable", message, cause: options.cause });
  }

  /** True for any `SecretBoxError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is SecretBoxError {
    return CmpError.hasMarker(error, "cmp.error.SecretBoxError");
  }
}
