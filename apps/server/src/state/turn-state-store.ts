import { ExpiringLru } from "./expiring-lru.js";
import { type SharedFailure, type SharedMap, sharedKey } from "./shared-map.js";

/** Options of {@link TurnStateStore}. */
export interface TurnStateStoreOptions {
  /** Conversations remembered at most; the least recently used is forgotten first (default 1 000). */
  maxEntries?: number;
  /** A turn state unused for this long is forgotten (default 30 minutes: a slow tool loop still fits). */
  ttlMs?: number;
  now?: () => number;
  /**
   * A map every replica shares (`CMP_STORE_URL`): states are kept there too, so a tool loop whose
   * requests land on different replicas still reaches the backend server its turn started on.
   */
  shared?: SharedMap;
  onSharedFailure?: SharedFailure;
}

/**
 * The backend's `x-codex-turn-state` per conversation (keyed by the prompt cache key), so the requests
 * of one turn's tool loop are replayed to where the turn started. A turn continues while a request's
 * input ends in a tool output; a request that starts a new turn (a new user message) forgets the old
 * state first, and its answer's state (or, when it brings none, `noneIssued`) replaces it in the shared
 * map, so a state is never replayed across turns. Bounded (LRU) and
 * expiring: losing it costs only routing stickiness, never correctness, so a shared map that cannot be
 * reached counts as a miss.
 */
export class TurnStateStore {
  private readonly entries: ExpiringLru<string>;
  private readonly ttlMs: number;
  private readonly shared: SharedMap | undefined;
  private readonly onSharedFailure: SharedFailure;

  constructor(options: TurnStateStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30 * 60 * 1000;
    this.entries = new ExpiringLru(options.maxEntries ?? 1_000, this.ttlMs, options.now ?? Date.now);
    this.shared = options.shared;
    this.onSharedFailure = options.onSharedFailure ?? (() => undefined);
  }

  /**
   * The state to send with a request of `conversation`: when the request continues the turn, the
   * stored one (from the shared map when there is one, since other replicas write it too; else from
   * memory); when it starts a new turn, `undefined`, after forgetting the stored one.
   */
  async forRequest(conversation: string, continuesTurn: boolean): Promise<string | undefined> {
    if (!continuesTurn) {
      // The shared copy is replaced by the state this turn's answer brings (`remember`), or dropped
      // when it brings none (`noneIssued`): no turn can continue before its first answer, so nothing
      // reads it meanwhile, and a new turn costs no store command of its own.
      this.entries.delete(conversation);
      return undefined;
    }
    const held = this.entries.get(conversation);
    if (this.shared === undefined) return held;
    // Shared, the map is the truth: another replica may have started a new turn since this one last
    // saw the conversation (and forgotten the old state there), so a state held here may be stale.
    let value: unknown;
    try {
      value = await this.shared.get(sharedKey(conversation));
    } catch (error) {
      this.onSharedFailure(error, "read a turn state");
      return held;
    }
    if (typeof value !== "string" || value === "") {
      this.entries.delete(conversation);
      return undefined;
    }
    if (value !== held) this.entries.set(conversation, value);
    return value;
  }

  /**
   * Remembers the state a response of `conversation` carried (or the one it was sent with), and, when
   * `share` (the turn may continue on another replica), in the shared map too.
   */
  remember(conversation: string, state: string, share = true): void {
    const unchanged = this.entries.get(conversation) === state;
    this.entries.set(conversation, state);
    if (this.shared !== undefined && share && !unchanged) {
      this.shared
        .set(sharedKey(conversation), state, this.ttlMs)
        .catch((error: unknown) => this.onSharedFailure(error, "save a turn state"));
    }
  }

  /**
   * The first request of a turn got no state (its answer carried none, or it failed): the previous
   * turn's state is forgotten in the shared map too, so no replica replays it in this turn.
   */
  noneIssued(conversation: string): void {
    this.entries.delete(conversation);
    this.shared
      ?.delete(sharedKey(conversation))
      .catch((error: unknown) => this.onSharedFailure(error, "forget a turn state"));
  }

  /** Number of conversations held in memory. */
  get size(): number {
    return this.entries.size;
  }
}
