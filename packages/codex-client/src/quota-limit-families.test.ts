import { describe, expect, it } from "vitest";
import { findActiveQuotaLimit, parseLowerCaseQuotaHeaders, parseQuotaHeaders } from "./quota-headers.js";

const now = Date.parse("2026-12-04T18:00:00Z");
const at = (iso: string) => String(Date.parse(iso) / 1000);

const headers = {
  "x-codex-primary-used-percent": "100",
  "x-codex-primary-window-minutes": "300",
  "x-codex-primary-reset-at": at("2026-12-04T19:00:00Z"),
  "x-codex-secondary-used-percent": "40",
  "x-codex-secondary-window-minutes": "10080",
  "x-codex-bengalfox-primary-used-percent": "100",
  "x-codex-bengalfox-primary-window-minutes": "300",
  "x-codex-bengalfox-primary-reset-at": at("2026-12-04T19:00:00Z"),
  "x-codex-bengalfox-secondary-used-percent": "12.5",
  "x-codex-bengalfox-secondary-reset-after-seconds": "86400",
  "x-codex-bengalfox-limit-name": "GPT-5.3-Codex-Spark",
  "x-premium-primary-used-percent": "3",
  "x-premium-primary-window-minutes": "43200",
  "x-codex-active-limit": "codex_bengalfox",
  "x-codex-rate-limit-reached-type": "primary",
  "x-codex-plan-type": "pro",
  "content-type": "text/event-stream",
};

describe("quota limit families", () => {
  it("reads every x-<limit>-primary/secondary family by pattern, codex first", () => {
    const snapshot = parseQuotaHeaders(headers, now);
    expect(snapshot?.limits.map((l) => l.id)).toEqual(["codex", "codex_bengalfox", "premium"]);
    const spark = snapshot?.limits[1];
    expect(spark).toEqual({
      id: "codex_bengalfox",
      name: "GPT-5.3-Codex-Spark",
      primary: { usedPercent: 100, windowMinutes: 300, resetsAt: new Date("2026-12-04T19:00:00Z") },
      secondary: { usedPercent: 12.5, windowMinutes: null, resetsAt: new Date("2026-12-05T18:00:00Z") },
    });
    expect(snapshot?.limits[2]?.primary?.windowMinutes).toBe(43200);
    // The codex family stays where it always was.
    expect(snapshot?.primary?.usedPercent).toBe(100);
    expect(snapshot?.secondary?.usedPercent).toBe(40);
  });

  it("reads x-codex-active-limit and x-codex-rate-limit-reached-type and finds the active limit", () => {
    const snapshot = parseLowerCaseQuotaHeaders(headers, now);
    expect(snapshot?.activeLimit).toBe("codex_bengalfox");
    expect(snapshot?.rateLimitReachedType).toBe("primary");
    expect(snapshot && findActiveQuotaLimit(snapshot)?.name).toBe("GPT-5.3-Codex-Spark");
  });

  it("falls back to the codex family when the active limit names no family it sent", () => {
    const snapshot = parseQuotaHeaders({ ...headers, "x-codex-active-limit": "standard" }, now);
    expect(snapshot && findActiveQuotaLimit(snapshot)?.id).toBe("codex");
  });

  it("matches names case-insensitively in a Headers object", () => {
    const snapshot = parseQuotaHeaders(
      new Headers({ "X-Codex-Spark-Primary-Used-Percent": "7", "X-Codex-Active-Limit": "spark" }),
      now,
    );
    expect(snapshot?.limits).toEqual([
      {
        id: "codex_spark",
        name: null,
        primary: { usedPercent: 7, windowMinutes: null, resetsAt: null },
        secondary: null,
      },
    ]);
    expect(snapshot && findActiveQuotaLimit(snapshot)?.id).toBe("codex_spark");
  });

  it("ignores families beyond a sane number", () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 40; i++) many[`x-limit${i}-primary-used-percent`] = "1";
    expect(parseQuotaHeaders(many, now)?.limits).toHaveLength(16);
  });
});
