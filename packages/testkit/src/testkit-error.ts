import { CmpError } from "@cmp/core";

/** Codes a {@link TestkitError} can carry. */
export type TestkitErrorCode =
  | "TESTKIT_LISTEN_FAILED"
  | "TESTKIT_INVALID_SCENARIO"
  | "TESTKIT_INVALID_ARGUMENT"
  | "TESTKIT_PROCESS_EXITED"
  | "TESTKIT_PROCESS_TIMEOUT";

/** Error thrown by the test kit itself (never sent over HTTP). */
export class TestkitError extends CmpError<TestkitErrorCode> {
  constructor(code: TestkitErrorCode, message: string, options: { cause?: unknown } = {}) {
    super("TestkitError", { code, message, cause: options.cause });
  }

  /** True for any `TestkitError`, even one from another copy of the package. */
  static override isInstance(error: unknown): error is TestkitError {
    return CmpError.hasMarker(error, "cmp.error.TestkitError");
  }
}
