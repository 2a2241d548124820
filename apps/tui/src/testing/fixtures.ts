import type { AccountStatus, ApiKeyInfo, QuotaStatus, RequestRecord, ServerStatus } from "@cmp/protocol";

/** 2026-11-27T18:00:00Z, the clock of every component test. */
export const testNow = Date.UTC(2026, 10, 27, 18, 0, 0);

const iso = (ms: number) => new Date(ms).toISOString();

/** A quota snapshot with the given used percentages. */
export function quotaAt(primary: number, secondary: number): QuotaStatus {
  return {
    primary: {
      used_percent: primary,
      window_minutes: 300,
      resets_at: iso(testNow + (2 * 60 + 55) * 60_000),
    },
    secondary: {
      used_percent: secondary,
      window_minutes: 10_080,
      resets_at: iso(Date.UTC(2026, 11, 1, 0, 0, 0)),
    },
    credits: null,
    plan_type: "pro",
    updated_at: iso(testNow),
  };
}

const serverInfo: ServerStatus["server"] = {
  version: "0.1.0",
  uptime_seconds: 60,
  instructions_mode: "client",
  client_profiles: [],
};

/** The status of a server without a login. */
export function loggedOutStatus(): ServerStatus {
  return { logged_in: false, account: null, token: null, quota: null, server: serverInfo };
}

/** A logged-in status as the server reports it. */
export function loggedInStatus(quota: QuotaStatus | null = quotaAt(42.5, 77.25)): ServerStatus {
  return {
    logged_in: true,
    account: { email: "user@example.com", plan: "pro", account_id: "acc_test" },
    token: {
      expires_at: iso(testNow + 54 * 60_000 + 12_000),
      last_refresh: iso(testNow - 5 * 60_000),
      reauth_required: false,
    },
    quota,
    server: serverInfo,
  };
}

/** A request record; finished and successful unless overridden. */
export function requestRecord(id: string, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id,
    startedAt: iso(testNow - 60_000),
    model: "gpt-5.2",
    slug: "gpt-5.2",
    effort: "medium",
    stream: true,
    api: "chat",
    state: "done",
    status: 200,
    ttftMs: 420,
    durationMs: 3200,
    usage: { input: 1200, cached: 800, output: 340, reasoning: 128 },
    error: null,
    ...overrides,
  };
}

/** One pool account; active with no quota seen unless overridden. */
export function account(name: string, overrides: Partial<AccountStatus> = {}): AccountStatus {
  return {
    name,
    email: `${name}@example.com`,
    plan: "pro",
    state: "active",
    primary: null,
    secondary: null,
    cooldown_until: null,
    last_error: null,
    requests: 0,
    ...overrides,
  };
}

/**
 * A logged-in status with a pool of three: `default` active (42.5% / 77.25% used, 12 requests), `b`
 * cooling down for 12m 30s after a usage limit, `c` needing a login.
 */
export function poolStatus(): ServerStatus {
  const quota = quotaAt(42.5, 77.25);
  return {
    ...loggedInStatus(quota),
    accounts: [
      account("default", { primary: quota.primary, secondary: quota.secondary, requests: 12 }),
      account("b", {
        email: "b@example.com",
        plan: "plus",
        state: "cooling_down",
        primary: { used_percent: 100, window_minutes: 300, resets_at: iso(testNow + 12 * 60_000 + 30_000) },
        secondary: { used_percent: 64, window_minutes: 10_080, resets_at: iso(Date.UTC(2026, 11, 1)) },
        cooldown_until: iso(testNow + 12 * 60_000 + 30_000),
        last_error: "usage_limit_reached",
        requests: 7,
      }),
      account("c", { state: "needs_login", last_error: "refresh_token_reused", requests: 3 }),
    ],
  };
}

/** A named API key as `GET /v1/management/keys` lists it; no budget or limits unless overridden. */
export function apiKey(name: string, overrides: Partial<ApiKeyInfo> = {}): ApiKeyInfo {
  return {
    name,
    created_at: iso(Date.UTC(2026, 10, 20, 9, 0, 0)),
    last_used_at: iso(testNow - 2 * 60_000 - 10_000),
    admin: false,
    models: null,
    rpm: null,
    budget: null,
    usage: { requests: 4, input: 9_000, cached: 1_000, output: 3_300, reasoning: 0 },
    period_start: iso(Date.UTC(2026, 10, 27)),
    ...overrides,
  };
}
