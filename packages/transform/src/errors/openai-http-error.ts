const MARKER = Symbol.for("@cmp/transform.OpenAIHttpError");

/** The OpenAI error envelope's inner object, as openai-node's `APIError` reads it. */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  code: string | null;
  param: string | null;
}

/** The OpenAI error envelope: `{ "error": { message, type, code, param } }`. */
export interface OpenAIErrorBody {
  error: OpenAIErrorObject;
}

/** Constructor options of {@link OpenAIHttpError}. */
export interface OpenAIHttpErrorOptions {
  status: number;
  message: string;
  type: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error that carries the HTTP status, the OpenAI error body and any response headers
 * (`Retry-After`, …) the server should send to the client. Every failure this package
 * produces (validation, upstream errors, stream failures) is one of these.
 */
export class OpenAIHttpError extends Error {
  readonly [MARKER] = true;
  override readonly name = "OpenAIHttpError";
  /** HTTP status to answer with. */
  readonly status: number;
  /** The JSON body to send, already in OpenAI's shape. */
  readonly body: OpenAIErrorBody;
  /** Extra response headers (for example `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(options: OpenAIHttpErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.body = {
      error: {
        message: options.message,
        type: options.type,
        code: options.code ?? null,
        param: options.param ?? null,
      },
    };
    this.headers = options.headers ?? {};
  }

  /** The OpenAI error `code` (for example `usage_limit_reached`), or `null`. */
  get code(): string | null {
    return this.body.error.code;
  }

  /** The `param` the error is about (for example `messages[3].content[1].image_url`), or `null`. */
  get param(): string | null {
    return this.body.error.param;
  }

  /** True for any `OpenAIHttpError`, also across duplicate copies of this package. */
  static isInstance(value: unknown): value is OpenAIHttpError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Builds the 400 `invalid_request_error` OpenAI answers for a bad request field. */
export function createInvalidRequestError(
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAIHttpError {
  return new OpenAIHttpError({ status: 400, type: "invalid_request_error", message, param, code });
}
