import { type CatalogModel, type ModelRequest, type ResolvedModel, resolveModel } from "@cmp/models";

/**
 * `resolveModel` with a small cache per catalog (the catalog array is replaced when it changes), so
 * the common case of repeated model names costs one map lookup per request.
 */
export function createModelResolver(aliases: Readonly<Record<string, string>>) {
  let cachedFor: readonly CatalogModel[] | null = null;
  const cache = new Map<string, ResolvedModel>();
  return (request: ModelRequest, catalog: readonly CatalogModel[]): ResolvedModel => {
    if (cachedFor !== catalog) {
      cachedFor = catalog;
      cache.clear();
    }
    const key = `${request.model}\u0000${request.reasoningEffort ?? ""}\u0000${request.reasoningSummary ?? ""}\u0000${request.verbosity ?? ""}\u0000${request.serviceTier ?? ""}`;
    let resolved = cache.get(key);
    if (resolved === undefined) {
      resolved = resolveModel(request, { catalog, aliases });
      if (cache.size >= 500) cache.clear();
      cache.set(key, resolved);
    }
    return resolved;
  };
}
