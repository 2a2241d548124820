import { CmpError } from "@cmp/core";

/** Why a call to the server failed. */
export type ServerErrorCode = "unreachable" | "unauthorized" | "http_error" | "bad_response";

/** A failed call to the proxy server. Messages never contain the API key. */
export class ServerError extends CmpError<ServerErrorCode> {
  readonly status: number | null;

  constructor(code: ServerErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super("ServerError", { code, message, cause: options.cause, retryable: code === "unreachable" });
    this.status = options.status ?? null;
  }

  /** True for any `ServerError`, even from another copy of this module. */
  static override isInstance(value: unknown): value is ServerError {
    return CmpError.hasMarker(value, "cmp.error.ServerError");
  }
}
