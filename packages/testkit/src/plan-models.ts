import { createServedCatalog, type ServedCatalog } from "./model-catalog.js";

/**
 * Which catalog models each ChatGPT plan may use. A plan no rule names sees the whole catalog, so with
 * no rules (the default) every plan sees every model.
 */
export interface PlanModelRules {
  /** Slugs a plan lacks, by `chatgpt_plan_type`: `{ free: ["gpt-5.5", "gpt-5.6-sol"] }`. */
  lacks?: Readonly<Record<string, readonly string[]>>;
  /** Slugs only the listed plans have, by slug: `{ "gpt-5.6-sol": ["pro", "enterprise"] }`. */
  onlyFor?: Readonly<Record<string, readonly string[]>>;
}

/** True when a caller on `planType` may use the model `slug` under `rules`. */
export function planHasModel(rules: PlanModelRules | null, planType: string, slug: string): boolean {
  if (!rules) return true;
  if (rules.lacks && Object.hasOwn(rules.lacks, planType) && rules.lacks[planType]?.includes(slug)) {
    return false;
  }
  const only = rules.onlyFor && Object.hasOwn(rules.onlyFor, slug) ? rules.onlyFor[slug] : undefined;
  return only === undefined || only.includes(planType);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The catalog as a caller on `planType` gets it: the models the plan lacks are left out (the body is
 * re-serialised and gets its own ETag). When the plan lacks none, the catalog itself is returned, byte
 * for byte, with its ETag.
 */
export function catalogForPlan(
  catalog: ServedCatalog,
  rules: PlanModelRules | null,
  planType: string,
): ServedCatalog {
  if (catalog.models.every((m) => planHasModel(rules, planType, m.slug))) return catalog;
  const body = JSON.parse(catalog.text) as Record<string, unknown>;
  const models = Array.isArray(body["models"]) ? body["models"] : [];
  return createServedCatalog({
    ...body,
    models: models.filter((m) => !isObject(m) || planHasModel(rules, planType, String(m["slug"]))),
  });
}
