import { bundledCatalog } from "./bundled-catalog.js";
import {
  type CatalogModel,
  listedModels,
  supportedEfforts,
  supportsReasoningSummary,
} from "./catalog-model-schema.js";
import { findLegacyModel } from "./legacy-models.js";
import { matchFirstFamily } from "./match-model-family.js";
import { ModelNotFoundError } from "./model-not-found-error.js";
import { normalizeModelName, splitEffortSuffix, stripDateSuffix } from "./parse-model-name.js";
import { clampEffort, effortRank, REASONING_EFFORT_ORDER } from "./reasoning-effort.js";

/** Reasoning summary mode sent upstream; `none` means the summary is left out. */
export type ReasoningSummaryMode = "auto" | "concise" | "detailed" | "none";

/** Text verbosity (`text.verbosity` upstream). */
export type Verbosity = "low" | "medium" | "high";

/** What the client asked for. Effort, verbosity and tier come from the request body. */
export interface ModelRequest {
  /** The model name as sent by the client. */
  model: string;
  /** `reasoning_effort` (Chat Completions) or `reasoning.effort` (Responses); beats a name suffix. */
  reasoningEffort?: string | null;
  /** `reasoning.summary` from a Responses request; beats the configured summary mode. */
  reasoningSummary?: string | null;
  /** `verbosity` / `text.verbosity`. */
  verbosity?: string | null;
  /** `service_tier`; only `priority` (alias `fast`) reaches the backend. */
  serviceTier?: string | null;
}

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /**
   * The current catalog (from `createModelCatalog().get()` or `bundledCatalog`). Lookups are built
   * once per array and reused, so pass a new array when the list changes; never edit one in place.
   */
  catalog: readonly CatalogModel[];
  /** User aliases, applied first; keys are case-insensitive, targets may carry an effort suffix. */
  aliases?: Readonly<Record<string, string>>;
  /** Summary mode when the request names none (default `auto` where the model supports summaries). */
  summary?: ReasoningSummaryMode;
}

/** The backend model and parameters for one request. */
export interface ResolvedModel {
  slug: string;
  /** `null` when the model lists no reasoning efforts. */
  effort: string | null;
  summary: ReasoningSummaryMode;
  verbosity: Verbosity | null;
  serviceTier: "priority" | null;
  /**
   * `all_turns` for a `use_responses_lite` model that reasons: the lite stack's default (`current_turn`)
   * would ignore the reasoning replayed from earlier turns. `null` elsewhere (the field is left out).
   */
  reasoningContext: "all_turns" | null;
  /** What was changed from the request, for the `x-cmp-warnings` header and the debug log. */
  warnings: string[];
  model: CatalogModel;
}

const summaryModes: readonly string[] = ["auto", "concise", "detailed", "none"];
const verbosities: readonly string[] = ["low", "medium", "high"];
const maxUpgradeHops = 5;

/** Client text inside a warning: printable ASCII only and short, since warnings become a header. */
function quote(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return `"${printable.length > 80 ? `${printable.slice(0, 77)}...` : printable}"`;
}

interface NameMatch {
  model: CatalogModel;
  note: string | null;
}

function knownSlugs(catalog: readonly CatalogModel[]): Map<string, CatalogModel> {
  return new Map(catalog.map((model) => [model.slug.toLowerCase(), model]));
}

interface CatalogIndex {
  current: Map<string, CatalogModel>;
  /** Upgrade edges of the snapshot and the current catalog, built on first use. */
  history: Map<string, CatalogModel> | null;
  efforts: Set<string>;
}

/** Per-catalog lookups, built once per catalog array (the catalog hands out the same array until it changes). */
const catalogIndexes = new WeakMap<readonly CatalogModel[], CatalogIndex>();

function indexCatalog(catalog: readonly CatalogModel[]): CatalogIndex {
  let index = catalogIndexes.get(catalog);
  if (!index) {
    index = {
      current: knownSlugs(catalog),
      history: null,
      efforts: new Set<string>([...REASONING_EFFORT_ORDER, ...catalog.flatMap(supportedEfforts)]),
    };
    catalogIndexes.set(catalog, index);
  }
  return index;
}

/** Follows `upgrade.model` edges the current catalog or the snapshot declare, to a current model. */
function followUpgrade(name: string, index: CatalogIndex): CatalogModel | undefined {
  const { current } = index;
  index.history ??= knownSlugs([...bundledCatalog, ...current.values()]);
  const history = index.history;
  let slug = name;
  for (let hop = 0; hop < maxUpgradeHops; hop++) {
    const next = history.get(slug)?.upgrade?.model.toLowerCase();
    if (!next) return undefined;
    const target = current.get(next);
    if (target) return target;
    slug = next;
  }
  return undefined;
}

function matchName(name: string, catalog: readonly CatalogModel[], index: CatalogIndex): NameMatch | null {
  const exactFirst = index.current.get(name);
  if (exactFirst) return { model: exactFirst, note: null };
  for (const candidate of new Set([name, stripDateSuffix(name)])) {
    const exact = index.current.get(candidate);
    if (exact) return { model: exact, note: null };
    const upgraded = followUpgrade(candidate, index);
    if (upgraded)
      return { model: upgraded, note: `model ${quote(candidate)} is retired; using ${quote(upgraded.slug)}` };
    const legacy = findLegacyModel(candidate);
    const mapped = legacy ? matchFirstFamily(catalog, legacy.families) : undefined;
    if (legacy && mapped) {
      const why = legacy.reason === "retired" ? "is retired" : "is not available with a ChatGPT subscription";
      return { model: mapped, note: `model ${quote(candidate)} ${why}; using ${quote(mapped.slug)}` };
    }
  }
  return null;
}

function findAlias(aliases: Readonly<Record<string, string>>, names: string[]): [string, string] | null {
  for (const [key, target] of Object.entries(aliases)) {
    const normalized = key.trim().toLowerCase();
    if (names.includes(normalized)) return [key, target];
  }
  return null;
}

function resolveEffort(
  model: CatalogModel,
  requested: string | null,
  suffix: string | null,
  warnings: string[],
): string | null {
  const supported = supportedEfforts(model);
  let wanted = requested;
  if (wanted !== null && effortRank(wanted) === undefined && !supported.includes(wanted)) {
    warnings.push(`reasoning effort ${quote(wanted)} is not recognised; ignoring it`);
    wanted = null;
  }
  if (wanted !== null && suffix !== null && wanted !== suffix) {
    warnings.push(
      `reasoning effort ${quote(wanted)} from the request overrides ${quote(suffix)} from the model name`,
    );
  }
  wanted ??= suffix;
  if (supported.length === 0) {
    if (wanted !== null)
      warnings.push(`model ${quote(model.slug)} takes no reasoning effort; ignoring ${quote(wanted)}`);
    return null;
  }
  if (wanted === null) {
    const fallback = model.default_reasoning_level?.toLowerCase() ?? "medium";
    return clampEffort(fallback, supported) ?? supported[0] ?? null;
  }
  // `supported` is not empty here, so there is always a first effort to fall back on.
  const clamped = clampEffort(wanted, supported) ?? supported[0] ?? wanted;
  if (clamped !== wanted) {
    warnings.push(
      `reasoning effort ${quote(wanted)} is not supported by ${quote(model.slug)}; using ${quote(clamped)}`,
    );
  }
  return clamped;
}

function resolveSummary(
  model: CatalogModel,
  effort: string | null,
  requested: string | null,
  configured: ReasoningSummaryMode | undefined,
  warnings: string[],
): ReasoningSummaryMode {
  let wanted: string | null = requested;
  if (wanted !== null && !summaryModes.includes(wanted)) {
    warnings.push(`reasoning summary ${quote(wanted)} is not one of ${summaryModes.join(", ")}; ignoring it`);
    wanted = null;
  }
  const supports = supportsReasoningSummary(model) && effort !== null && effort !== "none";
  const mode = (wanted ?? configured ?? (supports ? "auto" : "none")) as ReasoningSummaryMode;
  if (mode !== "none" && !supports) {
    if (wanted !== null)
      warnings.push(`reasoning summaries are not available for ${quote(model.slug)}; dropped`);
    return "none";
  }
  return mode;
}

function resolveVerbosity(
  model: CatalogModel,
  requested: string | null,
  warnings: string[],
): Verbosity | null {
  const supports = model.support_verbosity === true;
  if (requested !== null) {
    if (!verbosities.includes(requested)) {
      warnings.push(`verbosity ${quote(requested)} is not one of ${verbosities.join(", ")}; ignoring it`);
    } else if (!supports) {
      warnings.push(`verbosity is not supported by ${quote(model.slug)}; ignoring ${quote(requested)}`);
      return null;
    } else {
      return requested as Verbosity;
    }
  }
  const fallback = model.default_verbosity?.toLowerCase() ?? null;
  return supports && fallback !== null && verbosities.includes(fallback) ? (fallback as Verbosity) : null;
}

function resolveServiceTier(
  model: CatalogModel,
  requested: string | null,
  warnings: string[],
): "priority" | null {
  if (requested === null || requested === "auto" || requested === "default") return null;
  if (requested !== "priority" && requested !== "fast") {
    warnings.push(`service tier ${quote(requested)} is not offered by the ChatGPT backend; dropped`);
    return null;
  }
  if ((model.service_tiers ?? []).some((tier) => tier.id.toLowerCase() === "priority")) return "priority";
  warnings.push(`service tier ${quote(requested)} is not available for ${quote(model.slug)}; dropped`);
  return null;
}

function lower(value: string | null | undefined): string | null {
  const trimmed = value?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

/**
 * Resolves a requested model name against the current catalog, in this order: user aliases;
 * exact slug (case-insensitive, provider prefix stripped); a retired slug the catalog marks with an
 * `upgrade`; the legacy table; then the same after splitting an effort suffix (`-high`, `_low`,
 * `:xhigh`). Effort: the request's, else the suffix, else the model's default, clamped to what the
 * model accepts. Never throws for parameters; changes are reported in `warnings`.
 * @throws {ModelNotFoundError} when nothing matches; `available` lists the listed ids.
 */
export function resolveModel(request: ModelRequest, options: ResolveModelOptions): ResolvedModel {
  const { catalog } = options;
  const warnings: string[] = [];
  const index = indexCatalog(catalog);

  const requestedName = request.model.trim();
  let name = normalizeModelName(requestedName);
  const alias = options.aliases ? findAlias(options.aliases, [requestedName.toLowerCase(), name]) : null;
  if (alias) {
    const [key, target] = alias;
    warnings.push(`model ${quote(key)} is an alias for ${quote(target)}`);
    name = normalizeModelName(target);
  }

  let suffixEffort: string | null = null;
  let match = name ? matchName(name, catalog, index) : null;
  if (!match && name) {
    const split = splitEffortSuffix(name, index.efforts);
    if (split) {
      match = matchName(split.base, catalog, index);
      if (match) suffixEffort = split.effort;
    }
  }
  if (!match) {
    throw new ModelNotFoundError(
      requestedName,
      listedModels(catalog).map((model) => model.slug),
    );
  }
  if (match.note) warnings.push(match.note);

  const { model } = match;
  const effort = resolveEffort(model, lower(request.reasoningEffort), suffixEffort, warnings);
  const summary = resolveSummary(model, effort, lower(request.reasoningSummary), options.summary, warnings);
  const verbosity = resolveVerbosity(model, lower(request.verbosity), warnings);
  const serviceTier = resolveServiceTier(model, lower(request.serviceTier), warnings);
  const reasoningContext = model.use_responses_lite === true && effort !== null ? "all_turns" : null;
  return { slug: model.slug, effort, summary, verbosity, serviceTier, reasoningContext, warnings, model };
}
