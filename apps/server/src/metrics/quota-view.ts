import type { QuotaSnapshot } from "@cmp/codex-client";
import type { QuotaStatus } from "@cmp/protocol";

/**
 * The quota of one account as the pool or the `QuotaTracker` holds it: the parsed headers
 * (codex-client's `QuotaSnapshot`), or the `/v1/status` shape (`QuotaStatus`).
 */
export type AccountQuota = QuotaSnapshot | QuotaStatus;

/** One window of one limit family, as the quota gauges show it. */
export interface QuotaGaugeWindow {
  /** The limit family (`codex`, `codex_bengalfox`, …). */
  limit: string;
  window: "primary" | "secondary";
  /** Share of the window used, 0–100. */
  usedPercent: number;
  /** When the window resets, Unix seconds; `null` when the backend did not say. */
  resetsAtSeconds: number | null;
}

/** A window in either shape, read the same way. */
interface AnyWindow {
  percent: number;
  resetsAtMs: number;
}

type Family = { id: string; primary: AnyWindow | null; secondary: AnyWindow | null };

const isStatusQuota = (quota: AccountQuota): quota is QuotaStatus => "updated_at" in quota;

const fromSnapshot = (w: QuotaSnapshot["primary"]): AnyWindow | null =>
  w && { percent: w.usedPercent, resetsAtMs: w.resetsAt?.getTime() ?? Number.NaN };

const fromStatus = (w: QuotaStatus["primary"]): AnyWindow | null =>
  w && { percent: w.used_percent, resetsAtMs: w.resets_at === null ? Number.NaN : Date.parse(w.resets_at) };

// Without limit families (an older backend), the top-level windows are the `codex` family's, as the
// `x-codex-*` headers they come from are.
function families(quota: AccountQuota): Family[] {
  if (isStatusQuota(quota)) {
    const limits = quota.limits ?? [];
    if (limits.length === 0) {
      return [{ id: "codex", primary: fromStatus(quota.primary), secondary: fromStatus(quota.secondary) }];
    }
    return limits.map((l) => ({
      id: l.id,
      primary: fromStatus(l.primary),
      secondary: fromStatus(l.secondary),
    }));
  }
  if (quota.limits.length === 0) {
    return [{ id: "codex", primary: fromSnapshot(quota.primary), secondary: fromSnapshot(quota.secondary) }];
  }
  return quota.limits.map((l) => ({
    id: l.id,
    primary: fromSnapshot(l.primary),
    secondary: fromSnapshot(l.secondary),
  }));
}

/** The windows of every limit family of a quota, in either shape; windows without a finite percentage are left out. */
export function quotaGaugeWindows(quota: AccountQuota): QuotaGaugeWindow[] {
  const out: QuotaGaugeWindow[] = [];
  for (const family of families(quota)) {
    for (const window of ["primary", "secondary"] as const) {
      const w = family[window];
      if (w === null || !Number.isFinite(w.percent)) continue;
      out.push({
        limit: family.id,
        window,
        usedPercent: w.percent,
        resetsAtSeconds: Number.isFinite(w.resetsAtMs) ? w.resetsAtMs / 1000 : null,
      });
    }
  }
  return out;
}
