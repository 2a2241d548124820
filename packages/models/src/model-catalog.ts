import type { AccountAuth, KeyValueCache } from "@cmp/core";
import { bundledCatalog } from "./bundled-catalog.js";
import { type CatalogCache, createKeyValueCatalogCache } from "./catalog-cache.js";
import { createFileCatalogCache } from "./catalog-cache-file.js";
import { CatalogFetchError } from "./catalog-fetch-error.js";
import { type CatalogModel, parseCatalogModels } from "./catalog-model-schema.js";

/** Where the models served for an account came from. */
export type CatalogSource = "network" | "cache" | "bundled";

/**
 * What the catalog reports for logs. Never carries tokens or headers. `accountId` is `null` for a login
 * that names no account.
 */
export type ModelCatalogEvent =
  | { type: "fetched"; accountId: string | null; status: 200 | 304; models: number; skipped: number }
  | { type: "fetch_failed"; accountId: string | null; error: CatalogFetchError; serving: CatalogSource }
  | { type: "cache_write_failed"; accountId: string | null; error: unknown };

/** Options of {@link createModelCatalog}. */
export interface ModelCatalogOptions {
  /** Base of the Codex backend, e.g. `https://chatgpt.com/backend-api/codex`; `/models` is appended. */
  upstreamUrl: string;
  /**
   * Sent as `?client_version=` and as the `version` header (the official client sends `version` on every
   * backend request); the backend hides and refuses models whose minimum version is newer.
   */
  clientVersion: string;
  fetch?: typeof globalThis.fetch;
  /** Folder for one cache file per account (0600, written atomically). No disk cache without it. */
  cacheDir?: string;
  /**
   * A key-value map shared with other processes (a `@cmp/store` namespace) that keeps the catalogs
   * instead of `cacheDir`, so several replicas fetch and revalidate one catalog per account.
   */
  cache?: KeyValueCache;
  /** Clock in milliseconds. */
  now?: () => number;
  /** Age after which a served catalog is revalidated in the background. Default 5 minutes. */
  ttlMs?: number;
  /** Pause after a failed fetch before the next attempt. Default 60 seconds. */
  retryAfterFailureMs?: number;
  /** Abort a fetch after this long. Default 15 seconds. */
  timeoutMs?: number;
  /** Extra request headers (`originator`, `User-Agent`). */
  headers?: Readonly<Record<string, string>>;
  /** Login used when `get()` gets none; a throwing `getAuth` (not logged in) means the bundled list. */
  auth?: { getAuth(): Promise<AccountAuth> };
  onEvent?: (event: ModelCatalogEvent) => void;
}

/** State of one account's catalog, for `/v1/status` and logs. */
export interface CatalogStatus {
  source: CatalogSource;
  etag: string | null;
  /** When the served list was last confirmed by the backend (ms), `null` if never. */
  fetchedAt: number | null;
  lastError: CatalogFetchError | null;
}

/** The live model catalog: per account, cached on disk, revalidated in the background. */
export interface ModelCatalog {
  /**
   * The models of an account. Serves the cached list at once and revalidates it in the background
   * when older than the TTL; waits for the network only when nothing is cached. Without a login,
   * or when everything fails, the bundled snapshot. Never rejects. The returned array is frozen and
   * stays the same instance until the list changes, so callers may memoise on it.
   */
  get(auth?: AccountAuth): Promise<CatalogModel[]>;
  /** Revalidates now (single-flight) and returns the result. Never rejects. */
  refresh(auth?: AccountAuth): Promise<CatalogModel[]>;
  /**
   * Call with each backend response's `x-models-etag`: a value different from the catalog's ETag
   * triggers a revalidation. The promise settles when it is done; it never rejects.
   */
  noteModelsEtag(etag: string | null | undefined, auth?: AccountAuth): Promise<void>;
  /** The state of one account's catalog; the bundled state when `accountId` is omitted or unknown. */
  status(accountId?: string | null): CatalogStatus;
  /** The latest failure of any account, cleared by the next successful fetch. */
  readonly lastError: CatalogFetchError | null;
}

interface AccountState {
  accountId: string | null;
  models: CatalogModel[] | null;
  source: CatalogSource;
  etag: string | null;
  fetchedAt: number | null;
  notedEtag: string | null;
  retryAt: number;
  lastError: CatalogFetchError | null;
  loading: Promise<void> | null;
  inflight: Promise<void> | null;
}

// The same array instance is handed out until the list changes, so callers can memoise per catalog.
// It is frozen: a caller that tries to modify it fails loudly instead of corrupting the cache.
const bundledList = bundledCatalog as CatalogModel[];

function freeze(models: CatalogModel[]): CatalogModel[] {
  return Object.freeze(models) as CatalogModel[];
}

function normalizeEtag(etag: string | null): string | null {
  return etag === null ? null : etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the live catalog. Fetches `GET {upstreamUrl}/models?client_version=…` with the account's
 * bearer token and `ChatGPT-Account-ID`, keeps one cache file per account with its ETag (sent back
 * as `If-None-Match`; a 304 reuses it), and falls back to the cache, then {@link bundledCatalog}.
 */
export function createModelCatalog(options: ModelCatalogOptions): ModelCatalog {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const cacheStore: CatalogCache | null = options.cache
    ? createKeyValueCatalogCache(options.cache)
    : options.cacheDir
      ? createFileCatalogCache(options.cacheDir)
      : null;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = `${options.upstreamUrl.replace(/\/+$/, "")}/models?client_version=${encodeURIComponent(options.clientVersion)}`;
  // Keyed by account id; a login without one (`null`) has its own entry.
  const states = new Map<string | null, AccountState>();
  let lastError: CatalogFetchError | null = null;

  const emit = (event: ModelCatalogEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logging listener must not break model listing.
    }
  };

  async function resolveAuth(auth: AccountAuth | undefined): Promise<AccountAuth | null> {
    if (auth) return auth;
    try {
      return (await options.auth?.getAuth()) ?? null;
    } catch {
      return null;
    }
  }

  function stateFor(accountId: string | null): AccountState {
    let state = states.get(accountId);
    if (!state) {
      state = {
        accountId,
        models: null,
        source: "bundled",
        etag: null,
        fetchedAt: null,
        notedEtag: null,
        retryAt: 0,
        lastError: null,
        loading: null,
        inflight: null,
      };
      states.set(accountId, state);
    }
    return state;
  }

  async function load(state: AccountState): Promise<void> {
    if (!cacheStore) return;
    state.loading ??= cacheStore.read(state.accountId).then((cached) => {
      if (!cached || state.models) return;
      state.models = freeze(cached.models);
      state.source = "cache";
      // A cache written for another client version may list models this one is not offered.
      const sameVersion = cached.clientVersion === options.clientVersion;
      state.etag = sameVersion ? cached.etag : null;
      state.fetchedAt = sameVersion ? cached.fetchedAt : 0;
    });
    await state.loading;
  }

  async function persist(state: AccountState): Promise<void> {
    if (!cacheStore || !state.models) return;
    try {
      await cacheStore.write({
        accountId: state.accountId,
        clientVersion: options.clientVersion,
        etag: state.etag,
        fetchedAt: state.fetchedAt ?? now(),
        models: state.models,
      });
    } catch (error) {
      emit({ type: "cache_write_failed", accountId: state.accountId, error });
    }
  }

  /** Records a successful answer (a new catalog or a 304 confirming the cached one) and reports it. */
  function markFetched(state: AccountState, status: 200 | 304, models: number, skipped: number): void {
    state.fetchedAt = now();
    state.source = "network";
    emit({ type: "fetched", accountId: state.accountId, status, models, skipped });
  }

  async function fetchCatalog(state: AccountState, auth: AccountAuth): Promise<void> {
    const headers: Record<string, string> = {
      ...options.headers,
      Accept: "application/json",
      Authorization: `Bearer ${auth.accessToken}`,
      version: options.clientVersion,
    };
    if (auth.accountId) headers["ChatGPT-Account-ID"] = auth.accountId;
    if (state.models && state.etag) headers["If-None-Match"] = state.etag;
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new CatalogFetchError(`could not reach the model catalog: ${describe(error)}`, {
          cause: error,
        });
      }
      if (response.status === 304 && state.models) {
        await response.body?.cancel();
        markFetched(state, 304, state.models.length, 0);
      } else if (response.ok) {
        let parsed: ReturnType<typeof parseCatalogModels>;
        try {
          parsed = parseCatalogModels(await response.json());
        } catch (error) {
          throw new CatalogFetchError("the model catalog response is not a catalog", { cause: error });
        }
        if (parsed.models.length === 0) {
          throw new CatalogFetchError(`the model catalog has no usable models (${parsed.skipped} skipped)`);
        }
        state.models = freeze(parsed.models);
        state.etag = response.headers.get("etag") ?? parsed.etag;
        markFetched(state, 200, parsed.models.length, parsed.skipped);
      } else {
        await response.body?.cancel();
        throw new CatalogFetchError(`the model catalog answered HTTP ${response.status}`, {
          status: response.status,
        });
      }
      state.lastError = null;
      lastError = null;
      state.retryAt = 0;
      await persist(state);
    } catch (error) {
      const failure = CatalogFetchError.isInstance(error)
        ? error
        : new CatalogFetchError(`fetching the model catalog failed: ${describe(error)}`, { cause: error });
      state.lastError = failure;
      lastError = failure;
      state.retryAt = now() + retryAfterFailureMs;
      emit({
        type: "fetch_failed",
        accountId: state.accountId,
        error: failure,
        serving: state.models ? state.source : "bundled",
      });
    }
  }

  function revalidate(state: AccountState, auth: AccountAuth): Promise<void> {
    state.inflight ??= fetchCatalog(state, auth).finally(() => {
      state.inflight = null;
    });
    return state.inflight;
  }

  async function get(auth?: AccountAuth): Promise<CatalogModel[]> {
    const login = await resolveAuth(auth);
    if (!login) return bundledList;
    const state = stateFor(login.accountId);
    await load(state);
    const t = now();
    if (state.models) {
      const stale = state.fetchedAt === null || t - state.fetchedAt >= ttlMs;
      if (stale && t >= state.retryAt) void revalidate(state, login);
      return state.models;
    }
    if (t >= state.retryAt) await revalidate(state, login);
    return state.models ?? bundledList;
  }

  async function refresh(auth?: AccountAuth): Promise<CatalogModel[]> {
    const login = await resolveAuth(auth);
    if (!login) return bundledList;
    const state = stateFor(login.accountId);
    await load(state);
    await revalidate(state, login);
    return state.models ?? bundledList;
  }

  async function noteModelsEtag(etag: string | null | undefined, auth?: AccountAuth): Promise<void> {
    if (!etag) return;
    const login = await resolveAuth(auth);
    if (!login) return;
    const state = stateFor(login.accountId);
    await load(state);
    if (etag === state.notedEtag) return;
    state.notedEtag = etag;
    if (state.models && normalizeEtag(etag) === normalizeEtag(state.etag)) return;
    await revalidate(state, login);
  }

  function status(accountId?: string | null): CatalogStatus {
    const state = accountId === undefined ? undefined : states.get(accountId);
    if (!state) return { source: "bundled", etag: null, fetchedAt: null, lastError: null };
    return {
      source: state.models ? state.source : "bundled",
      etag: state.etag,
      fetchedAt: state.fetchedAt,
      lastError: state.lastError,
    };
  }

  return {
    get,
    refresh,
    noteModelsEtag,
    status,
    get lastError() {
      return lastError;
    },
  };
}
