import type { QuotaSnapshot } from "@cmp/codex-client";
import type { AccountState, AccountStatus } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import { OpenAIHttpError } from "@cmp/transform";
import type { Logger } from "pino";
import type { TokenManagerLike } from "../app-deps.js";
import { POOL_NAMESPACE } from "./account-directory.js";
import { type AccountHealth, AccountHealthBoard, isUsable, stateAt } from "./account-health.js";
import { ExpiringLru } from "./expiring-lru.js";
import type { ManagementBus } from "./management-bus.js";
import { type AccountStrategy, type AccountWindows, pickNewAccount } from "./pool-routing.js";
import { isValidQuotaSnapshot, toStatusQuota } from "./quota-tracker.js";
import { type SharedMap, sharedKey } from "./shared-map.js";

/** One ChatGPT login of the pool. */
export interface PoolAccount {
  /** Its name (`default` for the first login): in `x-cmp-account`, the status and the logs. */
  readonly name: string;
  readonly tokenManager: TokenManagerLike;
}

/** Where the pool's accounts come from (`main.ts`: the login files, or the shared store's list). */
export interface AccountSource {
  /** The accounts now, `default` first; asked at start and then every few seconds. */
  list(): Promise<readonly PoolAccount[]>;
}

/** What the pool keeps per account besides its health. */
interface Slot {
  account: PoolAccount;
  windows: AccountWindows | null;
  /** The account's latest quota headers (the status's `quota`). */
  quota: QuotaSnapshot | null;
  /** Requests this replica sent with the account. */
  requests: number;
  /** When this replica last wrote the account's windows to the store (ms). */
  windowsWrittenAt: number;
}

/** Options of {@link AccountPool}. */
export interface AccountPoolOptions {
  /** The accounts at start (at least one). */
  accounts: readonly PoolAccount[];
  /** Re-read every `syncIntervalMs` for accounts logged in or removed while running. */
  source?: AccountSource | undefined;
  strategy?: AccountStrategy;
  now?: () => number;
  bus: ManagementBus;
  logger: Logger;
  /** The operator store: health, windows (shared by replicas and read by `cmp-server accounts`). */
  store?: Pick<Store, "namespace" | "publish" | "subscribe"> | undefined;
  /** The shared copy of the conversation → account map (several replicas on one Redis). */
  affinity?: SharedMap | undefined;
  /** Default 5 000. */
  syncIntervalMs?: number;
}

/** The usable account a new conversation starts on, for {@link AccountPool.choose}. */
export interface ChooseOptions {
  /** The conversation's prompt cache key. */
  key: string;
  /** `x-cmp-account`: this account or an error. */
  pinned?: string | undefined;
  /** Accounts this request already failed on. */
  exclude?: ReadonlySet<string> | undefined;
}

const AFFINITY_TTL_MS = 6 * 60 * 60_000;
const WINDOWS_WRITE_EVERY_MS = 10_000;
const windowsKey = (name: string) => `windows.${name}`;

/**
 * The accounts the server sends requests with, and the one place that decides which one a request
 * uses: a conversation sticks to its account while it is usable (its prompt cache lives there), a new
 * one goes where the strategy says, an account that hit a limit cools down until its reset, one whose
 * login died waits for a new login, and when nothing is usable the client gets one 429 naming every
 * reset. Health is shared through the operator store (see {@link AccountHealthBoard}). With one account
 * the pool costs a request nothing: no map, no store.
 */
export class AccountPool {
  /** Resolves once the stored health was read and other replicas are listened to. */
  readonly ready: Promise<void>;
  private slots: Slot[];
  private byName = new Map<string, Slot>();
  private readonly strategy: AccountStrategy;
  private readonly now: () => number;
  private readonly health: AccountHealthBoard;
  private readonly affinity: ExpiringLru<string>;
  private readonly recoveryTimers = new Map<string, NodeJS.Timeout>();
  private syncTimer: NodeJS.Timeout | null = null;
  private turn = 0;
  private closed = false;

  constructor(private readonly options: AccountPoolOptions) {
    this.strategy = options.strategy ?? "sticky";
    this.now = options.now ?? Date.now;
    this.affinity = new ExpiringLru(10_000, AFFINITY_TTL_MS, this.now);
    this.slots = [];
    this.replaceAccounts(options.accounts);
    this.health = new AccountHealthBoard({
      store: options.store,
      onChange: (name, health) => this.announce(name, health),
      onFailure: (error, doing) =>
        options.logger.debug(
          { err: error instanceof Error ? error.message : String(error) },
          `pool: could not ${doing}`,
        ),
    });
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    await this.health.start().catch(() => undefined);
    await this.sync(true);
    const every = this.options.syncIntervalMs ?? 5_000;
    if (!this.closed) {
      this.syncTimer = setInterval(() => void this.sync(false), every);
      this.syncTimer.unref();
    }
  }

  /** Re-reads the accounts (new logins, removed ones) and their stored health. */
  async sync(quiet = false): Promise<void> {
    const { source } = this.options;
    if (source !== undefined) {
      try {
        const accounts = await source.list();
        if (accounts.length > 0) this.replaceAccounts(accounts);
      } catch (error) {
        this.options.logger.warn({ err: String(error) }, "pool: could not list the accounts");
      }
    }
    await this.health.load(
      this.slots.map((slot) => slot.account.name),
      quiet,
    );
    for (const slot of this.slots)
      this.scheduleRecovery(slot.account.name, this.health.get(slot.account.name));
  }

  private replaceAccounts(accounts: readonly PoolAccount[]): void {
    const next: Slot[] = [];
    const byName = new Map<string, Slot>();
    for (const account of accounts) {
      const kept = this.byName.get(account.name);
      const slot =
        kept !== undefined && kept.account === account
          ? kept
          : {
              account,
              windows: kept?.windows ?? null,
              quota: kept?.quota ?? null,
              requests: kept?.requests ?? 0,
              windowsWrittenAt: 0,
            };
      next.push(slot);
      byName.set(account.name, slot);
    }
    this.slots = next;
    this.byName = byName;
  }

  /** How many accounts the pool has. */
  get size(): number {
    return this.slots.length;
  }

  /** The accounts, `default` first. */
  accounts(): PoolAccount[] {
    return this.slots.map((slot) => slot.account);
  }

  /** Whether `account` is the pool's first (`default`), whose quota `/v1/status` shows at its top level. */
  isPrimary(account: PoolAccount): boolean {
    return this.slots[0]?.account === account;
  }

  /** The account named `name`, if it is in the pool. */
  get(name: string): PoolAccount | undefined {
    return this.byName.get(name)?.account;
  }

  /**
   * The account a request is sent with. Throws (before anything is sent) an `OpenAIHttpError`: 400
   * `unknown_account` for a pinned name the pool lacks, or when no account can serve, 429
   * `usage_limit_reached` (every account cooling down: the message lists each reset, `Retry-After` is
   * the earliest) or 503 `no_usable_account` (logins dead or disabled). A single account is always
   * used as it is: the backend's own answer then tells the client what is wrong.
   */
  async choose(options: ChooseOptions): Promise<PoolAccount> {
    const { slots } = this;
    const now = this.now();
    if (options.pinned !== undefined) return this.choosePinned(options.pinned, options.exclude, now);
    if (slots.length === 1 && options.exclude === undefined) return (slots[0] as Slot).account;
    const usable = slots.filter(
      (slot) => !options.exclude?.has(slot.account.name) && isUsable(this.health.get(slot.account.name), now),
    );
    if (usable.length === 0) throw this.noneUsable(options.exclude, now);
    if (usable.length === 1) {
      const only = (usable[0] as Slot).account;
      if (this.strategy === "sticky") this.remember(options.key, only.name);
      return only;
    }
    if (this.strategy !== "sticky") {
      return (usable[pickNewAccount(this.strategy, usable, this.turn++)] as Slot).account;
    }
    const stuck = await this.stickyAccount(options.key);
    if (stuck !== undefined) {
      const slot = usable.find((s) => s.account.name === stuck);
      if (slot !== undefined) return slot.account;
    }
    const chosen = (usable[pickNewAccount("sticky", usable, this.turn++)] as Slot).account;
    this.remember(options.key, chosen.name);
    return chosen;
  }

  private choosePinned(name: string, exclude: ReadonlySet<string> | undefined, now: number): PoolAccount {
    const slot = this.byName.get(name);
    if (slot === undefined) {
      throw new OpenAIHttpError({
        status: 400,
        code: "unknown_account",
        param: "x-cmp-account",
        message: `No account named "${name.slice(0, 40)}" in the pool. Accounts: ${this.slots.map((s) => s.account.name).join(", ")}.`,
      });
    }
    if (exclude?.has(name) || !isUsable(this.health.get(name), now))
      throw this.noneUsable(undefined, now, [slot]);
    return slot.account;
  }

  private async stickyAccount(key: string): Promise<string | undefined> {
    const held = this.affinity.get(key, true);
    if (held !== undefined) return held;
    const { affinity } = this.options;
    if (affinity === undefined) return undefined;
    try {
      const value: unknown = await affinity.get(sharedKey("affinity", key));
      if (typeof value === "string") {
        this.affinity.set(key, value);
        return value;
      }
    } catch {
      // A store that cannot answer costs this conversation its stickiness, never the request.
    }
    return undefined;
  }

  private remember(key: string, name: string): void {
    if (this.affinity.get(key) === name) return;
    this.affinity.set(key, name);
    void this.options.affinity?.set(sharedKey("affinity", key), name, AFFINITY_TTL_MS).catch(() => undefined);
  }

  /** The error for a request no account can serve. */
  private noneUsable(exclude: ReadonlySet<string> | undefined, now: number, among?: Slot[]): OpenAIHttpError {
    const slots = among ?? this.slots;
    const cooling: { name: string; until: number }[] = [];
    const parts: string[] = [];
    for (const slot of slots) {
      const { name } = slot.account;
      const health = this.health.get(name);
      if (health?.state === "cooling_down" && health.until !== null && health.until > now) {
        cooling.push({ name, until: health.until });
        parts.push(`${name}: limit reached, resets ${new Date(health.until).toISOString()}`);
      } else if (health !== null && health.state !== "cooling_down") {
        parts.push(`${name}: ${health.state.replace("_", " ")}${health.reason ? ` (${health.reason})` : ""}`);
      } else if (exclude?.has(name)) {
        parts.push(`${name}: failed for this request`);
      }
    }
    if (cooling.length > 0) {
      const earliest = Math.min(...cooling.map((c) => c.until));
      return new OpenAIHttpError({
        status: 429,
        type: "usage_limit_reached",
        code: "usage_limit_reached",
        message: `Every ChatGPT account of this server has reached its usage limit. ${parts.join("; ")}.`,
        headers: { "retry-after": String(Math.max(1, Math.ceil((earliest - now) / 1000))) },
      });
    }
    return new OpenAIHttpError({
      status: 503,
      code: "no_usable_account",
      message: `No ChatGPT account of this server can serve requests now. ${parts.join("; ")}. Run \`cmp-server accounts\` to see why.`,
      headers: { "retry-after": "30" },
    });
  }

  /** Counts a request sent with `account` (the status's `requests`). */
  served(account: PoolAccount): void {
    const slot = this.byName.get(account.name);
    if (slot !== undefined) slot.requests++;
  }

  /** Keeps the windows of an answer of `account` (routing by headroom; the status; the store every 10 s). */
  noteQuota(account: PoolAccount, quota: QuotaSnapshot | null): void {
    if (quota === null) return;
    const slot = this.byName.get(account.name);
    if (slot === undefined) return;
    if (isValidQuotaSnapshot(quota)) slot.quota = quota;
    if (quota.primary === null && quota.secondary === null) return;
    slot.windows = { primary: quota.primary, secondary: quota.secondary };
    const now = this.now();
    if (this.options.store === undefined || now - slot.windowsWrittenAt < WINDOWS_WRITE_EVERY_MS) return;
    slot.windowsWrittenAt = now;
    const stored = { primary: quota.primary, secondary: quota.secondary, at: now };
    void this.options.store
      .namespace(POOL_NAMESPACE)
      .set(windowsKey(account.name), stored, 7 * 24 * 60 * 60_000)
      .catch(() => undefined);
  }

  /** Marks an account (a limit, a dead login, an overload); shared with every replica. */
  async mark(name: string, health: AccountHealth | null): Promise<void> {
    await this.health.set(name, health);
    this.scheduleRecovery(name, health);
  }

  /** The account's state now. */
  stateOf(name: string): AccountState {
    return stateAt(this.health.get(name), this.now());
  }

  /** The health record of an account (`null`: active, or a cooldown that is over but not cleared yet). */
  healthOf(name: string): AccountHealth | null {
    return this.health.get(name);
  }

  /** Every account as `/v1/status` lists it. */
  async status(): Promise<AccountStatus[]> {
    const now = this.now();
    return Promise.all(
      this.slots.map(async (slot) => {
        const { name } = slot.account;
        const login = await slot.account.tokenManager.getStatus().catch(() => null);
        const health = this.health.get(name);
        const state = stateAt(health, now);
        const window = (w: AccountWindows["primary"]) =>
          w && {
            used_percent: w.usedPercent,
            window_minutes: w.windowMinutes,
            resets_at: w.resetsAt?.toISOString() ?? null,
          };
        return {
          name,
          email: login?.email ?? null,
          plan: login?.plan ?? null,
          state: login === null && state === "active" ? "needs_login" : state,
          primary: window(slot.windows?.primary ?? null),
          secondary: window(slot.windows?.secondary ?? null),
          quota: slot.quota && toStatusQuota(slot.quota),
          cooldown_until:
            state === "cooling_down" && health?.until != null ? new Date(health.until).toISOString() : null,
          last_error:
            state === "active"
              ? login === null
                ? (slot.account.tokenManager.getLoginError?.() ?? "not logged in")
                : null
              : (health?.reason ?? null),
          requests: slot.requests,
        } satisfies AccountStatus;
      }),
    );
  }

  /** A recovery event (and a cleared record) when a cooldown ends. */
  private scheduleRecovery(name: string, health: AccountHealth | null): void {
    const existing = this.recoveryTimers.get(name);
    if (existing !== undefined) clearTimeout(existing);
    this.recoveryTimers.delete(name);
    if (health?.state !== "cooling_down" || health.until === null || this.closed) return;
    const delay = Math.max(0, health.until - this.now());
    const timer = setTimeout(
      () => {
        this.recoveryTimers.delete(name);
        if (this.health.get(name) === health) void this.mark(name, null);
      },
      Math.min(delay, 2_147_483_647),
    );
    timer.unref();
    this.recoveryTimers.set(name, timer);
  }

  private announce(name: string, health: AccountHealth | null): void {
    const at = new Date(this.now()).toISOString();
    this.options.bus.publish({
      type: "account",
      data: {
        name,
        state: health === null ? "active" : health.state,
        until: health?.until != null ? new Date(health.until).toISOString() : null,
        reason: health?.reason ?? null,
        at,
      },
    });
    if (health === null) this.options.logger.info({ account: name }, "account is usable again");
    else
      this.options.logger.warn(
        {
          account: name,
          state: health.state,
          until: health.until && new Date(health.until).toISOString(),
          reason: health.reason,
        },
        "account is not usable",
      );
  }

  /** Stops the timers and the store subscription. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    for (const timer of this.recoveryTimers.values()) clearTimeout(timer);
    this.recoveryTimers.clear();
    await this.health.close();
  }
}
