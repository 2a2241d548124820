import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMetrics } from "../testing/prometheus-text.js";
import { createMetrics } from "./cmp-metrics.js";

const docs = new URL("../../../../docs/", import.meta.url);

/** The `cmp_*` families a query or a page names (`_bucket`, `_sum`, `_count` read as their histogram). */
const namedFamilies = (text: string) =>
  new Set([...text.matchAll(/\bcmp_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|sum|count)$/, "")));

describe("the metrics docs and the Grafana dashboard", () => {
  it("name only metrics the server exports, and the dashboard is importable", async () => {
    const exported = parseMetrics(await createMetrics({ processMetrics: false }).render()).types;
    const dashboard = JSON.parse(readFileSync(new URL("grafana-dashboard.json", docs), "utf8"));
    expect(dashboard).toMatchObject({ title: "ChatGPT Max Proxy", uid: "cmp-overview" });
    expect(dashboard.templating.list[0]).toMatchObject({
      name: "datasource",
      type: "datasource",
      query: "prometheus",
    });
    const exprs: string[] = [];
    for (const panel of dashboard.panels) {
      if (panel.type === "row") continue;
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      for (const target of panel.targets) exprs.push(target.expr);
    }
    const fromDashboard = namedFamilies(exprs.join("\n"));
    const fromPage = namedFamilies(readFileSync(new URL("operations.md", docs), "utf8"));
    for (const name of [...fromDashboard, ...fromPage]) expect(exported.has(name), name).toBe(true);
    // Every metric is documented.
    for (const name of exported.keys()) expect(fromPage.has(name), name).toBe(true);
    expect(fromDashboard.size).toBeGreaterThanOrEqual(12);
  });
});
