import { CmpError } from "@cmp/core";
import { mapStatusToErrorType } from "./map-status-to-error-type.js";

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
  /** HTTP status to answer with. */
  status: number;
  message: string;
  /** OpenAI's error `type`; defaults to the type OpenAI uses for `status` ({@link mapStatusToErrorType}). */
  type?: string;
  /** OpenAI's error `code`; `null` or absent when OpenAI would send `"code": null`. */
  code?: string | null;
  /** The request field the error is about (`messages[3].content[1].image_url`). */
  param?: string | null;
  /** Extra response headers (`Retry-After`, …). */
  headers?: Record<string, string>;
  cause?: unknown;
  /** Defaults to true for 408, 409, 429 and 5xx, unless the headers say `x-should-retry: false`. */
  retryable?: boolean;
}

function isRetryableStatus(status: number, headers: Record<string, string>): boolean {
  if (headers["x-should-retry"] === "false") return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * The one HTTP error of the proxy: an HTTP status, OpenAI's error body and the response headers
 * (`Retry-After`, …) to send. Every failure this package produces (validation, upstream errors,
 * stream failures) is one of these, and the server answers every route failure with one.
 *
 * `code` is always a string, as for every `CmpError`, so callers can switch on it. OpenAI bodies
 * carry `"code": null` for errors without a code; such an error's `code` is its `type`
 * (`invalid_request_error`, …), while {@link OpenAIHttpError.toBody} still writes `null`, so
 * clients see exactly what OpenAI would send.
 */
export class OpenAIHttpError extends CmpError<string> {
  /** HTTP status to answer with. */
  readonly status: number;
  /** OpenAI's error `type` (`invalid_request_error`, `rate_limit_error`, …). */
  readonly type: string;
  /** The `param` the error is about (for example `messages[3].content[1].image_url`), or `null`. */
  readonly param: string | null;
  /** Extra response headers (for example `retry-after`), lower-case names. */
  readonly headers: Record<string, string>;
  /** The code as the body carries it: `null` when none was given. */
  private readonly bodyCode: string | null;

  constructor(options: OpenAIHttpErrorOptions) {
    const type = options.type ?? mapStatusToErrorType(options.status);
    const headers = options.headers ?? {};
    super("OpenAIHttpError", {
      code: options.code ?? type,
      message: options.message,
      cause: options.cause,
      retryable: options.retryable ?? isRetryableStatus(options.status, headers),
    });
    this.status = options.status;
    this.type = type;
    this.param = options.param ?? null;
    this.headers = headers;
    this.bodyCode = options.code ?? null;
  }

  /** The JSON body to send, in OpenAI's shape (a new object on each call). */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.bodyCode, param: this.param } };
  }

  /** The same as {@link OpenAIHttpError.toBody}, as a property (stream parts carry it as is). */
  get body(): OpenAIErrorBody {
    return this.toBody();
  }

  /** True for any `OpenAIHttpError`, also across duplicate copies of this package. */
  static override isInstance(error: unknown): error is OpenAIHttpError {
    return CmpError.hasMarker(error, "cmp.error.OpenAIHttpError");
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
