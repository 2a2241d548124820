import { type CatalogModel, parseCatalogModels } from "./catalog-model-schema.js";
import snapshot from "./data/codex-models-snapshot.json" with { type: "json" };

/**
 * The catalog snapshot shipped with the package (a real `/models` body, 2026-08, with each model's
 * `base_instructions`). It serves when there is no login or no network, so the server starts
 * and lists models offline.
 */
export const bundledCatalog: readonly CatalogModel[] = Object.freeze(parseCatalogModels(snapshot).models);
