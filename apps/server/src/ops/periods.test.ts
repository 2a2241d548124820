import { describe, expect, it } from "vitest";
import { periodAt, periodLabel } from "./periods.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("budget periods (UTC)", () => {
  it("cuts calendar days, ISO weeks (from Monday) and months in UTC", () => {
    const now = at("2026-12-05T23:59:59.999Z"); // a Saturday
    const day = periodAt("day", now);
    expect([iso(day.start), iso(day.end)]).toEqual(["2026-12-05T00:00:00.000Z", "2026-12-06T00:00:00.000Z"]);
    const week = periodAt("week", now);
    expect([iso(week.start), iso(week.end)]).toEqual([
      "2026-11-30T00:00:00.000Z",
      "2026-12-07T00:00:00.000Z",
    ]);
    const month = periodAt("month", now);
    expect([iso(month.start), iso(month.end)]).toEqual([
      "2026-12-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
    ]);
    expect(periodLabel(day)).toBe("day:2026-12-05");
    expect(periodLabel(week)).toBe("week:2026-11-30");
    expect(periodLabel(month)).toBe("month:2026-12");
  });

  it("starts a week on Monday, also from a Sunday and on a Monday itself", () => {
    expect(iso(periodAt("week", at("2026-12-06T12:00:00Z")).start)).toBe("2026-11-30T00:00:00.000Z");
    expect(iso(periodAt("week", at("2026-12-07T00:00:00Z")).start)).toBe("2026-12-07T00:00:00.000Z");
  });

  it("turns at midnight UTC, not a millisecond earlier", () => {
    expect(periodLabel(periodAt("day", at("2026-12-05T23:59:59.999Z")))).toBe("day:2026-12-05");
    expect(periodLabel(periodAt("day", at("2026-12-06T00:00:00.000Z")))).toBe("day:2026-12-06");
    expect(periodLabel(periodAt("month", at("2027-02-28T23:00:00Z")))).toBe("month:2027-02");
  });
});
