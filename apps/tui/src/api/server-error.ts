import { CmpError } from "@cmp/core";

/**
 * Why a call to the server failed: `forbidden` (HTTP 403 from a management route, for example a key that
 * is not an admin key) and `not_found` (HTTP 404: a server without that route) come from the management
 * API only; `/v1/status` and the event stream report a refused key as `unauthorized`.
 */
export type ServerErrorCode =
  | "unreachable"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "http_error"
  | "bad_response";

/** A failed call to the proxy server. Messages never contain the API key. */
export class ServerError extends CmpError<ServerErrorCode> {
  readonly status: number | null;
  /** The `error.code` of the server's OpenAI-shaped error body (`admin_required`, …), when it sent one. */
  readonly apiCode: string | null;

  constructor(
    code: ServerErrorCode,
    message: string,
    options: { status?: number; apiCode?: string | null; cause?: unknown } = {},
  ) {
    super("ServerError", { code, message, cause: options.cause, retryable: code === "unreachable" });
    this.status = options.status ?? null;
    this.apiCode = options.apiCode ?? null;
  }

  /** True for any `ServerError`, even from another copy of this module. */
  static override isInstance(value: unknown): value is ServerError {
    return CmpError.hasMarker(value, "cmp.error.ServerError");
  }
}
