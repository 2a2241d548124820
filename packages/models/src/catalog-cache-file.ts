import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "@cmp/core";
import { z } from "zod";
import { type CatalogModel, catalogModelSchema } from "./catalog-model-schema.js";

/** What is kept on disk per account: the catalog and the validators to revalidate it. */
export interface CachedCatalog {
  /** `null` for a login that names no account. */
  accountId: string | null;
  clientVersion: string;
  etag: string | null;
  /** Milliseconds since the epoch, from the injected clock. */
  fetchedAt: number;
  models: CatalogModel[];
}

const cacheFileSchema = z.object({
  version: z.literal(1),
  accountId: z.string().nullable(),
  clientVersion: z.string(),
  etag: z.string().nullable(),
  fetchedAt: z.number(),
  models: z.array(z.unknown()),
});

/**
 * The cache file of one account: `models-<account>.json`, safe for any account id; `models.json` for a
 * login without one (no account file name can be that).
 */
export function catalogCachePath(cacheDir: string, accountId: string | null): string {
  if (accountId === null) return join(cacheDir, "models.json");
  const safe = /^[A-Za-z0-9_-]{1,64}$/.test(accountId)
    ? accountId
    : createHash("sha256").update(accountId).digest("hex").slice(0, 32);
  return join(cacheDir, `models-${safe}.json`);
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
  const parsed = cacheFileSchema.safeParse(json);
  if (!parsed.success || parsed.data.accountId !== accountId) return null;
  const models = parsed.data.models.flatMap((entry) => {
    const model = catalogModelSchema.safeParse(entry);
    return model.success ? [model.data] : [];
  });
  if (models.length === 0) return null;
  return { ...parsed.data, models };
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
