import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import {
  type CachedCatalog,
  type CatalogCache,
  parseCachedCatalog,
  safeAccountName,
} from "./catalog-cache.js";

/**
 * The cache file of one account: `models-<account>.json`, safe for any account id; `models.json` for a
 * login without one (no account file name can be that).
 */
export function catalogCachePath(cacheDir: string, accountId: string | null): string {
  if (accountId === null) return join(cacheDir, "models.json");
  return join(cacheDir, `models-${safeAccountName(accountId)}.json`);
}

/** Reads an account's cache file; `null` when missing, unreadable, corrupt or of another account. */
export async function readCatalogCache(
  cacheDir: string,
  accountId: string | null,
): Promise<CachedCatalog | null> {
  let text: string;
  try {
    text = await readFile(catalogCachePath(cacheDir, accountId), "utf8");
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  return parseCachedCatalog(json, accountId);
}

/**
 * Writes an account's cache file atomically (`@cmp/core`'s `writeFileAtomically`: temp file, fsync, rename; concurrent
 * writes to one file are queued), mode 0600, folder 0700.
 */
export async function writeCatalogCache(cacheDir: string, cache: CachedCatalog): Promise<void> {
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const path = catalogCachePath(cacheDir, cache.accountId);
  await writeFileAtomically(path, JSON.stringify({ version: 1, ...cache }));
}

/** The catalog cache in one file per account under `cacheDir` (see {@link catalogCachePath}). */
export function createFileCatalogCache(cacheDir: string): CatalogCache {
  return {
    read: (accountId) => readCatalogCache(cacheDir, accountId),
    write: (cache) => writeCatalogCache(cacheDir, cache),
  };
}
