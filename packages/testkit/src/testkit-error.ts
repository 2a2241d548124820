const marker = Symbol.for("@cmp/testkit/TestkitError");

/** Codes a {@link TestkitError} can carry. */
export type TestkitErrorCode =
  | "TESTKIT_LISTEN_FAILED"
  | "TESTKIT_INVALID_SCENARIO"
  | "TESTKIT_INVALID_ARGUMENT";

/** Error thrown by the test kit itself (never sent over HTTP). */
export class TestkitError extends Error {
  readonly code: TestkitErrorCode;
  readonly [marker] = true;

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TestkitError";
    this.code = code;
  }

  /** True for any `TestkitError`, even one from another copy of the package. */
  static isInstance(value: unknown): value is TestkitError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
