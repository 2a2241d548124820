#!/usr/bin/env node
// Sums the self time of a V8 .cpuprofile (node --cpu-prof) per function and per file.
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 30]
//   node bench/profile-summary.mjs A.cpuprofile B.cpuprofile --compare NA,NB   # µs/request, B − A
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** Self time per function and per file of a `.cpuprofile`, in ms, largest first. */
export function summarizeProfile(profile, top = 30) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const perFunction = new Map();
  const perFile = new Map();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const file = shortUrl(frame.url) || `(${frame.functionName || "native"})`;
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    perFunction.set(name, (perFunction.get(name) ?? 0) + us);
    perFile.set(file, (perFile.get(file) ?? 0) + us);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: us / Math.max(1, totalUs - idleUs) }));
  return {
    busyMs: Math.round((totalUs - idleUs) / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: rank(perFunction),
    files: rank(perFile),
  };
}

function shortUrl(url) {
  if (!url) return "";
  const path = url.replace(/^file:\/\//, "");
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/(.*)$/.exec(path);
  if (pnpm) return pnpm[1];
  const repo = /\/(apps|packages)\/(.*)$/.exec(path);
  return repo ? `${repo[1]}/${repo[2]}` : path;
}

/** Self time of functions whose name contains `needle`, split by the chain of callers above them. */
export function callersOf(profile, needle, depth = 6, top = 15) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
  }
  const chains = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame?.functionName.includes(needle)) continue;
    const names = [];
    for (let p = parent.get(id); p !== undefined && names.length < depth; p = parent.get(p)) {
      const f = byId.get(p)?.callFrame;
      if (f)
        names.push(
          `${f.functionName || "(anonymous)"}@${shortUrl(f.url).split("/").pop()}:${f.lineNumber + 1}`,
        );
    }
    const key = names.join(" < ");
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  return [...chains]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([chain, us]) => ({ chain, ms: Math.round(us / 1000) }));
}

/** Inclusive (self + callees) time per function whose file matches `filter`, in ms, largest first. */
export function inclusiveTimes(profile, filter = /./, top = 30) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const keyOf = (frame) =>
    `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  const totals = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !filter.test(shortUrl(frame.url))) continue;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + (deltas[i] ?? 0));
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000) }));
}

/** Self time per function (as {@link summarizeProfile} names them) of a `.cpuprofile`, in µs; idle left out. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const deltas = profile.timeDeltas ?? [];
  const times = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (!frame || frame.functionName === "(idle)") continue;
    const file = shortUrl(frame.url) || `(${frame.functionName || "native"})`;
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    times.set(name, (times.get(name) ?? 0) + (deltas[i] ?? 0));
  }
  return times;
}

/**
 * Where profile `b` spends more self time per request than profile `a`: each function's self time
 * divided by the requests its server answered (`aRequests`, `bRequests`), in µs per request, sorted by
 * the difference (b − a), largest first; `total` is the busy time per request of each.
 */
export function compareProfiles(a, aRequests, b, bRequests, top = 25) {
  const ta = selfTimes(a);
  const tb = selfTimes(b);
  const rows = [];
  for (const name of new Set([...ta.keys(), ...tb.keys()])) {
    const ua = (ta.get(name) ?? 0) / aRequests;
    const ub = (tb.get(name) ?? 0) / bRequests;
    rows.push({ name, aUs: ua, bUs: ub, diffUs: ub - ua });
  }
  const sum = (map, n) => [...map.values()].reduce((x, y) => x + y, 0) / n;
  rows.sort((x, y) => y.diffUs - x.diffUs);
  return { total: { aUs: sum(ta, aRequests), bUs: sum(tb, bRequests) }, functions: rows.slice(0, top) };
}

/** {@link compareProfiles} as a Markdown table. */
export function formatProfileComparison(comparison, aName, bName) {
  const us = (v) => v.toFixed(1);
  return [
    `Busy time per request (whole run, warm-up included): ${aName} ${us(comparison.total.aUs)} µs, ${bName} ${us(comparison.total.bUs)} µs.`,
    "",
    `| function (self time) | ${aName} µs/req | ${bName} µs/req | difference µs/req |`,
    "|---|---:|---:|---:|",
    ...comparison.functions.map((r) => `| ${r.name} | ${us(r.aUs)} | ${us(r.bUs)} | ${us(r.diffUs)} |`),
  ].join("\n");
}

/** Formats a summary as two Markdown tables. */
export function formatProfileSummary(summary) {
  const rows = (list) =>
    list.map((r) => `| ${r.name} | ${r.ms} | ${(r.share * 100).toFixed(1)}% |`).join("\n");
  return [
    `Busy ${summary.busyMs} ms, idle ${summary.idleMs} ms.`,
    "",
    "| function (self time) | ms | share of busy |",
    "|---|---:|---:|",
    rows(summary.functions),
    "",
    "| file (self time) | ms | share of busy |",
    "|---|---:|---:|",
    rows(summary.files),
  ].join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: "string", default: "30" },
      callers: { type: "string" },
      depth: { type: "string", default: "6" },
      inclusive: { type: "string" },
      compare: { type: "string" },
    },
  });
  if (positionals.length === 0) {
    console.error(
      "usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N] [--callers NAME [--depth N]]\n" +
        "       node bench/profile-summary.mjs A.cpuprofile B.cpuprofile --compare REQUESTS_A,REQUESTS_B [--top N]",
    );
    process.exit(2);
  }
  if (values.compare !== undefined) {
    const [na, nb] = values.compare.split(",").map(Number);
    if (positionals.length !== 2 || !(na > 0 && nb > 0)) {
      console.error("--compare takes two profiles and the requests each server answered: --compare NA,NB");
      process.exit(2);
    }
    const [a, b] = positionals.map((file) => JSON.parse(readFileSync(file, "utf8")));
    console.log(formatProfileComparison(compareProfiles(a, na, b, nb, Number(values.top)), "A", "B"));
    process.exit(0);
  }
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, "utf8"));
    console.log(`## ${file}\n`);
    if (values.inclusive !== undefined) {
      for (const row of inclusiveTimes(profile, new RegExp(values.inclusive), Number(values.top))) {
        console.log(`${String(row.ms).padStart(6)} ms  ${row.name}`);
      }
    } else if (values.callers) {
      for (const row of callersOf(profile, values.callers, Number(values.depth), Number(values.top))) {
        console.log(`${String(row.ms).padStart(6)} ms  ${row.chain}`);
      }
    } else console.log(formatProfileSummary(summarizeProfile(profile, Number(values.top))));
  }
}
