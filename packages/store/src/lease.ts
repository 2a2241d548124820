/** A lease a backend granted: the lock is held until `release()` or until the lease is lost. */
export interface Lease {
  /** Frees the lock if this lease still holds it. May reject; the caller ignores failures. */
  release(): Promise<void>;
}

/** Called by a backend at most once when a lease ends before `release()`, with what happened. */
export type OnLeaseLost = (detail: string, cause?: unknown) => void;

/**
 * One kind of lock (in-process, file, Redis): a single try, with no waiting. `acquireLock` adds the
 * waiting, the signal and the typed errors on top, the same for every kind.
 */
export interface LeaseBackend {
  /**
   * Tries once to take `name` for `ttlMs`, renewing it while held. Resolves `null` when someone else
   * holds it; rejects (with `StoreUnavailableError`) when the store cannot answer.
   */
  tryAcquire(name: string, ttlMs: number, onLost: OnLeaseLost): Promise<Lease | null>;
}
