/** Why a call to the server failed. */
export type ServerErrorCode = "unreachable" | "unauthorized" | "http_error" | "bad_response";

const marker = Symbol.for("@cmp/tui.ServerError");

/** A failed call to the proxy server. Messages never contain the API key. */
export class ServerError extends Error {
  readonly [marker] = true;
  readonly code: ServerErrorCode;
  readonly status: number | null;

  constructor(code: ServerErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ServerError";
    this.code = code;
    this.status = options.status ?? null;
  }

  /** True for any `ServerError`, even from another copy of this module. */
  static isInstance(value: unknown): value is ServerError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
