import { describe, expect, it } from "vitest";
import { computeBackoffMs } from "./backoff.js";

describe("computeBackoffMs", () => {
  it("doubles from baseMs with jitter between half and all of the ceiling, capped at maxMs", () => {
    expect(computeBackoffMs(1, { random: () => 0 })).toBe(100);
    expect(computeBackoffMs(1, { random: () => 0.999999 })).toBe(200);
    expect(computeBackoffMs(3, { baseMs: 100, random: () => 0 })).toBe(200);
    expect(computeBackoffMs(50, { maxMs: 1_000, random: () => 1 })).toBe(1_000);
  });

  it("stays finite for absurd attempts", () => {
    for (const attempt of [0, -5, 1e9, Number.NaN]) {
      const ms = computeBackoffMs(attempt, { random: () => 0.5 });
      expect(Number.isFinite(ms) || Number.isNaN(attempt)).toBe(true);
    }
  });
});
