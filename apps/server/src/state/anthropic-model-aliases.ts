import type { CatalogModel, ModelRequest, ResolvedModel } from "@cmp/models";
import { toModelEntries } from "@cmp/models";

/** The Claude families Anthropic clients name, each served by one catalog model. */
export type ClaudeTier = "opus" | "sonnet" | "haiku";

const TIER_WORD = /(?:^|[-_.:/])(opus|sonnet|haiku)(?=$|[-_.:/\d])/;

/**
 * The Claude family of a model name: `claude-opus-4-1`, `claude-sonnet-4-5-20250929`,
 * `claude-3-5-haiku-latest` (any `claude-…` name with `opus`, `sonnet` or `haiku` as one of its words);
 * `null` for anything else, which resolves as usual.
 */
export function claudeTierOf(model: string): ClaudeTier | null {
  const name = model.trim().toLowerCase();
  if (!name.startsWith("claude")) return null;
  return (TIER_WORD.exec(name)?.[1] as ClaudeTier | undefined) ?? null;
}

/** Which catalog model serves each Claude family. */
export type ClaudeTierModels = Record<ClaudeTier, string>;

const chosen = new WeakMap<readonly CatalogModel[], ClaudeTierModels | null>();

/**
 * The catalog models that serve the Claude families, decided from the catalog's own order and fields:
 * the candidates are the listed models (not `visibility: "hide"`) that take images, as every Claude model
 * does (all listed models when none does), in the catalog's `priority` order. `opus` → the strongest: the
 * candidate offering the most reasoning efforts (the deepest reasoning), the first listed on a tie.
 * `sonnet` → the default: the first listed candidate other than the strongest (the strongest when it is
 * alone). `haiku` → the smallest: the last listed candidate. `null` for an empty catalog.
 */
export function chooseClaudeTierModels(catalog: readonly CatalogModel[]): ClaudeTierModels | null {
  if (chosen.has(catalog)) return chosen.get(catalog) ?? null;
  const listed = toModelEntries(catalog);
  const withImages = listed.filter((entry) => entry.input_modalities.includes("image"));
  const candidates = withImages.length > 0 ? withImages : listed;
  let result: ClaudeTierModels | null = null;
  const first = candidates[0];
  if (first !== undefined) {
    let strongest = first;
    for (const entry of candidates) {
      if (entry.reasoning_efforts.length > strongest.reasoning_efforts.length) strongest = entry;
    }
    const general = candidates.find((entry) => entry !== strongest) ?? strongest;
    const smallest = candidates[candidates.length - 1] ?? first;
    result = { opus: strongest.id, sonnet: general.id, haiku: smallest.id };
  }
  chosen.set(catalog, result);
  return result;
}

/** Client text inside a warning: printable ASCII only and short, since warnings become a header. */
const quote = (text: string): string => {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return `"${printable.length > 80 ? `${printable.slice(0, 77)}...` : printable}"`;
};

type Resolver = (request: ModelRequest, catalog: readonly CatalogModel[]) => ResolvedModel;

/**
 * Wraps the server's model resolver for Anthropic clients: a `claude-…` name of a Claude family is
 * served by that family's catalog model ({@link chooseClaudeTierModels}), with a warning saying so
 * (`x-cmp-warnings`). A name the user aliased in `CMP_MODEL_ALIASES` is left to the alias (user aliases
 * win), and any other name (a catalog slug, an unknown `claude-…` id) resolves as usual: an unknown one
 * is a 404 listing the available models.
 */
export function createClaudeModelResolver(
  resolve: Resolver,
  userAliases: Readonly<Record<string, string>>,
): Resolver {
  const aliased = new Set(Object.keys(userAliases).map((key) => key.trim().toLowerCase()));
  return (request, catalog) => {
    const tier = claudeTierOf(request.model);
    if (tier === null || aliased.has(request.model.trim().toLowerCase())) return resolve(request, catalog);
    const target = chooseClaudeTierModels(catalog)?.[tier];
    if (target === undefined) return resolve(request, catalog);
    const resolved = resolve({ ...request, model: target }, catalog);
    return {
      ...resolved,
      warnings: [
        `model ${quote(request.model)} (Claude ${tier}) is served by ${quote(target)}`,
        ...resolved.warnings,
      ],
    };
  };
}
