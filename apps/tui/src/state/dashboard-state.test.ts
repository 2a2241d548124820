import { describe, expect, it } from "vitest";
import { account, loggedInStatus, poolStatus, quotaAt, requestRecord, testNow } from "../testing/fixtures.js";
import { type DashboardAction, initialDashboardState, reduceDashboard } from "./dashboard-state.js";

const apply = (...actions: DashboardAction[]) => actions.reduce(reduceDashboard, initialDashboardState);
const running = (id: string) => requestRecord(id, { state: "running", status: null, usage: null });

describe("reduceDashboard", () => {
  it("moves a request from running to finished when it ends, and adds it to its model's totals", () => {
    const state = apply(
      { type: "request", data: running("a") },
      { type: "request", data: running("b") },
      { type: "request", data: requestRecord("a") },
    );
    expect(state.running.map((r) => r.id)).toEqual(["b"]);
    expect(state.finished.map((r) => r.id)).toEqual(["a"]);
    expect(state.totals).toEqual([
      { model: "gpt-5.2", requests: 1, errors: 0, input: 1200, cached: 800, output: 340, reasoning: 128 },
    ]);
  });

  it("counts a finished request once, even when a snapshot repeats it after a reconnect", () => {
    const state = apply(
      { type: "request", data: requestRecord("a") },
      { type: "snapshot", data: { status: loggedInStatus(), recent: [requestRecord("a"), running("c")] } },
      { type: "request", data: running("a") },
    );
    expect(state.finished).toHaveLength(1);
    expect(state.totals[0]?.requests).toBe(1);
    expect(state.running.map((r) => r.id)).toEqual(["c"]);
  });

  it("replaces running requests with the snapshot's after a reconnect", () => {
    const state = apply(
      { type: "request", data: running("gone") },
      { type: "snapshot", data: { status: loggedInStatus(), recent: [running("new")] } },
    );
    expect(state.running.map((r) => r.id)).toEqual(["new"]);
  });

  it("feeds failures and refresh failures to the error feed, newest last and bounded", () => {
    const failures = Array.from({ length: 60 }, (_, i) => ({
      type: "request" as const,
      data: requestRecord(`e${i}`, { state: "error", status: 502, error: `upstream broke ${i}` }),
    }));
    const state = apply(...failures, {
      type: "auth",
      data: { type: "refresh_failed", at: new Date(testNow).toISOString() },
    });
    expect(state.errors).toHaveLength(50);
    expect(state.errors.at(-2)?.message).toBe("gpt-5.2 HTTP 502: upstream broke 59");
    expect(state.errors.at(-1)?.message).toContain("token refresh failed");
    expect(new Set(state.errors.map((e) => e.id)).size).toBe(50);
    expect(state.totals[0]?.errors).toBe(60);
  });

  it("keeps the newest quota from status, snapshot and quota events", () => {
    const state = apply(
      { type: "status", status: loggedInStatus(quotaAt(10, 20)) },
      { type: "quota", data: quotaAt(50, 60) },
      { type: "status", status: loggedInStatus(null) },
    );
    expect(state.quota?.primary?.used_percent).toBe(50);
  });

  it("marks the login gone on a logged_out event", () => {
    const state = apply(
      { type: "status", status: loggedInStatus() },
      { type: "auth", data: { type: "logged_out", at: new Date(testNow).toISOString() } },
    );
    expect(state.status?.logged_in).toBe(false);
    expect(state.authEvents.map((e) => e.type)).toEqual(["logged_out"]);
  });

  it("keeps the pool from the status and snapshot, and forgets it for a server without one", () => {
    const pooled = apply({ type: "snapshot", data: { status: poolStatus(), recent: [] } });
    expect(pooled.accounts?.map((a) => a.name)).toEqual(["default", "b", "c"]);
    expect(
      apply({ type: "status", status: poolStatus() }, { type: "status", status: loggedInStatus() }).accounts,
    ).toBeNull();
  });

  it("moves an account on an account event: cooldown, recovery, a new account", () => {
    const at = new Date(testNow).toISOString();
    const until = new Date(testNow + 60_000).toISOString();
    const state = apply(
      { type: "status", status: poolStatus() },
      {
        type: "account",
        data: { name: "default", state: "cooling_down", until, reason: "usage_limit_reached", at },
      },
      { type: "account", data: { name: "b", state: "active", until: null, reason: null, at } },
      { type: "account", data: { name: "c", state: "disabled", until: null, reason: null, at } },
      {
        type: "account",
        data: { name: "new", state: "needs_login", until: null, reason: "login_revoked", at },
      },
    );
    const byName = Object.fromEntries((state.accounts ?? []).map((a) => [a.name, a]));
    expect(byName["default"]).toMatchObject({
      state: "cooling_down",
      cooldown_until: until,
      last_error: "usage_limit_reached",
      requests: 12,
    });
    expect(byName["b"]).toMatchObject({
      state: "active",
      cooldown_until: null,
      last_error: null,
      email: "b@example.com",
    });
    // Disabled without a reason keeps the last one.
    expect(byName["c"]).toMatchObject({ state: "disabled", last_error: "refresh_token_reused" });
    expect(byName["new"]).toEqual(
      account("new", { email: null, plan: null, state: "needs_login", last_error: "login_revoked" }),
    );
    expect(state.errors.map((e) => e.message)).toEqual([
      "account default is cooling down: usage_limit_reached",
      "account new needs a login: login_revoked (cmp-server login --account new)",
    ]);
  });

  it("adds each finished request to its key's totals, without a key under null", () => {
    const state = apply(
      { type: "request", data: requestRecord("a", { key: "alice" }) },
      {
        type: "request",
        data: requestRecord("b", { key: "alice", state: "error", status: 429, usage: null }),
      },
      { type: "request", data: requestRecord("c") },
    );
    expect(state.keyTotals).toEqual([
      { key: "alice", requests: 2, errors: 1, input: 1200, cached: 800, output: 340, reasoning: 128 },
      { key: null, requests: 1, errors: 0, input: 1200, cached: 800, output: 340, reasoning: 128 },
    ]);
  });

  it("names the key, account and error code of a failure in the feed", () => {
    const state = apply({
      type: "request",
      data: requestRecord("a", {
        state: "error",
        status: 429,
        key: "alice",
        account: "b",
        errorCode: "usage_limit_reached",
      }),
    });
    expect(state.errors[0]?.message).toBe("gpt-5.2 HTTP 429: usage_limit_reached (key alice, account b)");
  });
});
