import { CmpError } from "@cmp/core";
import { CodexClientError } from "./codex-client-error.js";
import type { QuotaSnapshot } from "./quota-headers.js";

/**
 * The backend answered with a non-2xx status (after the retries and the one 401 replay the client does).
 * `bodyText` is the backend's body, read in full; `headers` have lower-case names. `retryable` follows
 * the status (408, 409, 429 and 5xx).
 */
export class CodexHttpError extends CodexClientError<"upstream_http_error"> {
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
    const { status } = options;
    super("upstream_http_error", `Codex backend answered HTTP ${status}`, {
      retryable: status === 408 || status === 409 || status === 429 || status >= 500,
    });
    this.markAs("CodexHttpError");
    this.status = status;
    this.headers = options.headers;
    this.bodyText = options.bodyText;
    this.afterRefresh = options.afterRefresh ?? false;
    this.quota = options.quota ?? null;
  }

  /** True for a `CodexHttpError` from any copy of this package. */
  static override isInstance(error: unknown): error is CodexHttpError {
    return CmpError.hasMarker(error, "cmp.error.CodexHttpError");
  }
}
