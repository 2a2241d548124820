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

/** A known optional field: a value of another type reads as `null` instead of rejecting the entry. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.nullish().catch(null);
}

/** One entry of a model's `supported_reasoning_levels`. */
export const reasoningLevelSchema = z.looseObject({
  effort: z.string().min(1),
  description: lenient(z.string()),
});

/** One entry of a model's `service_tiers` (`{ id: "priority", name: "Fast" }`). */
export const serviceTierSchema = z.looseObject({
  id: z.string().min(1),
  name: lenient(z.string()),
  description: lenient(z.string()),
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
  display_name: lenient(z.string()),
  description: lenient(z.string()),
  /** `list` = shown in `/v1/models`; `hide` = usable but not listed. */
  visibility: lenient(z.string()),
  /** Sort order, ascending. */
  priority: lenient(z.number()),
  supported_in_api: lenient(z.boolean()),
  supported_reasoning_levels: lenient(tolerantArray(reasoningLevelSchema)),
  default_reasoning_level: lenient(z.string()),
  default_reasoning_summary: lenient(z.string()),
  /** Whether the model takes `reasoning.summary`; it replaces `supports_reasoning_summaries`. */
  supports_reasoning_summary_parameter: lenient(z.boolean()),
  /** The older summary flag, read only when `supports_reasoning_summary_parameter` is absent. */
  supports_reasoning_summaries: lenient(z.boolean()),
  /**
   * The model is served by the responses-lite stack (the gpt-5.6 family): it ignores earlier turns'
   * reasoning unless the request asks for `reasoning.context: "all_turns"`.
   */
  use_responses_lite: lenient(z.boolean()),
  /** The official client prefers the WebSocket transport for this model (we use HTTP). */
  prefer_websockets: lenient(z.boolean()),
  /** The oldest Codex client version the backend serves this model to. */
  minimal_client_version: lenient(z.string()),
  support_verbosity: lenient(z.boolean()),
  default_verbosity: lenient(z.string()),
  service_tiers: lenient(tolerantArray(serviceTierSchema)),
  context_window: lenient(z.number()),
  max_context_window: lenient(z.number()),
  max_output_tokens: lenient(z.number()),
  input_modalities: lenient(z.array(z.string())),
  base_instructions: lenient(z.string()),
  upgrade: lenient(z.looseObject({ model: z.string().min(1) })),
});

/** One model of the catalog, as parsed by {@link catalogModelSchema}. */
export type CatalogModel = z.infer<typeof catalogModelSchema>;

/** The body of `GET /models`: `{ "models": [...] }`, plus an optional body `etag`. */
export const catalogResponseSchema = z.looseObject({
  models: z.array(z.unknown()),
  etag: lenient(z.string()),
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

/**
 * Whether requests for the model may carry `reasoning.summary`: `supports_reasoning_summary_parameter`,
 * or the older `supports_reasoning_summaries` only when the new field is absent.
 */
export function supportsReasoningSummary(model: CatalogModel): boolean {
  return (model.supports_reasoning_summary_parameter ?? model.supports_reasoning_summaries) === true;
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
