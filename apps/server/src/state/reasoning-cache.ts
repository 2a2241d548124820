import { ExpiringLru } from "./expiring-lru.js";
import { type SharedFailure, type SharedMap, sharedKey } from "./shared-map.js";

/** Options of {@link ReasoningCache}. */
export interface ReasoningCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
  /**
   * A map every replica shares (`CMP_STORE_URL`): entries are also written there, and {@link
   * ReasoningCache.load} brings in those another replica wrote, so a tool loop whose turns land on
   * different replicas keeps its reasoning.
   */
  shared?: SharedMap;
  onSharedFailure?: SharedFailure;
}

/**
 * Whose reasoning an entry is: encrypted reasoning can only be decrypted by the account (and is only
 * meaningful for the model) that produced it, so a call id alone must never bring it into another
 * account's or model's request.
 */
export interface ReasoningScope {
  accountId: string | null;
  /** The backend model slug (`gpt-5.4`), not the client's name for it. */
  slug: string | null;
}

/** The key of one entry: account, model slug and call id, joined by a byte none of them contains. */
function keyOf(scope: ReasoningScope, callId: string): string {
  return `${scope.accountId ?? ""}\u0000${scope.slug ?? ""}\u0000${callId}`;
}

/** A shared value is replayed to the backend only when it is what {@link ReasoningCache.set} writes. */
const isReasoningList = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.every(
    (item) => typeof item === "object" && item !== null && (item as { type?: unknown }).type === "reasoning",
  );

/**
 * The encrypted reasoning items of recent responses, keyed by account, model slug and the tool-call ids
 * they led to, so the next turn of a tool loop (which only sends the call ids back) can replay them.
 * Bounded (LRU) and expiring in memory; with a shared map, also kept there (same expiry) for the other
 * replicas.
 */
export class ReasoningCache<T = unknown> {
  private readonly entries: ExpiringLru<T[]>;
  private readonly ttlMs: number;
  private readonly sharedMap: SharedMap | undefined;
  private readonly onSharedFailure: SharedFailure;

  constructor(options: ReasoningCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.entries = new ExpiringLru(options.maxEntries ?? 2_000, this.ttlMs, options.now ?? Date.now);
    this.sharedMap = options.shared;
    this.onSharedFailure = options.onSharedFailure ?? (() => undefined);
  }

  /** Remembers `items` for a tool-call id of one account and model (and sends them to the shared map). */
  set(scope: ReasoningScope, callId: string, items: T[]): void {
    const key = keyOf(scope, callId);
    this.entries.set(key, items);
    if (this.sharedMap !== undefined) {
      this.sharedMap
        .set(sharedKey(key), items, this.ttlMs)
        .catch((error: unknown) => this.onSharedFailure(error, "save reasoning"));
    }
  }

  /** The items stored for a tool-call id of the same account and model, if still fresh. */
  get(scope: ReasoningScope, callId: string): T[] | undefined {
    return this.entries.get(keyOf(scope, callId), true);
  }

  /**
   * Brings the shared map's entries for `callIds` that this replica does not hold into memory, so
   * that {@link get} finds them. Resolves at once without a shared map or when all are held; a store
   * that cannot answer counts as a miss.
   */
  async load(scope: ReasoningScope, callIds: readonly string[]): Promise<void> {
    const shared = this.sharedMap;
    if (shared === undefined || callIds.length === 0) return;
    const missing: string[] = [];
    for (const callId of callIds) {
      const key = keyOf(scope, callId);
      if (this.entries.get(key) === undefined) missing.push(key);
    }
    if (missing.length === 0) return;
    const sharedKeys = missing.map((key) => sharedKey(key));
    let values: unknown[];
    try {
      values = shared.getMany
        ? await shared.getMany(sharedKeys)
        : await Promise.all(sharedKeys.map((key) => shared.get(key)));
    } catch (error) {
      this.onSharedFailure(error, "load reasoning");
      return;
    }
    for (let i = 0; i < missing.length; i++) {
      const value = values[i];
      if (isReasoningList(value)) this.entries.set(missing[i] as string, value as T[]);
    }
  }

  /** True when entries are also kept in a map other replicas share (see {@link load}). */
  get shared(): boolean {
    return this.sharedMap !== undefined;
  }

  /** Number of entries held in memory. */
  get size(): number {
    return this.entries.size;
  }
}
