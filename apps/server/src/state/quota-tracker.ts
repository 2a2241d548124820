import { findActiveQuotaLimit, type QuotaSnapshot, type QuotaWindow } from "@cmp/codex-client";
import type { QuotaStatus, QuotaStatusWindow } from "@cmp/protocol";
import type { Logger } from "pino";
import type { ManagementBus } from "./management-bus.js";
import type { SharedFailure, SharedMap } from "./shared-map.js";

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

/** The shared map's key of the latest quota (one login per deployment until the account pool). */
const SHARED_KEY = "latest";
/** An unchanged quota is written to the shared map again after this long, in case another replica's older one is there. */
const SHARED_REFRESH_MS = 10_000;

/** A shared value is served only when it has the shape {@link QuotaTracker} writes. */
const isStatusQuota = (value: unknown): value is StatusQuota =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { updated_at?: unknown }).updated_at === "string" &&
  Array.isArray((value as { limits?: unknown }).limits);

/** Options of {@link QuotaTracker}. */
export interface QuotaTrackerOptions {
  logger?: Pick<Logger, "debug">;
  /**
   * A map every replica shares (`CMP_STORE_URL`): each change is written there and {@link
   * QuotaTracker.latest} reads the newest of it and this replica's own, so `/v1/status` on any replica
   * shows the quota the last response of any replica carried.
   */
  shared?: SharedMap;
  onSharedFailure?: SharedFailure;
}

/** Keeps the latest quota headers seen and tells the dashboard (and, shared, the other replicas) when they change. */
export class QuotaTracker {
  private latest: QuotaSnapshot | null = null;
  private readonly logger: Pick<Logger, "debug"> | undefined;
  private readonly shared: SharedMap | undefined;
  private readonly onSharedFailure: SharedFailure;
  /** When this replica last wrote the shared copy (ms, by the snapshots' clock). */
  private sharedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bus: ManagementBus,
    options: QuotaTrackerOptions = {},
  ) {
    this.logger = options.logger;
    this.shared = options.shared;
    this.onSharedFailure = options.onSharedFailure ?? (() => undefined);
  }

  /** Records the quota of one upstream response (cheap when nothing changed); an invalid one is ignored. */
  record(snapshot: QuotaSnapshot | null): void {
    if (snapshot === null) return;
    if (!isValidQuotaSnapshot(snapshot)) {
      this.logger?.debug("ignored a quota snapshot with invalid values");
      return;
    }
    const previous = this.latest;
    this.latest = snapshot;
    const changed = previous === null || !sameQuota(previous, snapshot);
    // Unchanged here may still be newer than the shared copy (another replica wrote since): it is
    // written again at most every SHARED_REFRESH_MS.
    const refreshShared =
      this.shared !== undefined &&
      (changed || snapshot.updatedAt.getTime() - this.sharedAt >= SHARED_REFRESH_MS);
    if (!refreshShared && !(changed && this.bus.watched)) return;
    const status = toStatusQuota(snapshot);
    if (changed && this.bus.watched) this.bus.publish({ type: "quota", data: status });
    if (refreshShared) {
      this.sharedAt = snapshot.updatedAt.getTime();
      this.shared
        ?.set(SHARED_KEY, status)
        .catch((error: unknown) => this.onSharedFailure(error, "save the quota"));
    }
  }

  /** This replica's latest snapshot in the `/v1/status` shape, or `null` before any upstream response had quota headers. */
  current(): StatusQuota | null {
    return this.latest === null ? null : toStatusQuota(this.latest);
  }

  /**
   * The newest quota of the deployment: {@link current}, or the shared map's when another replica saw
   * a newer one. Without a shared map (or when it cannot answer) this replica's own.
   */
  async newest(): Promise<StatusQuota | null> {
    const own = this.current();
    if (this.shared === undefined) return own;
    let value: unknown;
    try {
      value = await this.shared.get(SHARED_KEY);
    } catch (error) {
      this.onSharedFailure(error, "read the quota");
      return own;
    }
    if (!isStatusQuota(value)) return own;
    if (own === null || Date.parse(value.updated_at) > Date.parse(own.updated_at)) return value;
    return own;
  }
}
