import { findActiveQuotaLimit, type QuotaSnapshot, type QuotaWindow } from "@cmp/codex-client";
import type { QuotaStatus, QuotaStatusWindow } from "@cmp/protocol";
import type { Logger } from "pino";
import type { ManagementBus } from "./management-bus.js";

/** One window in the `/v1/status` shape (the protocol's `QuotaStatusWindow`). */
export type StatusQuotaWindow = QuotaStatusWindow;

/** The quota in the `/v1/status` shape, also the data of the management `quota` event (the protocol's `QuotaStatus`). */
export type StatusQuota = QuotaStatus;

function toWindow(w: QuotaWindow | null): StatusQuotaWindow | null {
  return (
    w && {
      used_percent: w.usedPercent,
      window_minutes: w.windowMinutes,
      resets_at: w.resetsAt?.toISOString() ?? null,
    }
  );
}

/** Converts a parsed snapshot to the `/v1/status` shape. */
export function toStatusQuota(q: QuotaSnapshot): StatusQuota {
  const active = findActiveQuotaLimit(q);
  return {
    primary: toWindow(q.primary),
    secondary: toWindow(q.secondary),
    credits: q.credits && {
      has_credits: q.credits.hasCredits,
      unlimited: q.credits.unlimited,
      balance: q.credits.balance,
    },
    plan_type: q.planType,
    limits: q.limits.map((limit) => ({
      id: limit.id,
      name: limit.name,
      active: limit === active,
      primary: toWindow(limit.primary),
      secondary: toWindow(limit.secondary),
    })),
    active_limit: q.activeLimit,
    rate_limit_reached_type: q.rateLimitReachedType,
    updated_at: q.updatedAt.toISOString(),
  };
}

const sameWindow = (a: QuotaWindow | null, b: QuotaWindow | null) =>
  a?.usedPercent === b?.usedPercent && a?.resetsAt?.getTime() === b?.resetsAt?.getTime();

// `toISOString` throws a RangeError beyond ±8.64e15 ms; a stored date must always serialise.
const isValidDate = (date: Date | null): boolean => date === null || Number.isFinite(date.getTime());

const isValidWindow = (w: QuotaWindow | null): boolean =>
  w === null ||
  (Number.isFinite(w.usedPercent) &&
    (w.windowMinutes === null || Number.isFinite(w.windowMinutes)) &&
    isValidDate(w.resetsAt));

/**
 * True when the snapshot can be stored and served: every number finite and every date serialisable.
 * codex-client's parser already drops invalid header values; this check keeps one bad snapshot (from
 * any source) from turning `/v1/status` and the dashboard into 500s until a valid one arrives.
 */
export function isValidQuotaSnapshot(q: QuotaSnapshot): boolean {
  return (
    isValidWindow(q.primary) &&
    isValidWindow(q.secondary) &&
    isValidDate(q.updatedAt) &&
    q.limits.every((limit) => isValidWindow(limit.primary) && isValidWindow(limit.secondary))
  );
}

/** True when two snapshots show the same limits to a reader (the dashboard needs no new event). */
function sameQuota(a: QuotaSnapshot, b: QuotaSnapshot): boolean {
  if (
    !sameWindow(a.primary, b.primary) ||
    !sameWindow(a.secondary, b.secondary) ||
    a.credits?.balance !== b.credits?.balance ||
    a.activeLimit !== b.activeLimit ||
    a.rateLimitReachedType !== b.rateLimitReachedType ||
    a.limits.length !== b.limits.length
  ) {
    return false;
  }
  return a.limits.every((limit, i) => {
    const other = b.limits[i];
    return (
      other !== undefined &&
      other.id === limit.id &&
      sameWindow(other.primary, limit.primary) &&
      sameWindow(other.secondary, limit.secondary)
    );
  });
}

/** Keeps the latest quota headers seen and tells the dashboard when they change. */
export class QuotaTracker {
  private latest: QuotaSnapshot | null = null;

  constructor(
    private readonly bus: ManagementBus,
    private readonly logger?: Pick<Logger, "debug">,
  ) {}

  /** Records the quota of one upstream response (cheap when nothing changed); an invalid one is ignored. */
  record(snapshot: QuotaSnapshot | null): void {
    if (snapshot === null) return;
    if (!isValidQuotaSnapshot(snapshot)) {
      this.logger?.debug("ignored a quota snapshot with invalid values");
      return;
    }
    const previous = this.latest;
    this.latest = snapshot;
    if (previous !== null && sameQuota(previous, snapshot)) return;
    if (this.bus.size > 0) this.bus.publish({ type: "quota", data: toStatusQuota(snapshot) });
  }

  /** The latest snapshot in the `/v1/status` shape, or `null` before any upstream response had quota headers. */
  current(): StatusQuota | null {
    return this.latest === null ? null : toStatusQuota(this.latest);
  }
}
