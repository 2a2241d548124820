import { CmpError } from "@cmp/core";

/** Codes of {@link ModelsError}. */
export type ModelsErrorCode = "model_not_found" | "catalog_fetch_failed";

/** Base class of every error thrown or reported by `@cmp/models`. */
export class ModelsError<Code extends ModelsErrorCode = ModelsErrorCode> extends CmpError<Code> {
  constructor(code: Code, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super("ModelsError", { code, message, cause: options.cause, retryable: options.retryable ?? false });
  }

  /** True for any `ModelsError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is ModelsError {
    return CmpError.hasMarker(error, "cmp.error.ModelsError");
  }
}
