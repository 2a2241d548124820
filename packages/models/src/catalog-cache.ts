import { createHash } from "node:crypto";
import type { KeyValueCache } from "@cmp/core";
import { z } from "zod";
import { type CatalogModel, catalogModelSchema } from "./catalog-model-schema.js";

/** What is kept per account: the catalog and the validators to revalidate it. */
export interface CachedCatalog {
  /** `null` for a login that names no account. */
  accountId: string | null;
  clientVersion: string;
  etag: string | null;
  /** Milliseconds since the epoch, from the injected clock. */
  fetchedAt: number;
  models: CatalogModel[];
}

/** Where the catalog of each account is kept between runs (and, in a shared store, between replicas). */
export interface CatalogCache {
  /** The account's cached catalog; `null` when missing, unreadable, corrupt or of another account. */
  read(accountId: string | null): Promise<CachedCatalog | null>;
  write(cache: CachedCatalog): Promise<void>;
}

const cachedCatalogSchema = z.object({
  version: z.literal(1),
  accountId: z.string().nullable(),
  clientVersion: z.string(),
  etag: z.string().nullable(),
  fetchedAt: z.number(),
  models: z.array(z.unknown()),
});

/**
 * Validates a cached catalog as read back (a file, a shared store): `null` unless it is version 1 of
 * `accountId`'s catalog with at least one valid model; invalid models are left out.
 */
export function parseCachedCatalog(json: unknown, accountId: string | null): CachedCatalog | null {
  const parsed = cachedCatalogSchema.safeParse(json);
  if (!parsed.success || parsed.data.accountId !== accountId) return null;
  const models = parsed.data.models.flatMap((entry) => {
    const model = catalogModelSchema.safeParse(entry);
    return model.success ? [model.data] : [];
  });
  if (models.length === 0) return null;
  return {
    accountId: parsed.data.accountId,
    clientVersion: parsed.data.clientVersion,
    etag: parsed.data.etag,
    fetchedAt: parsed.data.fetchedAt,
    models,
  };
}

/** An account id as a file name or key part: itself when short and plain, else a hash of it. */
export function safeAccountName(accountId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(accountId)
    ? accountId
    : createHash("sha256").update(accountId).digest("hex").slice(0, 32);
}

/**
 * The catalog cache in a key-value map shared by several processes (`@cmp/store`'s `catalog`
 * namespace): one key per account (`none` for a login without one). Read failures read as no cache.
 */
export function createKeyValueCatalogCache(cache: KeyValueCache): CatalogCache {
  const keyOf = (accountId: string | null) =>
    accountId === null ? "none" : `account.${safeAccountName(accountId)}`;
  return {
    async read(accountId) {
      let value: unknown;
      try {
        value = await cache.get(keyOf(accountId));
      } catch {
        return null;
      }
      return parseCachedCatalog(value, accountId);
    },
    async write(entry) {
      await cache.set(keyOf(entry.accountId), { version: 1, ...entry });
    },
  };
}
