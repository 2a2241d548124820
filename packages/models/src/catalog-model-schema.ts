import { z } from "zod";

/**
 * An array whose malformed items are dropped instead of failing the whole array.
 * The backend adds and reshapes catalog fields often; one odd entry must not hide the rest.
 */
function tolerantArray<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((items) =>
    items.flatMap((value) => {
      const parsed = item.safeParse(value);
      return parsed.success ? [parsed.data as z.output<T>] : [];
    }),
  );
}

/** One entry of a model's `supported_reasoning_levels`. */
export const reasoningLevelSchema = z.looseObject({
  effort: z.string().min(1),
  description: z.string().nullish().catch(null),
});

/** One entry of a model's `service_tiers` (`{ id: "priority", name: "Fast" }`). */
export const serviceTierSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish().catch(null),
  description: z.string().nullish().catch(null),
});

/**
 * One model of the Codex backend's `GET /models` catalog.
 *
 * Only `slug` is required. Every other known field is optional, and a known field with an
 * unexpected type reads as `null` rather than rejecting the model. Unknown fields pass through.
 * @see ../../../docs/architecture.md
 */
export const catalogModelSchema = z.looseObject({
  slug: z.string().trim().min(1),
  display_name: z.string().nullish().catch(null),
  description: z.string().nullish().catch(null),
  /** `list` = shown in `/v1/models`; `hide` = usable but not listed. */
  visibility: z.string().nullish().catch(null),
  /** Sort order, ascending. */
  priority: z.number().nullish().catch(null),
  supported_in_api: z.boolean().nullish().catch(null),
  supported_reasoning_levels: tolerantArray(reasoningLevelSchema).nullish().catch(null),
  default_reasoning_level: z.string().nullish().catch(null),
  default_reasoning_summary: z.string().nullish().catch(null),
  supports_reasoning_summaries: z.boolean().nullish().catch(null),
  support_verbosity: z.boolean().nullish().catch(null),
  default_verbosity: z.string().nullish().catch(null),
  service_tiers: tolerantArray(serviceTierSchema).nullish().catch(null),
  context_window: z.number().nullish().catch(null),
  max_context_window: z.number().nullish().catch(null),
  max_output_tokens: z.number().nullish().catch(null),
  input_modalities: z.array(z.string()).nullish().catch(null),
  base_instructions: z.string().nullish().catch(null),
  upgrade: z
    .looseObject({ model: z.string().min(1) })
    .nullish()
    .catch(null),
});

/** One model of the catalog, as parsed by {@link catalogModelSchema}. */
export type CatalogModel = z.infer<typeof catalogModelSchema>;

/** The body of `GET /models`: `{ "models": [...] }`, plus an optional body `etag`. */
export const catalogResponseSchema = z.looseObject({
  models: z.array(z.unknown()),
  etag: z.string().nullish().catch(null),
});

/** Result of {@link parseCatalogModels}. */
export interface ParsedCatalog {
  models: CatalogModel[];
  /** How many entries failed to parse and were skipped. */
  skipped: number;
  /** The `etag` field of the body, when there is one. */
  etag: string | null;
}

/**
 * Parses a `/models` body (already JSON-decoded). Entries that fail to parse are skipped, not fatal.
 * Throws a `ZodError` only when the body is not an object with a `models` array.
 */
export function parseCatalogModels(body: unknown): ParsedCatalog {
  const response = catalogResponseSchema.parse(body);
  const models: CatalogModel[] = [];
  let skipped = 0;
  for (const entry of response.models) {
    const parsed = catalogModelSchema.safeParse(entry);
    if (parsed.success) models.push(parsed.data);
    else skipped += 1;
  }
  return { models, skipped, etag: response.etag ?? null };
}

/** The efforts a model accepts, in catalog order (empty when it lists none). */
export function supportedEfforts(model: CatalogModel): string[] {
  return (model.supported_reasoning_levels ?? []).map((level) => level.effort.toLowerCase());
}

/** Whether a model is listed in `/v1/models` (`visibility` other than `hide`). */
export function isListedModel(model: CatalogModel): boolean {
  return (model.visibility ?? "list").toLowerCase() !== "hide";
}

/** The listed models sorted by `priority` (ascending; models without one last, catalog order kept). */
export function listedModels(catalog: readonly CatalogModel[]): CatalogModel[] {
  return sortByPriority(catalog.filter(isListedModel));
}

/** A copy of `catalog` sorted by `priority`, stable. */
export function sortByPriority(catalog: readonly CatalogModel[]): CatalogModel[] {
  return catalog
    .map((model, index) => ({ model, index }))
    .sort((a, b) => {
      const pa = a.model.priority ?? Number.POSITIVE_INFINITY;
      const pb = b.model.priority ?? Number.POSITIVE_INFINITY;
      return pa === pb ? a.index - b.index : pa - pb;
    })
    .map(({ model }) => model);
}
