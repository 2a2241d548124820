import type { AccountState } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import { POOL_NAMESPACE } from "./account-directory.js";

/**
 * Why an account is not serving: `cooling_down` until `until` (a limit was reached, or the backend
 * stayed overloaded), `needs_login` (its login was revoked or cannot be refreshed), `disabled` (by
 * `cmp-server accounts disable`). No health record means the account is active.
 */
export interface AccountHealth {
  state: Exclude<AccountState, "active">;
  /** When a cooldown ends (ms since the epoch); `null` for the other states. */
  until: number | null;
  /** The backend's or the proxy's code and words, never a token. */
  reason: string | null;
  /** When it was set (ms). */
  at: number;
}

/** Whether an account with this health may take a request at `now`. */
export function isUsable(health: AccountHealth | null | undefined, now: number): boolean {
  return health == null || (health.state === "cooling_down" && (health.until ?? 0) <= now);
}

/** The state an account with this health is in at `now` (a cooldown that ended is `active`). */
export function stateAt(health: AccountHealth | null | undefined, now: number): AccountState {
  return health == null || isUsable(health, now) ? "active" : health.state;
}

/** The channel on which a replica says that an account's health changed. */
const HEALTH_CHANNEL = "pool.health";
const healthKey = (name: string) => `health.${name}`;
/** A cooldown's record outlives its end by this much, for the status; other records never expire. */
const EXPIRED_COOLDOWN_KEPT_MS = 60 * 60_000;

function isHealth(value: unknown): value is AccountHealth {
  if (typeof value !== "object" || value === null) return false;
  const h = value as Partial<AccountHealth>;
  return (
    (h.state === "cooling_down" || h.state === "needs_login" || h.state === "disabled") &&
    (h.until === null || typeof h.until === "number") &&
    (h.reason === null || typeof h.reason === "string") &&
    typeof h.at === "number"
  );
}

/** Options of {@link AccountHealthBoard}. */
export interface AccountHealthBoardOptions {
  /** The operator store; absent, health lives in this process only. */
  store?: Pick<Store, "namespace" | "publish" | "subscribe"> | undefined;
  /** Called when an account's health changed here or on another replica (not for what `load` finds). */
  onChange?: (name: string, health: AccountHealth | null) => void;
  /** A store read or write failed (the board keeps its memory copy). */
  onFailure?: (error: unknown, doing: string) => void;
}

/**
 * The health of every account, kept in memory for the request path and written to the operator store
 * (`pool`/`health.<name>`), so that replicas and the `cmp-server accounts` command share it. A change is
 * published on `pool.health` (replicas on one Redis learn it at once) and every replica also reloads the
 * records every few seconds (`load`), which is how a command's change reaches a server on the embedded
 * store.
 */
export class AccountHealthBoard {
  private readonly records = new Map<string, AccountHealth>();
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(private readonly options: AccountHealthBoardOptions = {}) {}

  /** Listens to other replicas' changes. */
  async start(): Promise<void> {
    const { store } = this.options;
    if (store === undefined) return;
    this.unsubscribe = await store.subscribe<{ name?: unknown; health?: unknown }>(
      HEALTH_CHANNEL,
      (message) => {
        if (typeof message.name !== "string") return;
        this.apply(message.name, isHealth(message.health) ? message.health : null, true);
      },
    );
  }

  /** The account's health, or `null` when it is active. */
  get(name: string): AccountHealth | null {
    return this.records.get(name) ?? null;
  }

  /** Sets (or with `null` clears) an account's health here, in the store, and on every replica. */
  async set(name: string, health: AccountHealth | null): Promise<void> {
    this.apply(name, health, true);
    const { store } = this.options;
    if (store === undefined) return;
    try {
      const namespace = store.namespace(POOL_NAMESPACE);
      if (health === null) await namespace.delete(healthKey(name));
      else {
        const ttl =
          health.until === null
            ? undefined
            : Math.max(health.until - health.at, 0) + EXPIRED_COOLDOWN_KEPT_MS;
        await namespace.set(healthKey(name), health, ttl);
      }
      await store.publish(HEALTH_CHANNEL, { name, health });
    } catch (error) {
      this.options.onFailure?.(error, "save an account's health");
    }
  }

  /**
   * Reloads the records of `names` from the store (the periodic sync). Changes found are reported to
   * `onChange` unless `quiet` (the first load at start).
   */
  async load(names: readonly string[], quiet = false): Promise<void> {
    const { store } = this.options;
    if (store === undefined || names.length === 0) return;
    try {
      const values = await store.namespace(POOL_NAMESPACE).getMany(names.map(healthKey));
      names.forEach((name, index) => {
        const value: unknown = values[index];
        this.apply(name, isHealth(value) ? value : null, !quiet);
      });
    } catch (error) {
      this.options.onFailure?.(error, "read the accounts' health");
    }
  }

  private apply(name: string, health: AccountHealth | null, notify: boolean): void {
    const before = this.records.get(name) ?? null;
    if (health === null) this.records.delete(name);
    else this.records.set(name, health);
    const changed =
      (before === null) !== (health === null) ||
      (before !== null &&
        health !== null &&
        (before.state !== health.state || before.until !== health.until));
    if (changed && notify) this.options.onChange?.(name, health);
  }

  /** Stops listening. */
  async close(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
    this.unsubscribe = null;
  }
}
