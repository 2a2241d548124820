// Medians over repetitions and the Markdown tables the benchmark prints.

function median(values) {
  const list = values.filter((v) => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (list.length === 0) return null;
  const mid = list.length >> 1;
  return list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
}

// [key, label, pick, digits, shown only when some target has it]
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
  ["storeCpuMsPerReq", "redis-server CPU ms/req", (r) => r.store?.cpuMsPerReq ?? null, 3, true],
  ["storeCmdsPerReq", "Redis commands/req", (r) => r.store?.commandsPerReq ?? null, 2, true],
];

const ratio = (num, den) => (num && den ? Number((num / den).toFixed(3)) : null);

/**
 * Medians per scenario and target, and ratios between targets: `pairs` is a list of
 * `[numerator, denominator]` target names (default: the second target over the first). `ratios` is
 * the first pair's, as before; `pairs` has them all.
 */
export function summarize(rows, scenarios, targetNames, pairs = [[targetNames[1], targetNames[0]]]) {
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
    const pairRatios = pairs
      .filter(([of, to]) => byTarget[of] && byTarget[to])
      .map(([of, to]) => {
        const ratios = {};
        for (const [key] of METRICS) ratios[key] = ratio(byTarget[of][key], byTarget[to][key]);
        return { of, to, ratios };
      });
    return {
      scenario: scenario.id,
      label: scenario.label,
      targets: byTarget,
      ratios: pairRatios[0]?.ratios ?? {},
      pairs: pairRatios,
    };
  });
}

const fmt = (v, digits) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
const times = (v) => (v === null || v === undefined ? "–" : `${v.toFixed(2)}×`);

/** The summary as one Markdown table: a row per target and a ratio row per pair and scenario. */
export function formatTable(summary, targetNames) {
  const metrics = METRICS.filter(
    ([key, , , , optional]) =>
      !optional || summary.some((s) => targetNames.some((n) => s.targets[n]?.[key] != null)),
  );
  const head = `| scenario | target | ${metrics.map(([, label]) => label).join(" | ")} | errors / completed | upstream calls / requests |`;
  const sep = `|---|---|${metrics.map(() => "---:|").join("")}---:|---:|`;
  const lines = [head, sep];
  for (const s of summary) {
    for (const name of targetNames) {
      const t = s.targets[name];
      lines.push(
        `| ${s.label} | ${name} | ${metrics.map(([key, , , d]) => fmt(t[key], d)).join(" | ")} | ${t.errors} / ${t.completed} | ${t.upstreamCalls ?? "–"} / ${t.requests} |`,
      );
    }
    for (const pair of s.pairs) {
      lines.push(
        `| ${s.label} | **${pair.of} / ${pair.to}** | ${metrics.map(([key]) => times(pair.ratios[key])).join(" | ")} | | |`,
      );
    }
  }
  return lines.join("\n");
}

/**
 * The shared-state comparison: for each scenario the request rate and the server's CPU per request
 * with the embedded store (`embedded`) and with CMP_STORE_URL (`redis`), their ratio (of the medians,
 * and per repetition: both targets run back to back in each repetition), redis-server's own CPU per
 * request, the two processes together over the embedded server, and Redis commands per request.
 */
export function storeComparison(summary, rows, embedded, redis) {
  return summary.map((s) => {
    const e = s.targets[embedded];
    const r = s.targets[redis];
    const reps = [...new Set(rows.filter((row) => row.scenario === s.scenario).map((row) => row.rep))];
    const perRep = reps.map((rep) => {
      const pick = (name) =>
        rows.find((row) => row.scenario === s.scenario && row.rep === rep && row.target === name);
      const a = pick(embedded);
      const b = pick(redis);
      return {
        rps: ratio(b?.rps, a?.rps),
        cpuMsPerReq: ratio(b?.proc?.cpuMsPerReq, a?.proc?.cpuMsPerReq),
      };
    });
    const total =
      r.cpuMsPerReq !== null && r.storeCpuMsPerReq !== null ? r.cpuMsPerReq + r.storeCpuMsPerReq : null;
    return {
      scenario: s.scenario,
      label: s.label,
      rps: { embedded: e.rps, redis: r.rps, ratio: ratio(r.rps, e.rps) },
      cpuMsPerReq: {
        embedded: e.cpuMsPerReq,
        redis: r.cpuMsPerReq,
        ratio: ratio(r.cpuMsPerReq, e.cpuMsPerReq),
      },
      perRep,
      redisServerCpuMsPerReq: r.storeCpuMsPerReq,
      withRedisServerRatio: ratio(total, e.cpuMsPerReq),
      redisCommandsPerReq: r.storeCmdsPerReq,
      // Other work on the machine during these measurements (cores): the noise they were taken in.
      otherLoadCores: (() => {
        const loads = rows
          .filter((row) => row.scenario === s.scenario && (row.target === embedded || row.target === redis))
          .map((row) => row.machine?.otherCores)
          .filter((v) => typeof v === "number");
        return loads.length ? { median: median(loads), max: Math.max(...loads) } : null;
      })(),
    };
  });
}

/** {@link storeComparison} as a Markdown table. */
export function formatStoreTable(comparison) {
  const lines = [
    "| scenario | req/s embedded | req/s redis | redis / embedded | CPU ms/req embedded | CPU ms/req redis | redis / embedded | CPU ratio per rep | redis-server CPU ms/req | (server + redis-server) / embedded | Redis commands/req | other load, cores (median, max) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const c of comparison) {
    lines.push(
      `| ${c.label} | ${fmt(c.rps.embedded, 1)} | ${fmt(c.rps.redis, 1)} | ${times(c.rps.ratio)} | ${fmt(c.cpuMsPerReq.embedded, 3)} | ${fmt(c.cpuMsPerReq.redis, 3)} | **${times(c.cpuMsPerReq.ratio)}** | ${c.perRep.map((p) => fmt(p.cpuMsPerReq, 2)).join(" ")} | ${fmt(c.redisServerCpuMsPerReq, 3)} | ${times(c.withRedisServerRatio)} | ${fmt(c.redisCommandsPerReq, 2)} | ${c.otherLoadCores ? `${fmt(c.otherLoadCores.median, 2)}, ${fmt(c.otherLoadCores.max, 2)}` : "–"} |`,
    );
  }
  return lines.join("\n");
}
