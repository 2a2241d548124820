import type { BudgetPeriod, KeyUsage, RequestUsage } from "@cmp/protocol";
import type { Store } from "@cmp/store";
import type { StoredApiKey } from "./key-registry.js";
import { type Period, periodAt, periodLabel } from "./periods.js";

/** The store namespace of the usage counters. */
export const USAGE_NAMESPACE = "usage";
/** The store namespace of the per-minute request counters. */
export const RATE_NAMESPACE = "rate";
/** How long a usage counter is kept after its period ends (long enough to look back a month). */
export const USAGE_RETENTION_MS = 35 * 86_400_000;
const MINUTE_MS = 60_000;

/** What one finished request adds to the counters. */
export interface FinishedUsage {
  /** The named key that made it, with its settings (its budget's period), or `null`. */
  key: StoredApiKey | null;
  account: string | null | undefined;
  /** The backend slug, else the model the client named. */
  model: string | null;
  usage: RequestUsage | null;
}

/** The period a key's usage counts over: its budget's, else the UTC day. */
export function keyPeriodKind(key: Pick<StoredApiKey, "budget">): BudgetPeriod {
  return key.budget?.per ?? "day";
}

function toKeyUsage(fields: Record<string, number>): KeyUsage {
  const count = (name: string) => Math.max(0, fields[name] ?? 0);
  return {
    requests: count("requests"),
    input: count("input"),
    cached: count("cached"),
    output: count("output"),
    reasoning: count("reasoning"),
  };
}

/** What a usage counter counts; a finished request adds one request and its tokens. */
type UsageCounts = {
  requests: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
};

/** A counter's changes gathered since the last flush, and when the counter may expire (ms). */
interface PendingCounter {
  counts: UsageCounts;
  expiresAt: number;
}

/**
 * The usage counters in the operator store, shared by every replica: per named key (over its budget's
 * period, else the UTC day), per pool account and per model (UTC days). Counters change in one atomic
 * step each (`store.incrementFields`) and expire {@link USAGE_RETENTION_MS} after their period ends.
 * Also the per-minute request counts of keys with a requests-per-minute limit (fixed UTC minutes, kept
 * two minutes).
 *
 * A finished request's counts are gathered in this process and written by {@link flush} (`Operations`
 * flushes within `FLUSH_EVERY_MS`, 5 s): one store command per counter per flush instead of three per request, so
 * accounting costs the request path a few map updates. The counter of a key with a token budget is the
 * exception, written at once: the budget is checked against the shared count, on every replica.
 */
export class UsageLedger {
  private pending = new Map<string, PendingCounter>();
  /** The current period of each kind and its label (date arithmetic once a period, not per request). */
  private readonly periods = new Map<BudgetPeriod, { period: Period; label: string }>();

  constructor(private readonly store: Store) {}

  /** The counter key of `scope` (`key`, `account`, `model`) `name` in `period`. */
  static counterKey(scope: "key" | "account" | "model", name: string, period: Period): string {
    return `${scope}:${name}:${periodLabel(period)}`;
  }

  /** How many counters have changes waiting for {@link flush}. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Adds a finished request to its key's, account's and model's counters: the key's at once when it has
   * a token budget (the returned promise), the rest at the next {@link flush}.
   */
  record(finished: FinishedUsage, now: number): Promise<void> | undefined {
    const usage = finished.usage;
    const counts: UsageCounts = {
      requests: 1,
      input: usage === null ? 0 : Math.round(usage.input),
      cached: usage === null ? 0 : Math.round(usage.cached),
      output: usage === null ? 0 : Math.round(usage.output),
      reasoning: usage === null ? 0 : Math.round(usage.reasoning),
    };
    let written: Promise<void> | undefined;
    if (finished.key !== null) {
      const { period, label } = this.periodAt(keyPeriodKind(finished.key), now);
      const counter = `key:${finished.key.name}:${label}`;
      const expiresAt = period.end + USAGE_RETENTION_MS;
      if (finished.key.budget === null) this.gather(counter, counts, expiresAt);
      else written = this.write(counter, counts, expiresAt, now);
    }
    if (finished.account || finished.model) {
      const { period, label } = this.periodAt("day", now);
      const expiresAt = period.end + USAGE_RETENTION_MS;
      if (finished.account) this.gather(`account:${finished.account}:${label}`, counts, expiresAt);
      if (finished.model) this.gather(`model:${finished.model}:${label}`, counts, expiresAt);
    }
    return written;
  }

  /**
   * Writes the changes gathered so far, one `incrementFields` per counter. Changes that the store
   * refuses are lost (the promise rejects with the first error): a retry could count them twice.
   */
  async flush(now: number): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all(
      [...batch].map(([counter, { counts, expiresAt }]) => this.write(counter, counts, expiresAt, now)),
    );
  }

  private periodAt(per: BudgetPeriod, now: number): { period: Period; label: string } {
    const known = this.periods.get(per);
    if (known !== undefined && now >= known.period.start && now < known.period.end) return known;
    const period = periodAt(per, now);
    const current = { period, label: periodLabel(period) };
    this.periods.set(per, current);
    return current;
  }

  private gather(counter: string, counts: UsageCounts, expiresAt: number): void {
    const pending = this.pending.get(counter);
    if (pending === undefined) {
      this.pending.set(counter, { counts: { ...counts }, expiresAt });
      return;
    }
    const sum = pending.counts;
    sum.requests += counts.requests;
    sum.input += counts.input;
    sum.cached += counts.cached;
    sum.output += counts.output;
    sum.reasoning += counts.reasoning;
  }

  private async write(counter: string, counts: UsageCounts, expiresAt: number, now: number): Promise<void> {
    await this.store.incrementFields(USAGE_NAMESPACE, counter, counts, {
      ttlMs: Math.max(1, expiresAt - now),
    });
  }

  /** What `key` used in its current period. */
  async keyUsage(
    key: Pick<StoredApiKey, "name" | "budget">,
    now: number,
  ): Promise<{ period: Period; usage: KeyUsage }> {
    const period = periodAt(keyPeriodKind(key), now);
    const fields = await this.store.readCounters(
      USAGE_NAMESPACE,
      UsageLedger.counterKey("key", key.name, period),
    );
    return { period, usage: toKeyUsage(fields) };
  }

  /** What a pool account or a model used on the UTC day holding `now`. */
  async dayUsage(scope: "account" | "model", name: string, now: number): Promise<KeyUsage> {
    const fields = await this.store.readCounters(
      USAGE_NAMESPACE,
      UsageLedger.counterKey(scope, name, periodAt("day", now)),
    );
    return toKeyUsage(fields);
  }

  /**
   * Counts one request of `keyName` in the current UTC minute; resolves with the minute's count so far
   * (this one included) and when the minute ends (ms).
   */
  async countRequest(keyName: string, now: number): Promise<{ count: number; resetsAt: number }> {
    const minute = Math.floor(now / MINUTE_MS);
    const count = await this.store.increment(RATE_NAMESPACE, `${keyName}:${minute}`, 1, {
      ttlMs: 2 * MINUTE_MS,
    });
    return { count, resetsAt: (minute + 1) * MINUTE_MS };
  }
}
