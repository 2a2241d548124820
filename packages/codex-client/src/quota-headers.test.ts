import { describe, expect, it } from "vitest";
import { parseLowerCaseQuotaHeaders, parseQuotaHeaders } from "./quota-headers.js";

const now = Date.parse("2026-11-27T18:00:00Z");

describe("parseQuotaHeaders", () => {
  it("reads both windows with reset-at in unix seconds", () => {
    const snapshot = parseQuotaHeaders(
      {
        "x-codex-primary-used-percent": "42.5",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": String(Date.parse("2026-11-27T21:00:00Z") / 1000),
        "x-codex-secondary-used-percent": "77.25",
        "x-codex-secondary-window-minutes": "10080",
        "x-codex-secondary-reset-at": String(Date.parse("2026-12-01T00:00:00Z") / 1000),
      },
      now,
    );
    expect(snapshot?.primary).toEqual({
      usedPercent: 42.5,
      windowMinutes: 300,
      resetsAt: new Date("2026-11-27T21:00:00Z"),
    });
    expect(snapshot?.secondary?.usedPercent).toBe(77.25);
    expect(snapshot?.secondary?.resetsAt?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(snapshot?.updatedAt.toISOString()).toBe("2026-11-27T18:00:00.000Z");
    expect(snapshot?.credits).toBeNull();
  });

  it("accepts the older reset-after-seconds form and a Headers object", () => {
    const headers = new Headers({
      "x-codex-primary-used-percent": "10",
      "x-codex-primary-reset-after-seconds": "3600",
    });
    const snapshot = parseQuotaHeaders(headers, now);
    expect(snapshot?.primary?.resetsAt?.toISOString()).toBe("2026-11-27T19:00:00.000Z");
    expect(snapshot?.primary?.windowMinutes).toBeNull();
    expect(snapshot?.secondary).toBeNull();
  });

  it("reads credits and the plan type", () => {
    const snapshot = parseQuotaHeaders(
      {
        "x-codex-credits-has-credits": "1",
        "x-codex-credits-unlimited": "false",
        "x-codex-credits-balance": "12.50",
        "x-codex-plan-type": "pro",
      },
      now,
    );
    expect(snapshot?.credits).toEqual({ hasCredits: true, unlimited: false, balance: "12.50" });
    expect(snapshot?.planType).toBe("pro");
  });

  it("returns null when no quota header is present or values are garbage", () => {
    expect(parseQuotaHeaders({ "content-type": "text/event-stream" }, now)).toBeNull();
    expect(parseQuotaHeaders({ "x-codex-primary-used-percent": "lots" }, now)).toBeNull();
  });

  it("matches header names case-insensitively in a plain record", () => {
    const snapshot = parseQuotaHeaders(
      { "X-Codex-Primary-Used-Percent": "5", "X-Codex-Plan-Type": "pro" },
      now,
    );
    expect(snapshot?.primary?.usedPercent).toBe(5);
    expect(snapshot?.planType).toBe("pro");
  });
});

describe("parseLowerCaseQuotaHeaders", () => {
  it("reads the client's lower-case records like parseQuotaHeaders does", () => {
    const headers = {
      "x-codex-primary-used-percent": "12.5",
      "x-codex-primary-reset-after-seconds": "60",
      "x-codex-credits-has-credits": "true",
    };
    expect(parseLowerCaseQuotaHeaders(headers, now)).toEqual(parseQuotaHeaders(headers, now));
    expect(parseLowerCaseQuotaHeaders({ "content-type": "text/event-stream" }, now)).toBeNull();
  });

  it.each([
    ["x-codex-primary-reset-at", "99999999999999999"],
    ["x-codex-primary-reset-at", "1e300"],
    ["x-codex-primary-reset-at", "Infinity"],
    ["x-codex-primary-reset-at", "not a date"],
    ["x-codex-primary-reset-after-seconds", "1e300"],
    ["x-codex-primary-reset-after-seconds", "-5"],
  ])(
    "ignores the absurd %s %s: the reset is unknown, the rest still counts, and it serialises",
    (name, value) => {
      const reported: string[] = [];
      const snapshot = parseQuotaHeaders(
        { "x-codex-primary-used-percent": "50", "x-codex-primary-window-minutes": "300", [name]: value },
        now,
        (header) => reported.push(header),
      );
      expect(snapshot?.primary).toEqual({ usedPercent: 50, windowMinutes: 300, resetsAt: null });
      expect(reported).toEqual([name]);
      expect(() => JSON.stringify(snapshot)).not.toThrow();
    },
  );

  it("clamps the used share, drops garbage numbers and overlong or unprintable text", () => {
    const reported: string[] = [];
    const snapshot = parseQuotaHeaders(
      {
        "x-codex-primary-used-percent": "1e300",
        "x-codex-primary-window-minutes": "1e300",
        "x-codex-secondary-used-percent": "-3",
        "x-codex-credits-has-credits": "maybe",
        "x-codex-credits-balance": "9".repeat(500),
        "x-codex-plan-type": "pro\u00e9",
      },
      now,
      (header) => reported.push(header),
    );
    expect(snapshot?.primary).toEqual({ usedPercent: 100, windowMinutes: null, resetsAt: null });
    expect(snapshot?.secondary).toBeNull();
    expect(snapshot?.credits).toBeNull();
    expect(snapshot?.planType).toBeNull();
    expect(reported.sort()).toEqual([
      "x-codex-credits-balance",
      "x-codex-credits-has-credits",
      "x-codex-plan-type",
      "x-codex-primary-window-minutes",
      "x-codex-secondary-used-percent",
    ]);
  });
});
