/** @module @cmp/models */
export { bundledCatalog } from "./bundled-catalog.js";
export { CatalogFetchError } from "./catalog-fetch-error.js";
export type { CatalogModel } from "./catalog-model-schema.js";
export {
  type CatalogSource,
  type CatalogStatus,
  createModelCatalog,
  type ModelCatalog,
  type ModelCatalogEvent,
  type ModelCatalogOptions,
} from "./model-catalog.js";
export { type ModelEntriesOptions, type ModelEntry, toModelEntries, toModelEntry } from "./model-entries.js";
export { ModelNotFoundError } from "./model-not-found-error.js";
export { ModelsError, type ModelsErrorCode } from "./models-error.js";
export {
  type ModelRequest,
  type ReasoningSummaryMode,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
  type Verbosity,
} from "./resolve-model.js";
