import { CmpError } from "@cmp/core";

/** `store.lock(name, { waitMs })` waited `waitMs` and the lock was still held by someone else. */
export class LockTimeoutError extends CmpError<"lock_timeout"> {
  /** The lock's name as given to `store.lock`. */
  readonly lockName: string;

  constructor(lockName: string, waitMs: number) {
    super("LockTimeoutError", {
      code: "lock_timeout",
      message: `The lock "${lockName}" is held elsewhere and was not free within ${waitMs} ms.`,
      retryable: true,
    });
    this.lockName = lockName;
  }

  /** True for any `LockTimeoutError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is LockTimeoutError {
    return CmpError.hasMarker(error, "cmp.error.LockTimeoutError");
  }
}
