import { defaultQuota, type FakeQuota, type FakeQuotaUpdate, mergeQuota } from "./quota-headers.js";

/** A quota window of the `x-codex-*` headers. */
export type QuotaWindowName = "primary" | "secondary";

/** A usage limit the fake Codex backend enforces for one account (see `setAccountUsageLimit`). */
export interface FakeUsageLimit {
  /** When the limit resets, in unix seconds. Default: `resetsInSeconds` after the limit is hit. */
  resetsAt?: number;
  /** Seconds from the moment the limit is hit until it resets (when `resetsAt` is not given). Default 3600. */
  resetsInSeconds?: number;
  /** Status of the refusal: 429 (default), or 404, which the backend has also been seen to send (protocol §3.3). */
  status?: 429 | 404;
  /** Requests of the account still served normally before the limit is hit. Default 0: the next one. */
  afterRequests?: number;
  /**
   * When true, the request that hits the limit is a `POST /responses` that starts normally (a 200 stream with
   * some text deltas) and then ends in `response.failed` `usage_limit_reached`, as when the limit is reached
   * during a turn; the requests after it get the HTTP refusal. Default false.
   */
  midStream?: boolean;
  /** The window that ran out: reported at 100 % with the reset time while the limit holds. Default `primary`. */
  window?: QuotaWindowName;
}

/** Where an account's usage limit stands. */
export interface FakeUsageLimitState {
  /** `pending`: `remaining` more requests are served first; `active`: refused until `resetsAt`. */
  state: "pending" | "active";
  /** Requests still served before the limit is hit (0 once active). */
  remaining: number;
  /** Reset time in unix seconds; `null` while pending without a fixed `resetsAt`. */
  resetsAt: number | null;
  status: 429 | 404;
  midStream: boolean;
  window: QuotaWindowName;
}

/** What one request of an account gets before its route runs. */
export type AccountGate =
  | { kind: "pass" }
  | { kind: "deactivated" }
  | { kind: "usage-limit"; status: 429 | 404; resetsAt: number }
  | { kind: "usage-limit-stream"; status: 429 | 404; resetsAt: number };

interface LimitRecord {
  remaining: number;
  resetsAt: number | null;
  resetsInSeconds: number;
  status: 429 | 404;
  midStream: boolean;
  window: QuotaWindowName;
  active: boolean;
}

interface AccountRecord {
  /** The account's own quota; `null` reports the server-wide one. */
  quota: FakeQuota | null;
  limit: LimitRecord | null;
  deactivated: boolean;
}

/** The per-account switches of the fake Codex backend, keyed by `chatgpt_account_id`. */
export interface AccountSwitches {
  /** Merges `update` into the account's own quota (a copy of the server-wide one at first). */
  setQuota(accountId: string, update: FakeQuotaUpdate): void;
  /** Sets (or with `null` lifts) the account's usage limit. */
  setUsageLimit(accountId: string, limit: FakeUsageLimit | null): void;
  setDeactivated(accountId: string, deactivated: boolean): void;
  /** Forgets every switch of the account. */
  clear(accountId: string): void;
  /**
   * What a request of the account gets. `counts` requests (`/responses`, `/responses/compact`) use up a
   * pending limit's `remaining` and are refused while it holds; others (`/models`) only see deactivation.
   */
  admit(accountId: string, counts: boolean): AccountGate;
  /**
   * The quota reported to the account: its own or the server-wide one, with the limited window at 100 %
   * and the reset time while a limit holds (`overlay: false` leaves that out: the stream that hit it).
   */
  quotaFor(accountId: string, overlay?: boolean): FakeQuota | null;
  limitState(accountId: string): FakeUsageLimitState | null;
  isDeactivated(accountId: string): boolean;
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * Creates the per-account switches. `now` is the fake's clock (ms); `sharedQuota` the server-wide quota
 * accounts without one of their own report.
 */
export function createAccountSwitches(
  now: () => number,
  sharedQuota: () => FakeQuota | null,
): AccountSwitches {
  const accounts = new Map<string, AccountRecord>();

  const recordOf = (accountId: string): AccountRecord => {
    let record = accounts.get(accountId);
    if (!record) {
      record = { quota: null, limit: null, deactivated: false };
      accounts.set(accountId, record);
    }
    return record;
  };

  /** Lifts an active limit whose reset time the clock has passed; the window then starts afresh. */
  const expire = (record: AccountRecord): void => {
    const limit = record.limit;
    if (!limit?.active || limit.resetsAt === null || now() < limit.resetsAt * 1000) return;
    record.limit = null;
    const base = record.quota ?? sharedQuota();
    if (!base) return;
    const window = base[limit.window];
    record.quota = mergeQuota(base, {
      [limit.window]: { usedPercent: 0, resetAt: limit.resetsAt + window.windowMinutes * 60 },
    });
  };

  const view = (accountId: string): AccountRecord | undefined => {
    const record = accounts.get(accountId);
    if (record) expire(record);
    return record;
  };

  return {
    setQuota(accountId, update) {
      const record = recordOf(accountId);
      record.quota = mergeQuota(record.quota ?? sharedQuota() ?? defaultQuota(now()), update);
    },
    setUsageLimit(accountId, limit) {
      const record = recordOf(accountId);
      record.limit = limit
        ? {
            remaining: Math.max(0, Math.floor(limit.afterRequests ?? 0)),
            resetsAt: limit.resetsAt ?? null,
            resetsInSeconds: limit.resetsInSeconds ?? 3600,
            status: limit.status ?? 429,
            midStream: limit.midStream ?? false,
            window: limit.window ?? "primary",
            active: false,
          }
        : null;
    },
    setDeactivated(accountId, deactivated) {
      recordOf(accountId).deactivated = deactivated;
    },
    clear(accountId) {
      accounts.delete(accountId);
    },
    admit(accountId, counts) {
      const record = view(accountId);
      if (!record) return { kind: "pass" };
      if (record.deactivated) return { kind: "deactivated" };
      const limit = record.limit;
      if (!limit || !counts) return { kind: "pass" };
      if (!limit.active) {
        if (limit.remaining > 0) {
          limit.remaining -= 1;
          return { kind: "pass" };
        }
        limit.active = true;
        limit.resetsAt ??= toSeconds(now()) + limit.resetsInSeconds;
        expire(record);
        if (!record.limit) return { kind: "pass" };
        if (limit.midStream) {
          return { kind: "usage-limit-stream", status: limit.status, resetsAt: limit.resetsAt };
        }
      }
      return { kind: "usage-limit", status: limit.status, resetsAt: limit.resetsAt ?? toSeconds(now()) };
    },
    quotaFor(accountId, overlay = true) {
      const record = view(accountId);
      const quota = record?.quota ?? sharedQuota();
      const limit = record?.limit;
      if (!quota || !overlay || !limit?.active || limit.resetsAt === null) return quota;
      return mergeQuota(quota, { [limit.window]: { usedPercent: 100, resetAt: limit.resetsAt } });
    },
    limitState(accountId) {
      const limit = view(accountId)?.limit;
      if (!limit) return null;
      return {
        state: limit.active ? "active" : "pending",
        remaining: limit.remaining,
        resetsAt: limit.resetsAt,
        status: limit.status,
        midStream: limit.midStream,
        window: limit.window,
      };
    },
    isDeactivated: (accountId) => view(accountId)?.deactivated ?? false,
  };
}
