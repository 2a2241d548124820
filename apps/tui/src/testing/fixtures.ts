import type { QuotaSnapshot, RequestRecord, ServerStatus } from "../api/server-api.js";

/** 2026-11-27T18:00:00Z, the clock of every component test. */
export const testNow = Date.UTC(2026, 10, 27, 18, 0, 0);

/** A quota snapshot with the given used percentages. */
export function quotaAt(primary: number, secondary: number): QuotaSnapshot {
  return {
    primary: {
      usedPercent: primary,
      windowMinutes: 300,
      resetsAt: new Date(testNow + (2 * 60 + 55) * 60_000),
    },
    secondary: {
      usedPercent: secondary,
      windowMinutes: 10_080,
      resetsAt: new Date(Date.UTC(2026, 11, 1, 0, 0, 0)),
    },
    updatedAt: new Date(testNow),
  };
}

/** A logged-in status as the server reports it. */
export function loggedInStatus(quota: QuotaSnapshot | null = quotaAt(42.5, 77.25)): ServerStatus {
  return {
    loggedIn: true,
    account: { email: "user@example.com", plan: "pro", accountId: "acc_test" },
    token: {
      expiresAt: new Date(testNow + 54 * 60_000 + 12_000),
      lastRefresh: new Date(testNow - 5 * 60_000),
    },
    quota,
  };
}

/** A request record; finished and successful unless overridden. */
export function requestRecord(id: string, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id,
    startedAt: new Date(testNow - 60_000),
    model: "gpt-5.2",
    slug: "gpt-5.2",
    effort: "medium",
    stream: true,
    state: "done",
    status: 200,
    ttftMs: 420,
    durationMs: 3200,
    usage: { input: 1200, cached: 800, output: 340, reasoning: 128 },
    error: null,
    ...overrides,
  };
}
