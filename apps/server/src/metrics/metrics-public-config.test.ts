import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";

describe("CMP_METRICS_PUBLIC", () => {
  it("keeps /metrics protected by default and opens it with 1 or true", () => {
    expect(loadConfig({}).metricsPublic).toBe(false);
    expect(loadConfig({ CMP_METRICS_PUBLIC: "0" }).metricsPublic).toBe(false);
    expect(loadConfig({ CMP_METRICS_PUBLIC: "1" }).metricsPublic).toBe(true);
    expect(loadConfig({ CMP_METRICS_PUBLIC: "true" }).metricsPublic).toBe(true);
  });

  it("names the variable on a wrong value", () => {
    expect(() => loadConfig({ CMP_METRICS_PUBLIC: "yes" })).toThrow(/CMP_METRICS_PUBLIC/);
  });
});
