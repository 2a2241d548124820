import type { KeyvStoreAdapter } from "keyv";

/** Sweep expired entries after this many writes… */
const SWEEP_EVERY_WRITES = 1_000;
/** …or when this long passed since the last sweep, whichever comes first. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A Keyv store in this process's memory. Unlike a bare `Map` it forgets expired entries that are never
 * read again (a sweep every 1 000 writes or minute), so a long-running server with TTL'd caches does not
 * grow without bound. Values are Keyv's serialized strings, so callers never share objects.
 */
export class MemoryStoreAdapter implements KeyvStoreAdapter {
  readonly opts = { dialect: "cmp-memory" };
  namespace?: string;
  private readonly entries = new Map<string, { value: string; expiresAt: number | undefined }>();
  private writes = 0;
  private lastSweep = Date.now();

  /** Keyv listens for `error`; this store never emits one. */
  on(): this {
    return this;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as Value;
  }

  async set(key: string, value: string, ttl?: number): Promise<boolean> {
    this.entries.set(key, {
      value,
      expiresAt: typeof ttl === "number" && ttl > 0 ? Date.now() + ttl : undefined,
    });
    this.writes += 1;
    if (this.writes >= SWEEP_EVERY_WRITES || Date.now() - this.lastSweep >= SWEEP_EVERY_MS) this.sweep();
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  /** Number of entries held, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
    this.writes = 0;
    this.lastSweep = now;
  }
}
