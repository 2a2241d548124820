const marker = Symbol.for("cmp.instructions.error");

/** Codes of {@link InstructionsError}. */
export type InstructionsErrorCode = "github_fetch_failed" | "cache_write_failed";

/**
 * Base error of `@cmp/instructions`. Fetch failures are reported through `onEvent`, never thrown
 * to a request: every source fails over to the next.
 */
export class InstructionsError extends Error {
  readonly code: InstructionsErrorCode;
  /** HTTP status, when a server answered. */
  readonly status: number | null;
  readonly [marker] = true;

  constructor(
    code: InstructionsErrorCode,
    message: string,
    options: { status?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "InstructionsError";
    this.code = code;
    this.status = options.status ?? null;
  }

  /** True for any `InstructionsError`, even one from another copy of this package. */
  static isInstance(error: unknown): error is InstructionsError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
