import { CmpError } from "@cmp/core";
import { ModelsError } from "./models-error.js";

/**
 * The requested model name matches nothing in the catalog, the legacy table or the aliases.
 * The server answers it with 404 `model_not_found`; `available` lists the ids a client can use.
 */
export class ModelNotFoundError extends ModelsError<"model_not_found"> {
  readonly model: string;
  readonly available: string[];

  constructor(model: string, available: string[]) {
    const shown = model.length > 200 ? `${model.slice(0, 197)}...` : model;
    super(
      "model_not_found",
      `The model "${shown}" does not exist or is not available for this account. ` +
        `Available models: ${available.join(", ") || "(none)"}`,
    );
    this.markAs("ModelNotFoundError");
    this.model = model;
    this.available = available;
  }

  /** True for a `ModelNotFoundError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is ModelNotFoundError {
    return CmpError.hasMarker(error, "cmp.error.ModelNotFoundError");
  }
}
