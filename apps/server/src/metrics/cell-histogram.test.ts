import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CellHistogram } from "./cell-histogram.js";

const BUCKETS = [0.05, 0.1, 0.5, 1, 5];
const VALUES = [0, 0.05, 0.0500001, 0.2, 0.5, 0.7, 1, 4.9, 5, 7, 300, 0.01];

/** The same observations through prom-client's own Histogram and through cells, in two registries. */
async function bothTexts(): Promise<[string, string]> {
  const reference = new Registry();
  const cells = new Registry();
  const config = { name: "x_seconds", help: "X.", labelNames: ["api", "model"] as const, buckets: BUCKETS };
  const plain = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [reference] });
  const fast = new CellHistogram({ ...config, registers: [cells] });
  for (const [i, value] of VALUES.entries()) {
    const labels = { api: i % 2 === 0 ? "chat" : "responses", model: 'gpt "5"\\n' };
    plain.observe(labels, value);
    fast.cell(labels).observe(value);
  }
  return [await reference.metrics(), await cells.metrics()];
}

describe("CellHistogram", () => {
  it("exports exactly what prom-client's Histogram exports for the same observations", async () => {
    const [reference, cells] = await bothTexts();
    expect(cells).toBe(reference);
    expect(cells).toContain('x_seconds_bucket{le="+Inf",api="chat",model="gpt \\"5\\"\\\\n"} 6');
  });

  it("binds a label combination once, and reads the same cell again", () => {
    const histogram = new CellHistogram({
      name: "y_seconds",
      help: "Y.",
      labelNames: ["api"] as const,
      buckets: BUCKETS,
      registers: [new Registry()],
    });
    const cell = histogram.cell({ api: "chat" });
    expect(histogram.cell({ api: "chat" })).toBe(cell);
    expect(histogram.cell({ api: "responses" })).not.toBe(cell);
    cell.observe(Number.NaN);
    cell.observe(Number.POSITIVE_INFINITY);
    expect(cell.count).toBe(0);
  });

  it("is reset with its registry", async () => {
    const registry = new Registry();
    const histogram = new CellHistogram({
      name: "z_seconds",
      help: "Z.",
      labelNames: ["api"] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
    histogram.cell({ api: "chat" }).observe(0.2);
    expect(await registry.metrics()).toContain('z_seconds_count{api="chat"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain("z_seconds_count");
    const json = await registry.getMetricsAsJSON();
    expect(json.find((metric) => metric.name === "z_seconds")?.values).toEqual([]);
  });
});
