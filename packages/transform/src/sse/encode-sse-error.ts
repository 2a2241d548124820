import { CmpError } from "@cmp/core";

/** Codes of {@link EncodeSseError}. */
export type EncodeSseErrorCode = "invalid_sse_field";

/**
 * A value cannot be written as an SSE field: an event name or id containing CR or LF would end
 * the field early and let the rest be read as new fields or events (stream injection), so the
 * encoder refuses it, as hono's `streamSSE` does.
 */
export class EncodeSseError extends CmpError<EncodeSseErrorCode> {
  /** The SSE field that was refused. */
  readonly field: "event" | "id";

  constructor(field: "event" | "id") {
    super("EncodeSseError", {
      code: "invalid_sse_field",
      message: `SSE ${field} must not contain "\\r" or "\\n"`,
    });
    this.field = field;
  }

  /** True for any `EncodeSseError`, also across duplicate copies of this package. */
  static override isInstance(error: unknown): error is EncodeSseError {
    return CmpError.hasMarker(error, "cmp.error.EncodeSseError");
  }
}
