import type { QuotaSnapshot } from "./quota-headers.js";

const marker = Symbol.for("@cmp/codex-client.error");

/** Codes of the errors thrown by `@cmp/codex-client`. */
export type CodexClientErrorCode =
  | "upstream_http_error"
  | "upstream_unreachable"
  | "upstream_idle_timeout"
  | "upstream_stream_error"
  | "aborted";

/**
 * Base class of every error this package throws. `code` tells the failure apart; `isInstance()` works
 * across duplicate copies of the package.
 */
export class CodexClientError extends Error {
  readonly [marker] = true;
  /** A stable, machine-readable failure code. */
  readonly code: CodexClientErrorCode;

  constructor(code: CodexClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CodexClientError";
    this.code = code;
  }

  /** True for any error thrown by this package (any copy of it). */
  static isInstance(error: unknown): error is CodexClientError {
    return typeof error === "object" && error !== null && marker in error;
  }
}

/**
 * The backend answered with a non-2xx status (after the retries and the one 401 replay the client does).
 * `bodyText` is the backend's body, read in full; `headers` have lower-case names.
 */
export class CodexHttpError extends CodexClientError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly bodyText: string;
  /** True when this 401 came after a refresh and one replay: the login needs to be renewed. */
  readonly afterRefresh: boolean;
  /** The quota headers this error response carried, if any. */
  readonly quota: QuotaSnapshot | null;

  constructor(options: {
    status: number;
    headers: Record<string, string>;
    bodyText: string;
    afterRefresh?: boolean;
    quota?: QuotaSnapshot | null;
  }) {
    super("upstream_http_error", `Codex backend answered HTTP ${options.status}`);
    this.name = "CodexHttpError";
    this.status = options.status;
    this.headers = options.headers;
    this.bodyText = options.bodyText;
    this.afterRefresh = options.afterRefresh ?? false;
    this.quota = options.quota ?? null;
  }

  /** True for a `CodexHttpError` from any copy of this package. */
  static override isInstance(error: unknown): error is CodexHttpError {
    return CodexClientError.isInstance(error) && error.code === "upstream_http_error";
  }
}
