/** @module @cmp/models */
export { bundledCatalog } from "./bundled-catalog.js";
export {
  type CatalogModel,
  catalogModelSchema,
  isListedModel,
  listedModels,
  type ParsedCatalog,
  parseCatalogModels,
  supportedEfforts,
} from "./catalog-model-schema.js";
export { LEGACY_MODELS, type LegacyModel, type LegacyReason } from "./legacy-models.js";
export {
  type CatalogSource,
  type CatalogStatus,
  createModelCatalog,
  type ModelCatalog,
  type ModelCatalogEvent,
  type ModelCatalogOptions,
  type ModelsAuth,
} from "./model-catalog.js";
export { type ModelEntriesOptions, type ModelEntry, toModelEntries, toModelEntry } from "./model-entries.js";
export { CatalogFetchError, ModelNotFoundError, ModelsError, type ModelsErrorCode } from "./models-error.js";
export { clampEffort, type KnownReasoningEffort, REASONING_EFFORT_ORDER } from "./reasoning-effort.js";
export {
  type ModelRequest,
  type ReasoningSummaryMode,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
  type Verbosity,
} from "./resolve-model.js";
