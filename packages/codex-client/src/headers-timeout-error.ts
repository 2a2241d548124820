import { CmpError } from "@cmp/core";

/**
 * The backend sent no response head within the headers timeout; the transport destroyed the request.
 * The client reports it as the `cause` of an `upstream_unreachable` error.
 */
export class HeadersTimeoutError extends CmpError<"ERR_HEADERS_TIMEOUT"> {
  constructor(timeoutMs: number) {
    // Spelled like Node's own `ERR_*` codes, which share the `cause` slot (and the log line) with it.
    super("HeadersTimeoutError", {
      code: "ERR_HEADERS_TIMEOUT",
      message: `No response head within ${timeoutMs} ms`,
      retryable: true,
    });
  }

  /** True for a `HeadersTimeoutError` from any copy of this package. */
  static override isInstance(error: unknown): error is HeadersTimeoutError {
    return CmpError.hasMarker(error, "cmp.error.HeadersTimeoutError");
  }
}
