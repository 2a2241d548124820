import { describe, expect, it } from "vitest";
import { parseManagementEvent } from "./parse-management-event.js";
import type { RequestRecord } from "./request-record.js";
import type { ServerStatus } from "./server-status.js";

const record: RequestRecord = {
  id: "req_1",
  startedAt: "2026-11-27T18:00:00.000Z",
  model: "gpt-5.4",
  slug: "gpt-5.4",
  effort: "high",
  stream: true,
  api: "chat",
  state: "done",
  status: 200,
  ttftMs: 300,
  durationMs: 1500,
  usage: { input: 10, cached: 0, output: 5, reasoning: 2 },
  error: null,
};

const status: ServerStatus = {
  logged_in: true,
  account: { email: "a@b.c", plan: "pro", account_id: "acc_1" },
  token: { expires_at: "2026-11-27T20:00:00.000Z", last_refresh: null, reauth_required: false },
  quota: {
    primary: { used_percent: 42.5, window_minutes: 300, resets_at: "2026-11-27T21:00:00Z" },
    secondary: null,
    credits: null,
    plan_type: "pro",
    updated_at: "2026-11-27T18:05:00.000Z",
  },
  server: { version: "0.1.0", uptime_seconds: 12, instructions_mode: "client", client_profiles: [] },
};

const parse = (event: string, data: unknown) =>
  parseManagementEvent({ event, data: typeof data === "string" ? data : JSON.stringify(data) });

describe("parseManagementEvent", () => {
  it("types each event of the stream by its name", () => {
    expect(parse("snapshot", { status, recent: [record] })).toEqual({
      success: true,
      value: { type: "snapshot", data: { status, recent: [record] } },
    });
    expect(parse("request", { ...record, state: "running", status: null, usage: null })).toMatchObject({
      success: true,
      value: { type: "request", data: { id: "req_1", state: "running" } },
    });
    expect(parse("quota", status.quota)).toMatchObject({ success: true, value: { type: "quota" } });
    expect(parse("auth", { type: "refreshed", at: "2026-11-27T18:07:00.000Z" })).toMatchObject({
      success: true,
      value: { type: "auth", data: { type: "refreshed" } },
    });
    const cooled = {
      name: "b",
      state: "cooling_down",
      until: "2026-11-27T23:00:00.000Z",
      reason: "usage_limit_reached",
      at: "2026-11-27T18:07:00.000Z",
    };
    expect(parse("account", cooled)).toEqual({ success: true, value: { type: "account", data: cooled } });
    expect(parse("account", { ...cooled, state: "asleep" }).success).toBe(false);
  });

  it("reads the accounts of a pool in the status", () => {
    const account = {
      name: "default",
      email: "a@b.c",
      plan: "pro",
      state: "active",
      primary: null,
      secondary: null,
      cooldown_until: null,
      last_error: null,
      requests: 3,
    };
    const result = parse("snapshot", { status: { ...status, accounts: [account] }, recent: [] });
    expect(result.success && result.value.type === "snapshot" && result.value.data.status.accounts).toEqual([
      account,
    ]);
  });

  it("keeps fields added later out of the value instead of refusing the event", () => {
    const result = parse("snapshot", { status: { ...status, pools: [] }, recent: [], extra: 1 });
    expect(result.success && result.value.type === "snapshot" && result.value.data.status).toEqual(status);
  });

  it("accepts an API it does not know yet (a newer server's front door)", () => {
    const result = parse("request", { ...record, api: "messages" });
    expect(result.success && result.value.type === "request" && result.value.data.api).toBe("messages");
    expect(parse("request", { ...record, api: "" }).success).toBe(false);
  });

  it("refuses with a code: unknown name, broken JSON, wrong shape", () => {
    expect(parse("something_new", {})).toMatchObject({ success: false, error: { code: "unknown_event" } });
    expect(parse("toString", {})).toMatchObject({ success: false, error: { code: "unknown_event" } });
    expect(parse("request", "{not json")).toMatchObject({ success: false, error: { code: "invalid_json" } });
    const camel = parse("quota", { primary: { usedPercent: 1 }, secondary: null, updatedAt: "x" });
    expect(camel).toMatchObject({ success: false, error: { code: "invalid_data", event: "quota" } });
    const noDate = parse("request", { ...record, startedAt: 1_795_000_000 });
    expect(noDate.success === false && noDate.error.message).toContain("startedAt");
  });
});
