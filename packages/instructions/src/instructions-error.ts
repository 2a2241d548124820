import { CmpError } from "@cmp/core";

/** Codes of {@link InstructionsError}. */
export type InstructionsErrorCode = "github_fetch_failed" | "cache_write_failed";

/**
 * Base error of `@cmp/instructions`. Fetch failures are reported through `onEvent`, never thrown
 * to a request: every source fails over to the next. A GitHub failure is `retryable` unless GitHub
 * answered with a 4xx other than 408 and 429 (a missing release or file stays missing).
 */
export class InstructionsError extends CmpError<InstructionsErrorCode> {
  /** HTTP status, when a server answered. */
  readonly status: number | null;

  constructor(
    code: InstructionsErrorCode,
    message: string,
    options: { status?: number | null; cause?: unknown } = {},
  ) {
    const status = options.status ?? null;
    const retryable =
      code === "github_fetch_failed" &&
      (status === null || status === 408 || status === 429 || status >= 500);
    super("InstructionsError", { code, message, cause: options.cause, retryable });
    this.status = status;
  }

  /** True for any `InstructionsError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is InstructionsError {
    return CmpError.hasMarker(error, "cmp.error.InstructionsError");
  }
}
