// Medians over repetitions and the Markdown table the benchmark prints.

function median(values) {
  const list = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (list.length === 0) return null;
  const mid = list.length >> 1;
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

const METRICS = [
  ["rps", "req/s", (r) => r.rps, 1],
  ["latencyP50", "latency p50 (ms)", (r) => r.latencyMs.p50, 2],
  ["latencyP90", "latency p90 (ms)", (r) => r.latencyMs.p90, 2],
  ["latencyP99", "latency p99 (ms)", (r) => r.latencyMs.p99, 2],
  ["ttfcP50", "first chunk p50 (ms)", (r) => r.ttfcMs?.p50 ?? null, 2],
  ["ttfcP99", "first chunk p99 (ms)", (r) => r.ttfcMs?.p99 ?? null, 2],
  ["chunksPerS", "chunks/s", (r) => r.chunksPerS, 0],
  ["cpuMsPerReq", "CPU ms/req", (r) => r.proc?.cpuMsPerReq ?? null, 2],
  ["peakRssMiB", "peak RSS (MiB)", (r) => r.proc?.peakRssMiB ?? null, 1],
];

/** Medians per scenario and target, with the server's ratios to the direct baseline. */
export function summarize(rows, scenarios, targetNames) {
  return scenarios.map((scenario) => {
    const byTarget = {};
    for (const name of targetNames) {
      const mine = rows.filter((r) => r.scenario === scenario.id && r.target === name);
      const values = {};
      for (const [key, , pick] of METRICS) values[key] = median(mine.map(pick));
      values.errors = mine.reduce((a, r) => a + r.errors, 0);
      values.completed = mine.reduce((a, r) => a + r.completed, 0);
      values.requests = mine.reduce((a, r) => a + r.requests, 0);
      values.upstreamCalls = mine.every((r) => r.upstreamCalls !== null)
        ? mine.reduce((a, r) => a + r.upstreamCalls, 0)
        : null;
      byTarget[name] = values;
    }
    const [base, server] = targetNames.map((n) => byTarget[n]);
    const ratios = {};
    for (const [key] of METRICS) {
      ratios[key] = base?.[key] && server?.[key] ? Number((server[key] / base[key]).toFixed(3)) : null;
    }
    return { scenario: scenario.id, label: scenario.label, targets: byTarget, ratios };
  });
}

const fmt = (v, digits) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));

/** The summary as one Markdown table: a row per target and a ratio row per scenario. */
export function formatTable(summary, targetNames) {
  const head = `| scenario | target | ${METRICS.map(([, label]) => label).join(" | ")} | errors / completed | upstream calls / requests |`;
  const sep = `|---|---|${METRICS.map(() => "---:|").join("")}---:|---:|`;
  const lines = [head, sep];
  for (const s of summary) {
    for (const name of targetNames) {
      const t = s.targets[name];
      lines.push(
        `| ${s.label} | ${name} | ${METRICS.map(([key, , , d]) => fmt(t[key], d)).join(" | ")} | ${t.errors} / ${t.completed} | ${t.upstreamCalls ?? "–"} / ${t.requests} |`,
      );
    }
    const ratio = (key) => (s.ratios[key] === null ? "–" : `${s.ratios[key].toFixed(2)}×`);
    lines.push(
      `| ${s.label} | **${targetNames[1]} / ${targetNames[0]}** | ${METRICS.map(([key]) => ratio(key)).join(" | ")} | | |`,
    );
  }
  return lines.join("\n");
}
