/**
 * Why a legacy name needs mapping: a Codex model the backend no longer serves (`retired`), or an
 * OpenAI API model the ChatGPT backend never served (`not_served`, sent by clients by default).
 */
export type LegacyReason = "retired" | "not_served";

/** One row of {@link LEGACY_MODELS}. */
export interface LegacyModel {
  /**
   * Model families to try against the *current* catalog, most preferred first. A family is a slug
   * pattern where `*` matches anything (`gpt-5.5`, `gpt-5.6-*`, `*-mini`); `@default` is the first
   * listed model of the catalog. The first family that matches any model wins.
   */
  families: readonly string[];
  reason: LegacyReason;
}

const general = ["gpt-5.5", "gpt-5.6-terra", "gpt-5.4", "gpt-5.6-*", "gpt-5*", "@default"] as const;
const strongest = ["gpt-5.6-sol", ...general] as const;
const small = ["gpt-5.6-luna", "gpt-5.4-mini", "*-mini", "*-luna", ...general] as const;

/**
 * Names users already have in their configs, mapped to the closest model of the current catalog.
 * A name that the catalog itself lists always wins over this table, so a model the backend brings
 * back is used as is. Effort suffixes (`gpt-5-codex-high`) and dates (`gpt-4o-2024-08-06`) are
 * stripped before the lookup.
 */
export const LEGACY_MODELS = {
  // Codex models of earlier releases (the original roadmap, numman, ChatMock, CLIProxyAPI tables).
  "gpt-5": { families: general, reason: "retired" },
  "gpt-5-codex": { families: general, reason: "retired" },
  "gpt-5-codex-mini": { families: small, reason: "retired" },
  "gpt-5-mini": { families: small, reason: "retired" },
  "gpt-5-nano": { families: small, reason: "retired" },
  "gpt-5-chat-latest": { families: general, reason: "retired" },
  "gpt-5.1": { families: general, reason: "retired" },
  "gpt-5.1-chat-latest": { families: general, reason: "retired" },
  "gpt-5.1-codex": { families: general, reason: "retired" },
  "gpt-5.1-codex-max": { families: strongest, reason: "retired" },
  "gpt-5.1-codex-mini": { families: small, reason: "retired" },
  "gpt-5.2": { families: general, reason: "retired" },
  "gpt-5.2-codex": { families: general, reason: "retired" },
  "gpt-5.3-codex": { families: general, reason: "retired" },
  "codex-mini-latest": { families: small, reason: "retired" },
  "codex-mini": { families: small, reason: "retired" },
  // OpenAI API names that clients send by default.
  "gpt-5-pro": { families: strongest, reason: "not_served" },
  "gpt-5.5-pro": { families: strongest, reason: "not_served" },
  "gpt-4o": { families: general, reason: "not_served" },
  "chatgpt-4o-latest": { families: general, reason: "not_served" },
  "gpt-4o-mini": { families: small, reason: "not_served" },
  "gpt-4.1": { families: general, reason: "not_served" },
  "gpt-4.1-mini": { families: small, reason: "not_served" },
  "gpt-4.1-nano": { families: small, reason: "not_served" },
  "gpt-4": { families: general, reason: "not_served" },
  "gpt-4-turbo": { families: general, reason: "not_served" },
  "gpt-3.5-turbo": { families: small, reason: "not_served" },
  o1: { families: general, reason: "not_served" },
  "o1-mini": { families: small, reason: "not_served" },
  "o1-pro": { families: strongest, reason: "not_served" },
  o3: { families: general, reason: "not_served" },
  "o3-mini": { families: small, reason: "not_served" },
  "o3-pro": { families: strongest, reason: "not_served" },
  "o4-mini": { families: small, reason: "not_served" },
} as const satisfies Record<string, LegacyModel>;

/** The legacy row for a lower-case name, if any. */
export function findLegacyModel(name: string): LegacyModel | undefined {
  return Object.hasOwn(LEGACY_MODELS, name)
    ? (LEGACY_MODELS as Record<string, LegacyModel>)[name]
    : undefined;
}
