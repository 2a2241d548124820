import { type CatalogModel, isListedModel, listedModels, supportedEfforts } from "./catalog-model-schema.js";

/** One entry of `GET /v1/models` (OpenAI's list shape plus the fields clients such as Letta read). */
export interface ModelEntry {
  id: string;
  object: "model";
  /** Stable across restarts: derived from the catalog priority, not from the clock. */
  created: number;
  owned_by: "openai";
  /** Letta reads it. */
  type: "model";
  display_name: string;
  /** Both carry the catalog's `context_window`. */
  context_window?: number;
  context_length?: number;
  max_context_window?: number;
  max_output_tokens?: number;
  reasoning_efforts: string[];
  default_reasoning_effort: string | null;
  input_modalities: string[];
  /** For a per-effort variant (`gpt-5.5-high`): the model it stands for. */
  parent?: string;
}

/** Options of {@link toModelEntries} and {@link toModelEntry}. */
export interface ModelEntriesOptions {
  /** Also list `slug-effort` ids, for UIs that can only pick by model id (Open WebUI). Default off. */
  effortVariants?: boolean;
}

// 2026-01-01T00:00:00Z. Lower priority (listed first by the backend) means a later `created`.
const createdBase = 1_767_225_600;

function baseEntry(model: CatalogModel): ModelEntry {
  const efforts = supportedEfforts(model);
  const defaultEffort = model.default_reasoning_level?.toLowerCase() ?? null;
  const entry: ModelEntry = {
    id: model.slug,
    object: "model",
    created: createdBase - Math.max(0, Math.min(model.priority ?? 1000, 1_000_000)),
    owned_by: "openai",
    type: "model",
    display_name: model.display_name ?? model.slug,
    reasoning_efforts: efforts,
    default_reasoning_effort: defaultEffort && efforts.includes(defaultEffort) ? defaultEffort : null,
    input_modalities: model.input_modalities ?? ["text"],
  };
  if (typeof model.context_window === "number") {
    entry.context_window = model.context_window;
    entry.context_length = model.context_window;
  }
  if (typeof model.max_context_window === "number") entry.max_context_window = model.max_context_window;
  if (typeof model.max_output_tokens === "number") entry.max_output_tokens = model.max_output_tokens;
  return entry;
}

function variantEntries(model: CatalogModel, base: ModelEntry): ModelEntry[] {
  return base.reasoning_efforts.map((effort) => ({
    ...base,
    id: `${model.slug}-${effort}`,
    display_name: `${base.display_name} (${effort})`,
    reasoning_efforts: [effort],
    default_reasoning_effort: effort,
    parent: model.slug,
  }));
}

/**
 * The `/v1/models` entries for a catalog: listed models (not `visibility: "hide"`) sorted by
 * priority, each followed by its per-effort variants when `effortVariants` is on.
 */
export function toModelEntries(
  catalog: readonly CatalogModel[],
  options: ModelEntriesOptions = {},
): ModelEntry[] {
  return listedModels(catalog).flatMap((model) => {
    const entry = baseEntry(model);
    return options.effortVariants ? [entry, ...variantEntries(model, entry)] : [entry];
  });
}

/**
 * The entry for `GET /v1/models/:id`: a listed id, a hidden slug, or (with `effortVariants`) a
 * per-effort variant; case-insensitive. Legacy names and aliases are not entries: `null`.
 */
export function toModelEntry(
  catalog: readonly CatalogModel[],
  id: string,
  options: ModelEntriesOptions = {},
): ModelEntry | null {
  const wanted = id.trim().toLowerCase();
  for (const model of catalog) {
    const entry = baseEntry(model);
    if (model.slug.toLowerCase() === wanted) return entry;
    if (!options.effortVariants || !isListedModel(model)) continue;
    const variant = variantEntries(model, entry).find((candidate) => candidate.id.toLowerCase() === wanted);
    if (variant) return variant;
  }
  return null;
}
