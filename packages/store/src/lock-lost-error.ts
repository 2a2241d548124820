import { CmpError } from "@cmp/core";

/**
 * A held lock's lease ended before `release()`: it could not be renewed in time (the store was
 * unreachable, the process stalled longer than the lease) or someone else took it over (the lease
 * expired, the key or lock folder was removed). The holder must stop acting on what the lock protected:
 * another holder may already be at work. It is the `reason` of the lock's `signal`.
 */
export class LockLostError extends CmpError<"lock_lost"> {
  /** The lock's name as given to `store.lock`. */
  readonly lockName: string;

  constructor(lockName: string, detail: string, options: { cause?: unknown } = {}) {
    super("LockLostError", {
      code: "lock_lost",
      message: `The lock "${lockName}" was lost: ${detail}.`,
      cause: options.cause,
      retryable: true,
    });
    this.lockName = lockName;
  }

  /** True for any `LockLostError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is LockLostError {
    return CmpError.hasMarker(error, "cmp.error.LockLostError");
  }
}
