/** Options of {@link ReasoningCache}. */
export interface ReasoningCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

/**
 * The encrypted reasoning items of recent responses, keyed by the tool-call ids they led to, so the next
 * turn of a tool loop (which only sends the call ids back) can replay them. Bounded (LRU) and expiring.
 */
export class ReasoningCache<T = unknown> {
  private readonly entries = new Map<string, { items: T[]; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReasoningCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2_000;
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Remembers `items` for a tool-call id. */
  set(callId: string, items: T[]): void {
    this.entries.delete(callId);
    this.entries.set(callId, { items, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** The items stored for a tool-call id, if still fresh. */
  get(callId: string): T[] | undefined {
    const entry = this.entries.get(callId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(callId);
      return undefined;
    }
    this.entries.delete(callId);
    this.entries.set(callId, entry);
    return entry.items;
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }
}
