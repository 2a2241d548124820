import { CmpError } from "@cmp/core";
import { ModelsError } from "./models-error.js";

/**
 * Fetching the catalog failed. Never thrown to callers of the catalog: it is reported through
 * `lastError` and the `fetch_failed` event while the cache or the bundled snapshot serves.
 * The message never contains tokens or headers. `retryable` is true for network failures, 408, 429
 * and 5xx.
 */
export class CatalogFetchError extends ModelsError<"catalog_fetch_failed"> {
  /** HTTP status, when the backend answered. */
  readonly status: number | null;

  constructor(message: string, options: { status?: number | null; cause?: unknown } = {}) {
    const status = options.status ?? null;
    const retryable = status === null || status === 408 || status === 429 || status >= 500;
    super("catalog_fetch_failed", message, { cause: options.cause, retryable });
    this.markAs("CatalogFetchError");
    this.status = status;
  }

  /** True for a `CatalogFetchError`, even one from another copy of this package. */
  static override isInstance(error: unknown): error is CatalogFetchError {
    return CmpError.hasMarker(error, "cmp.error.CatalogFetchError");
  }
}
