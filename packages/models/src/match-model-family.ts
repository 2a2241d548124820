import { type CatalogModel, isListedModel, listedModels, sortByPriority } from "./catalog-model-schema.js";

function familyPattern(family: string): RegExp {
  const escaped = family
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "i");
}

/**
 * The catalog model that best matches a family pattern (see `LegacyModel.families`): listed models
 * before hidden ones, then by `priority`. `@default` is the first listed model.
 */
export function matchModelFamily(catalog: readonly CatalogModel[], family: string): CatalogModel | undefined {
  if (family === "@default") return listedModels(catalog)[0] ?? sortByPriority(catalog)[0];
  const pattern = familyPattern(family);
  const matches = sortByPriority(catalog.filter((model) => pattern.test(model.slug)));
  return matches.find(isListedModel) ?? matches[0];
}

/** The first family of `families` that matches a model of the catalog. */
export function matchFirstFamily(
  catalog: readonly CatalogModel[],
  families: readonly string[],
): CatalogModel | undefined {
  for (const family of families) {
    const model = matchModelFamily(catalog, family);
    if (model) return model;
  }
  return undefined;
}
