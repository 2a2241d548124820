/** One usage window as the `x-codex-*` headers describe it. */
export interface FakeQuotaWindow {
  usedPercent: number;
  windowMinutes: number;
  /** Unix seconds. */
  resetAt: number;
}

/** A per-model limit family (`x-<prefix>-primary-*`, `x-<prefix>-secondary-*`, `x-<prefix>-limit-name`). */
export interface FakeQuotaFamily {
  /** The header prefix after `x-`, e.g. `codex-bengalfox`. */
  prefix: string;
  /** Sent as `x-<prefix>-limit-name`, when set. */
  name?: string;
  primary: FakeQuotaWindow;
  secondary: FakeQuotaWindow;
}

/** The quota the fake backend reports on every response. */
export interface FakeQuota {
  primary: FakeQuotaWindow;
  secondary: FakeQuotaWindow;
  credits: { hasCredits: boolean; unlimited: boolean; balance: string } | null;
  /** The other limit families (per-model limits) sent beside `x-codex-*`. */
  families: FakeQuotaFamily[];
  /** `x-codex-active-limit` (default `codex`); `null` leaves it out. */
  activeLimit: string | null;
  /** `x-codex-rate-limit-reached-type`; `null` (default) leaves it out. */
  rateLimitReachedType: string | null;
  /** `x-codex-plan-type` (e.g. `plus`); `null` (default) leaves it out. */
  planType: string | null;
}

/** Partial update of the quota; window fields merge, the other fields replace. */
export interface FakeQuotaUpdate {
  primary?: Partial<FakeQuotaWindow>;
  secondary?: Partial<FakeQuotaWindow>;
  credits?: FakeQuota["credits"];
  families?: FakeQuotaFamily[];
  activeLimit?: string | null;
  rateLimitReachedType?: string | null;
  planType?: string | null;
}

/**
 * Default quota: 42.5 % of a 5-hour window and 77.25 % of a weekly window, plus the per-model family of
 * GPT-5.3-Codex-Spark (`x-codex-bengalfox-*`, 10 % and 5 %); the active limit is `codex`.
 */
export function defaultQuota(nowMs: number): FakeQuota {
  const now = Math.floor(nowMs / 1000);
  return {
    primary: { usedPercent: 42.5, windowMinutes: 300, resetAt: now + 3600 },
    secondary: { usedPercent: 77.25, windowMinutes: 10080, resetAt: now + 3 * 86_400 },
    credits: null,
    families: [
      {
        prefix: "codex-bengalfox",
        name: "GPT-5.3-Codex-Spark",
        primary: { usedPercent: 10, windowMinutes: 300, resetAt: now + 2 * 3600 },
        secondary: { usedPercent: 5, windowMinutes: 10080, resetAt: now + 5 * 86_400 },
      },
    ],
    activeLimit: "codex",
    rateLimitReachedType: null,
    planType: null,
  };
}

/** Merges an update into a quota. */
export function mergeQuota(quota: FakeQuota, update: FakeQuotaUpdate): FakeQuota {
  return {
    primary: { ...quota.primary, ...update.primary },
    secondary: { ...quota.secondary, ...update.secondary },
    credits: update.credits === undefined ? quota.credits : update.credits,
    families: update.families ?? quota.families,
    activeLimit: update.activeLimit === undefined ? quota.activeLimit : update.activeLimit,
    rateLimitReachedType:
      update.rateLimitReachedType === undefined ? quota.rateLimitReachedType : update.rateLimitReachedType,
    planType: update.planType === undefined ? quota.planType : update.planType,
  };
}

function windowHeaders(
  headers: Record<string, string>,
  prefix: string,
  window: FakeQuotaWindow,
  now: number,
): void {
  headers[`${prefix}-used-percent`] = String(window.usedPercent);
  headers[`${prefix}-window-minutes`] = String(window.windowMinutes);
  headers[`${prefix}-reset-at`] = String(window.resetAt);
  headers[`${prefix}-reset-after-seconds`] = String(Math.max(0, window.resetAt - now));
}

/**
 * The quota headers: for `x-codex-*` and every other family, used percent, window minutes and both
 * reset forms (`reset-at` and the older `reset-after-seconds`), each family's `limit-name`, then
 * `x-codex-active-limit`, `x-codex-rate-limit-reached-type`, `x-codex-plan-type` and the credits.
 * @see [openai/codex `codex-rs/codex-api/src/rate_limits.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/rate_limits.rs)
 */
export function buildQuotaHeaders(quota: FakeQuota, nowMs: number): Record<string, string> {
  const now = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {};
  windowHeaders(headers, "x-codex-primary", quota.primary, now);
  windowHeaders(headers, "x-codex-secondary", quota.secondary, now);
  for (const family of quota.families) {
    windowHeaders(headers, `x-${family.prefix}-primary`, family.primary, now);
    windowHeaders(headers, `x-${family.prefix}-secondary`, family.secondary, now);
    if (family.name !== undefined) headers[`x-${family.prefix}-limit-name`] = family.name;
  }
  if (quota.activeLimit !== null) headers["x-codex-active-limit"] = quota.activeLimit;
  if (quota.rateLimitReachedType !== null)
    headers["x-codex-rate-limit-reached-type"] = quota.rateLimitReachedType;
  if (quota.planType !== null) headers["x-codex-plan-type"] = quota.planType;
  if (quota.credits) {
    headers["x-codex-credits-has-credits"] = String(quota.credits.hasCredits);
    headers["x-codex-credits-unlimited"] = String(quota.credits.unlimited);
    headers["x-codex-credits-balance"] = quota.credits.balance;
  }
  return headers;
}
