import { ExpiringLru } from "./expiring-lru.js";

/** Options of {@link TurnStateStore}. */
export interface TurnStateStoreOptions {
  /** Conversations remembered at most; the least recently used is forgotten first (default 1 000). */
  maxEntries?: number;
  /** A turn state unused for this long is forgotten (default 30 minutes: a slow tool loop still fits). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The backend's `x-codex-turn-state` per conversation (keyed by the prompt cache key), so the requests
 * of one turn's tool loop are replayed to where the turn started. A turn continues while a request's
 * input ends in a tool output; a request that starts a new turn (a new user message) forgets the old
 * state first, so a state is never replayed across turns. Memory only, bounded (LRU) and expiring:
 * losing it costs only routing stickiness, never correctness.
 */
export class TurnStateStore {
  private readonly entries: ExpiringLru<string>;

  constructor(options: TurnStateStoreOptions = {}) {
    this.entries = new ExpiringLru(
      options.maxEntries ?? 1_000,
      options.ttlMs ?? 30 * 60 * 1000,
      options.now ?? Date.now,
    );
  }

  /**
   * The state to send with a request of `conversation`: the stored one when the request continues the
   * turn; `undefined` (after forgetting the stored one) when it starts a new turn.
   */
  forRequest(conversation: string, continuesTurn: boolean): string | undefined {
    if (!continuesTurn) {
      this.entries.delete(conversation);
      return undefined;
    }
    return this.entries.get(conversation);
  }

  /** Remembers the state a response of `conversation` carried (or the one it was sent with). */
  remember(conversation: string, state: string): void {
    this.entries.set(conversation, state);
  }

  /** Number of conversations held. */
  get size(): number {
    return this.entries.size;
  }
}
