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

/**
 * The usage counters in the operator store, shared by every replica: per named key (over its budget's
 * period, else the UTC day), per pool account and per model (UTC days). Each finished request adds its
 * tokens and one request in one atomic step per counter (`store.incrementFields`); counters expire
 * {@link USAGE_RETENTION_MS} after their period ends. Also the per-minute request counts of keys with a
 * requests-per-minute limit (fixed UTC minutes, kept two minutes).
 */
export class UsageLedger {
  constructor(private readonly store: Store) {}

  /** The counter key of `scope` (`key`, `account`, `model`) `name` in `period`. */
  static counterKey(scope: "key" | "account" | "model", name: string, period: Period): string {
    return `${scope}:${name}:${periodLabel(period)}`;
  }

  /** Adds a finished request to its key's, account's and model's counters. */
  async record(finished: FinishedUsage, now: number): Promise<void> {
    const fields: Record<string, number> = { requests: 1 };
    const usage = finished.usage;
    if (usage !== null) {
      fields["input"] = Math.round(usage.input);
      fields["cached"] = Math.round(usage.cached);
      fields["output"] = Math.round(usage.output);
      fields["reasoning"] = Math.round(usage.reasoning);
    }
    const add = (scope: "key" | "account" | "model", name: string, period: Period) =>
      this.store.incrementFields(USAGE_NAMESPACE, UsageLedger.counterKey(scope, name, period), fields, {
        ttlMs: period.end - now + USAGE_RETENTION_MS,
      });
    const day = periodAt("day", now);
    const changes: Array<Promise<unknown>> = [];
    if (finished.key !== null) {
      changes.push(add("key", finished.key.name, periodAt(keyPeriodKind(finished.key), now)));
    }
    if (finished.account) changes.push(add("account", finished.account, day));
    if (finished.model) changes.push(add("model", finished.model, day));
    await Promise.all(changes);
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
