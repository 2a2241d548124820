import { CmpError } from "@cmp/core";

/**
 * The store could not answer: Redis is unreachable, a command timed out, the connection dropped, a
 * store file could not be read or written, or the store was closed. Nothing was half-written: a
 * command that failed either ran whole on the server or not at all (every multi-step change is one Lua
 * script or one atomic file rename). Trying again later may succeed.
 */
export class StoreUnavailableError extends CmpError<"store_unavailable"> {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("StoreUnavailableError", {
      code: "store_unavailable",
      message,
      cause: options.cause,
      retryable: true,
    });
  }

  /** True for any `StoreUnavailableError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is StoreUnavailableError {
    return CmpError.hasMarker(error, "cmp.error.StoreUnavailableError");
  }
}
