const marker = Symbol.for("cmp.models.error");

/** Codes of {@link ModelsError}. */
export type ModelsErrorCode = "model_not_found" | "catalog_fetch_failed";

/** Base class of every error thrown or reported by `@cmp/models`. */
export class ModelsError extends Error {
  readonly code: ModelsErrorCode;
  readonly [marker] = true;

  constructor(code: ModelsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelsError";
    this.code = code;
  }

  /** True for any `ModelsError`, even one from another copy of this package. */
  static isInstance(error: unknown): error is ModelsError {
    return typeof error === "object" && error !== null && marker in error;
  }
}

/**
 * The requested model name matches nothing in the catalog, the legacy table or the aliases.
 * The server answers it with 404 `model_not_found`; `available` lists the ids a client can use.
 */
export class ModelNotFoundError extends ModelsError {
  readonly model: string;
  readonly available: string[];

  constructor(model: string, available: string[]) {
    const shown = model.length > 200 ? `${model.slice(0, 197)}...` : model;
    super(
      "model_not_found",
      `The model "${shown}" does not exist or is not available for this account. ` +
        `Available models: ${available.join(", ") || "(none)"}`,
    );
    this.name = "ModelNotFoundError";
    this.model = model;
    this.available = available;
  }

  /** True for a `ModelNotFoundError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is ModelNotFoundError {
    return ModelsError.isInstance(error) && error.code === "model_not_found";
  }
}

/**
 * Fetching the catalog failed. Never thrown to callers of the catalog: it is reported through
 * `lastError` and the `fetch_failed` event while the cache or the bundled snapshot serves.
 * The message never contains tokens or headers.
 */
export class CatalogFetchError extends ModelsError {
  /** HTTP status, when the backend answered. */
  readonly status: number | null;

  constructor(message: string, options: { status?: number | null; cause?: unknown } = {}) {
    super("catalog_fetch_failed", message, { cause: options.cause });
    this.name = "CatalogFetchError";
    this.status = options.status ?? null;
  }

  /** True for a `CatalogFetchError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is CatalogFetchError {
    return ModelsError.isInstance(error) && error.code === "catalog_fetch_failed";
  }
}
