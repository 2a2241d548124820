const marker = Symbol.for("@cmp/server.api-error");

/** OpenAI's error body, the shape every client's SDK reads. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/**
 * An error the server answers with: an HTTP status, OpenAI's error body and extra headers
 * (`Retry-After`, …). Everything thrown in a route ends up as one of these in the error middleware.
 */
export class ApiError extends Error {
  readonly [marker] = true;
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(options: {
    status: number;
    message: string;
    type?: string;
    code?: string | null;
    param?: string | null;
    headers?: Record<string, string>;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = "ApiError";
    this.status = options.status;
    this.type = options.type ?? defaultType(options.status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI error body of this error. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }

  /** True for an `ApiError` (any copy). */
  static isInstance(error: unknown): error is ApiError {
    return typeof error === "object" && error !== null && marker in error;
  }
}

/** OpenAI's error `type` for a status. */
export function defaultType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** A 400 `invalid_request_error`, naming the offending parameter when there is one. */
export function invalidRequest(
  message: string,
  param: string | null = null,
  code = "invalid_request",
): ApiError {
  return new ApiError({ status: 400, message, code, param });
}
