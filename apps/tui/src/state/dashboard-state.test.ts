import { describe, expect, it } from "vitest";
import { loggedInStatus, quotaAt, requestRecord, testNow } from "../testing/fixtures.js";
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
});
