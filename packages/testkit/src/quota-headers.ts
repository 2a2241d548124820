/** One usage window as the `x-codex-*` headers describe it. */
export interface FakeQuotaWindow {
  usedPercent: number;
  windowMinutes: number;
  /** Unix seconds. */
  resetAt: number;
}

/** The quota the fake backend reports on every response. */
export interface FakeQuota {
  primary: FakeQuotaWindow;
  secondary: FakeQuotaWindow;
  credits: { hasCredits: boolean; unlimited: boolean; balance: string } | null;
}

/** Partial update of the quota; window fields merge. */
export interface FakeQuotaUpdate {
  primary?: Partial<FakeQuotaWindow>;
  secondary?: Partial<FakeQuotaWindow>;
  credits?: FakeQuota["credits"];
}

/** Default quota: 42.5 % of a 5-hour window and 77.25 % of a weekly window. */
export function defaultQuota(nowMs: number): FakeQuota {
  const now = Math.floor(nowMs / 1000);
  return {
    primary: { usedPercent: 42.5, windowMinutes: 300, resetAt: now + 3600 },
    secondary: { usedPercent: 77.25, windowMinutes: 10080, resetAt: now + 3 * 86_400 },
    credits: null,
  };
}

/** Merges an update into a quota. */
export function mergeQuota(quota: FakeQuota, update: FakeQuotaUpdate): FakeQuota {
  return {
    primary: { ...quota.primary, ...update.primary },
    secondary: { ...quota.secondary, ...update.secondary },
    credits: update.credits === undefined ? quota.credits : update.credits,
  };
}

/**
 * The `x-codex-*` headers: used percent, window minutes, and both reset forms (`reset-at` and the older
 * `reset-after-seconds`).
 * @see [openai/codex `codex-rs/codex-api/src/rate_limits.rs`](https://github.com/openai/codex/blob/main/codex-rs/codex-api/src/rate_limits.rs)
 */
export function buildQuotaHeaders(quota: FakeQuota, nowMs: number): Record<string, string> {
  const now = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = {};
  for (const [name, window] of [
    ["primary", quota.primary],
    ["secondary", quota.secondary],
  ] as const) {
    headers[`x-codex-${name}-used-percent`] = String(window.usedPercent);
    headers[`x-codex-${name}-window-minutes`] = String(window.windowMinutes);
    headers[`x-codex-${name}-reset-at`] = String(window.resetAt);
    headers[`x-codex-${name}-reset-after-seconds`] = String(Math.max(0, window.resetAt - now));
  }
  if (quota.credits) {
    headers["x-codex-credits-has-credits"] = String(quota.credits.hasCredits);
    headers["x-codex-credits-unlimited"] = String(quota.credits.unlimited);
    headers["x-codex-credits-balance"] = quota.credits.balance;
  }
  return headers;
}
