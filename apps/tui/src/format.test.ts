import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatRelative,
  formatResetTime,
  formatTokens,
  formatWindow,
  truncate,
} from "./format.js";

const now = Date.UTC(2026, 10, 27, 18, 0, 0);

describe("format", () => {
  it("formats durations for table cells", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(420)).toBe("420ms");
    expect(formatDuration(3200)).toBe("3.2s");
    expect(formatDuration(125_000)).toBe("2m05s");
  });

  it("formats countdowns both ways", () => {
    expect(formatRelative(new Date(now + 45_000), now)).toBe("in 45s");
    expect(formatRelative(new Date(now + 54 * 60_000 + 12_000), now)).toBe("in 54m 12s");
    expect(formatRelative(new Date(now + 3 * 86_400_000 + 6 * 3_600_000), now)).toBe("in 3d 6h");
    expect(formatRelative(new Date(now - 90_000), now)).toBe("1m 30s ago");
  });

  it("formats token counts compactly", () => {
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(123_456)).toBe("123k");
    expect(formatTokens(1_200_000)).toBe("1.20M");
  });

  it("formats reset times by distance", () => {
    expect(formatResetTime(new Date(Date.UTC(2026, 10, 27, 21, 0)), now)).toBe("21:00");
    expect(formatResetTime(new Date(Date.UTC(2026, 11, 1, 0, 0)), now)).toBe("Tue 00:00");
    expect(formatResetTime(new Date(Date.UTC(2027, 0, 15, 8, 30)), now)).toBe("2027-01-15 08:30");
  });

  it("names windows and truncates", () => {
    expect(formatWindow(300)).toBe("5h");
    expect(formatWindow(10_080)).toBe("weekly");
    expect(formatWindow(45)).toBe("45m");
    expect(truncate("gpt-5.1-codex-max", 8)).toBe("gpt-5.1…");
    expect(truncate("gpt", 8)).toBe("gpt");
  });
});
