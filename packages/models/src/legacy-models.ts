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
 * Legacy names by reason and by the families they try, written as groups because a name's row is
 * decided by those two facts alone; effort suffixes (`gpt-5-codex-high`) and dates
 * (`gpt-4o-2024-08-06`) are stripped before the lookup, so they are not listed.
 */
const legacyGroups: readonly { reason: LegacyReason; families: readonly string[]; names: string }[] = [
  // Codex models of earlier releases (the original roadmap, numman, ChatMock, CLIProxyAPI tables).
  {
    reason: "retired",
    families: general,
    names:
      "gpt-5 gpt-5-codex gpt-5-chat-latest gpt-5.1 gpt-5.1-chat-latest gpt-5.1-codex gpt-5.2 gpt-5.2-codex gpt-5.3-codex",
  },
  { reason: "retired", families: strongest, names: "gpt-5.1-codex-max" },
  {
    reason: "retired",
    families: small,
    names: "gpt-5-codex-mini gpt-5-mini gpt-5-nano gpt-5.1-codex-mini codex-mini-latest codex-mini",
  },
  // OpenAI API names that clients send by default.
  {
    reason: "not_served",
    families: general,
    names: "gpt-4o chatgpt-4o-latest gpt-4.1 gpt-4 gpt-4-turbo o1 o3",
  },
  { reason: "not_served", families: strongest, names: "gpt-5-pro gpt-5.5-pro o1-pro o3-pro" },
  {
    reason: "not_served",
    families: small,
    names: "gpt-4o-mini gpt-4.1-mini gpt-4.1-nano gpt-3.5-turbo o1-mini o3-mini o4-mini",
  },
];

/**
 * Names users already have in their configs, mapped to the closest model of the current catalog.
 * A name that the catalog itself lists always wins over this table, so a model the backend brings
 * back is used as is.
 */
export const LEGACY_MODELS: Readonly<Record<string, LegacyModel>> = Object.fromEntries(
  legacyGroups.flatMap(({ reason, families, names }) =>
    names.split(" ").map((name) => [name, { families, reason }] as const),
  ),
);

/** The legacy row for a lower-case name, if any. */
export function findLegacyModel(name: string): LegacyModel | undefined {
  return Object.hasOwn(LEGACY_MODELS, name) ? LEGACY_MODELS[name] : undefined;
}
