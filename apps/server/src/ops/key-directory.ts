import { performance } from "node:perf_hooks";
import type { Store } from "@cmp/store";
import { type ApiKeyRegistry, KEYS_CHANGED_CHANNEL, type StoredApiKey } from "./key-registry.js";

/** How long a replica trusts its copy of the key registry when no change was announced. */
export const KEY_CACHE_TTL_MS = 500;

/** The named keys as one replica last read them. */
export interface KeySnapshot {
  /** By SHA-256 hex of the key. */
  byHash: ReadonlyMap<string, StoredApiKey>;
  size: number;
}

const EMPTY: KeySnapshot = { byHash: new Map(), size: 0 };

/**
 * This replica's cached copy of the key registry, so that the request path costs no store command:
 * the copy is trusted for {@link KEY_CACHE_TTL_MS}, and dropped at once when any replica announces a
 * change (store pub/sub; `start`). So a revoked key is refused at once where the announcement arrives,
 * and within half a second everywhere else (the embedded store's pub/sub does not reach other
 * processes, such as `cmp-server keys`; the TTL does). One read at a time refreshes the copy; when a
 * read fails the last copy is kept (and the failure reported), as a store that is away must not turn
 * every key away, and there is nothing newer to know.
 */
export class KeyDirectory {
  private snapshot: KeySnapshot | null = null;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<KeySnapshot> | null = null;
  /** Bumped by each invalidation: a read that started before one does not count as fresh. */
  private generation = 0;
  /** True from an announced change until a read that started after it: the last copy is known old. */
  private invalidated = false;

  constructor(
    private readonly registry: ApiKeyRegistry,
    private readonly options: {
      ttlMs?: number;
      onRefreshFailure?: (error: unknown) => void;
      /** Monotonic clock in ms (default `performance.now`); the cache age is not the app's clock. */
      clock?: () => number;
    } = {},
  ) {}

  private get clock(): () => number {
    return this.options.clock ?? (() => performance.now());
  }

  /** Subscribes to the change announcements of `store`; resolves with the function that stops it. */
  async start(store: Store): Promise<() => Promise<void>> {
    return store.subscribe(KEYS_CHANGED_CHANNEL, () => this.invalidate());
  }

  /** Forgets that the copy is fresh: the next request reads the registry again. */
  invalidate(): void {
    this.generation += 1;
    this.invalidated = true;
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  /** The copy when it is fresh, else `null`. */
  fresh(): KeySnapshot | null {
    if (this.snapshot === null) return null;
    return this.clock() - this.loadedAt < (this.options.ttlMs ?? KEY_CACHE_TTL_MS) ? this.snapshot : null;
  }

  /**
   * The copy, fresh or not, unless a change was announced since it was read (`null` then, and before
   * the first read): a copy that only aged may answer while a read runs behind, a copy known to be old
   * may not.
   */
  last(): KeySnapshot | null {
    return this.invalidated ? null : this.snapshot;
  }

  /** Reads the registry (one read at a time); rejects only when it fails and there is no copy yet. */
  refresh(): Promise<KeySnapshot> {
    this.loading ??= this.read().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async read(): Promise<KeySnapshot> {
    const generation = this.generation;
    const startedAt = this.clock();
    try {
      const keys = await this.registry.list();
      const snapshot =
        keys.length === 0
          ? EMPTY
          : { byHash: new Map(keys.map((key) => [key.hash, key])), size: keys.length };
      this.snapshot = snapshot;
      if (generation === this.generation) {
        this.loadedAt = startedAt;
        this.invalidated = false;
      }
      return snapshot;
    } catch (error) {
      this.options.onRefreshFailure?.(error);
      if (this.snapshot === null) throw error;
      // Not again for every request while the store is away: nobody can change the keys meanwhile.
      if (generation === this.generation) this.loadedAt = startedAt;
      return this.snapshot;
    }
  }
}
