import { ExpiringLru } from "./expiring-lru.js";

/** Options of {@link ReasoningCache}. */
export interface ReasoningCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
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

/**
 * The encrypted reasoning items of recent responses, keyed by account, model slug and the tool-call ids
 * they led to, so the next turn of a tool loop (which only sends the call ids back) can replay them.
 * Bounded (LRU) and expiring.
 */
export class ReasoningCache<T = unknown> {
  private readonly entries: ExpiringLru<T[]>;

  constructor(options: ReasoningCacheOptions = {}) {
    this.entries = new ExpiringLru(
      options.maxEntries ?? 2_000,
      options.ttlMs ?? 60 * 60 * 1000,
      options.now ?? Date.now,
    );
  }

  /** Remembers `items` for a tool-call id of one account and model. */
  set(scope: ReasoningScope, callId: string, items: T[]): void {
    this.entries.set(keyOf(scope, callId), items);
  }

  /** The items stored for a tool-call id of the same account and model, if still fresh. */
  get(scope: ReasoningScope, callId: string): T[] | undefined {
    return this.entries.get(keyOf(scope, callId), true);
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }
}
