import { CmpError } from "@cmp/core";

/** Codes of the errors thrown by `@cmp/codex-client`. */
export type CodexClientErrorCode =
  | "upstream_http_error"
  | "upstream_unreachable"
  | "upstream_idle_timeout"
  | "upstream_deadline"
  | "upstream_stream_error"
  | "aborted";

/**
 * Base class of every error this package throws to its callers. `code` tells the failure apart;
 * `isInstance()` works across duplicate copies of the package.
 */
export class CodexClientError<
  Code extends CodexClientErrorCode = CodexClientErrorCode,
> extends CmpError<Code> {
  constructor(code: Code, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    // A cancelled request is not worth repeating; everything else here is a network failure.
    const retryable = options.retryable ?? code !== "aborted";
    super("CodexClientError", { code, message, cause: options.cause, retryable });
  }

  /** True for any error thrown by this package (any copy of it), `CodexHttpError` included. */
  static override isInstance(error: unknown): error is CodexClientError {
    return CmpError.hasMarker(error, "cmp.error.CodexClientError");
  }
}
