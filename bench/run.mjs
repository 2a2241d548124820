#!/usr/bin/env node
// `pnpm bench`: benchmarks the built server against the test kit's fake Codex upstream,
// beside a direct-to-upstream baseline in the same run, prints a Markdown table and
// writes bench/results.json. Loopback only; every run is bounded in time.
//
//   node bench/run.mjs [--quick] [--duration S] [--reps N] [--scenarios a,b] [--model M]
//                      [--profile] [--out FILE] [--server-entry PATH] [--node-arg ARG]...
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { runLoad } from "./lib/load.mjs";
import { rssKiB, watchProcess } from "./lib/proc.mjs";
import { formatTable, summarize } from "./lib/report.mjs";
import { startServer } from "./lib/server-process.mjs";
import { formatProfileSummary, summarizeProfile } from "./profile-summary.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

export const SCENARIOS = [
  { id: "ns_c1", label: "non-stream, c=1", stream: false, deltas: 1, concurrency: 1 },
  { id: "ns_c32", label: "non-stream, c=32", stream: false, deltas: 1, concurrency: 32 },
  { id: "s200_c1", label: "stream 200 deltas, c=1", stream: true, deltas: 200, concurrency: 1 },
  { id: "s200_c32", label: "stream 200 deltas, c=32", stream: true, deltas: 200, concurrency: 32 },
  {
    id: "s200d10_c32",
    label: "stream 200 deltas every 10 ms, c=32",
    stream: true,
    deltas: 200,
    delayMs: 10,
    concurrency: 32,
  },
  {
    id: "slow_c4",
    label: "stream 20000 deltas to clients reading 1 MB/s, c=4",
    stream: true,
    deltas: 20000,
    concurrency: 4,
    readBytesPerS: 1_000_000,
    optional: true,
  },
];

const USAGE = `usage: node bench/run.mjs [options]
  --quick              1 rep of 2 s per measurement
  --duration S         seconds per measurement (default 5, at most 60)
  --reps N             repetitions; medians are reported (default 1, at most 10)
  --scenarios a,b      subset of: ${SCENARIOS.map((s) => s.id).join(", ")}
                       (default: all but slow_c4, the backpressure check)
  --model M            model name sent by the load (default gpt-5.4)
  --profile            run the server with --cpu-prof and print its self-time summary
  --quiet-wait S       before each measurement wait up to S s for an idle machine (default 20; 0: never)
  --keep-log           keep the server's log (printed path) even when the run succeeds
  --verify-tokens      let the fake backend verify every bearer token (costs it CPU)
  --out FILE           results file (default bench/results.json)
  --server-entry PATH  built server CLI (default apps/server/dist/cli.js)
  --node-arg ARG       extra node option for the server (repeatable)`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" },
      reps: { type: "string" },
      scenarios: { type: "string" },
      model: { type: "string", default: "gpt-5.4" },
      profile: { type: "boolean", default: false },
      "quiet-wait": { type: "string", default: "20" },
      "verify-tokens": { type: "boolean", default: false },
      "keep-log": { type: "boolean", default: false },
      out: { type: "string", default: join(HERE, "results.json") },
      "server-entry": { type: "string", default: join(ROOT, "apps/server/dist/cli.js") },
      "node-arg": { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const durationS = Number(values.duration ?? (values.quick ? 2 : 5));
  const reps = Number(values.reps ?? 1);
  if (!(durationS > 0 && durationS <= 60)) throw new Error("--duration must be in (0, 60] seconds");
  if (!(Number.isInteger(reps) && reps >= 1 && reps <= 10)) throw new Error("--reps must be 1..10");
  const ids = values.scenarios?.split(",").map((s) => s.trim());
  const scenarios = ids ? SCENARIOS.filter((s) => ids.includes(s.id)) : SCENARIOS.filter((s) => !s.optional);
  if (scenarios.length === 0)
    throw new Error(`no scenario matches; ids: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  const quietWaitS = Number(values["quiet-wait"]);
  if (!(quietWaitS >= 0 && quietWaitS <= 600)) throw new Error("--quiet-wait must be 0..600 seconds");
  return { ...values, durationS, reps, scenarios, quietWaitS };
}

function startUpstream({ verifyTokens }) {
  const testkitUrl = pathToFileURL(join(ROOT, "packages/testkit/dist/index.js")).href;
  const worker = new Worker(new URL("./lib/upstream-worker.mjs", import.meta.url), {
    workerData: { testkitUrl, verifyTokens },
  });
  const waitFor = (type) =>
    new Promise((resolvePromise, reject) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        worker.off("message", onMessage);
        worker.off("error", reject);
        resolvePromise(message);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
  return waitFor("ready").then((ready) => ({
    ...ready,
    async calls() {
      const reply = waitFor("stats");
      worker.postMessage({ type: "stats" });
      return (await reply).calls;
    },
    async close() {
      const closed = waitFor("closed");
      worker.postMessage({ type: "close" });
      await Promise.race([closed, sleep(3000)]);
      await worker.terminate();
    },
  }));
}

function accountIdOf(jwt) {
  const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  return payload["https://api.openai.com/auth"]?.chatgpt_account_id ?? "";
}

function writeAuthJson(home, tokens) {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = {
    OPENAI_API_KEY: null,
    tokens: { ...tokens, account_id: accountIdOf(tokens.id_token) || accountIdOf(tokens.access_token) },
    last_refresh: new Date().toISOString(),
  };
  writeFileSync(join(home, "auth.json"), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}

// CPU time all cores spent busy since boot, in ms (/proc/stat).
function machineBusyMs() {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return ((fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] || 0)) * 1000) / 100;
  } catch {
    return null;
  }
}

/** Waits up to `maxS` seconds until under 20% of one core is busy; returns the last busy share if it never was. */
async function waitForQuiet(maxS) {
  if (maxS <= 0 || machineBusyMs() === null) return null;
  const until = Date.now() + maxS * 1000;
  let share = 0;
  do {
    const before = machineBusyMs();
    await sleep(1000);
    share = (machineBusyMs() - before) / 1000;
    if (share < 0.2) return null;
  } while (Date.now() < until);
  return share;
}

async function measure({ target, scenario, durationS, model, upstream, pid, idPrefix }) {
  const calls0 = await upstream.calls();
  const watch = pid ? watchProcess(pid) : null;
  const result = await runLoad({ target, scenario, durationS, model, idPrefix });
  const proc = watch?.stop() ?? null;
  const calls1 = await upstream.calls();
  return {
    ...result,
    upstreamCalls: calls1 - calls0,
    proc: proc && {
      cpuMs: proc.cpuMs,
      cpuMsPerReq:
        proc.cpuMs !== null && result.completed ? Number((proc.cpuMs / result.completed).toFixed(3)) : null,
      peakRssMiB: Number((proc.peakRssKiB / 1024).toFixed(1)),
      peakSource: proc.peakSource,
    },
  };
}

async function main() {
  const options = parseOptions();
  const started = new Date();
  const workDir = mkdtempSync(join(tmpdir(), "cmp-bench-"));
  const logFile = join(workDir, "server.log");
  const profileDir = join(workDir, "profile");
  let upstream;
  let server;
  let keepLog = true;
  try {
    upstream = await startUpstream({ verifyTokens: options["verify-tokens"] });
    const home = join(workDir, "home");
    writeAuthJson(home, upstream.tokens);
    server = await startServer({
      entry: options["server-entry"],
      logFile,
      nodeArgs: [
        ...(options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
        ...options["node-arg"],
      ],
      env: {
        CMP_UPSTREAM_URL: upstream.codexBaseUrl,
        CMP_AUTH_ISSUER: upstream.issuer,
        CMP_HOME: home,
        CMP_HOST: "127.0.0.1",
        CMP_PORT: "0",
      },
    });
    const targets = [
      {
        name: "direct to upstream",
        api: "responses",
        url: `${upstream.codexBaseUrl}/responses`,
        headers: {
          authorization: `Bearer ${upstream.tokens.access_token}`,
          "chatgpt-account-id": accountIdOf(upstream.tokens.access_token),
        },
      },
      {
        name: "cmp server",
        api: "chat",
        url: `${server.url}/v1/chat/completions`,
        headers: {},
        pid: server.pid,
      },
    ];
    const names = targets.map((t) => t.name);
    const perRun = options.scenarios.length * targets.length * options.durationS;
    console.error(
      `[bench] server pid ${server.pid} at ${server.url}; ${options.scenarios.length} scenario(s) × ${targets.length} targets × ${options.reps} rep(s) of ${options.durationS} s ≈ ${Math.ceil((perRun * options.reps) / 60 + 0.2)} min`,
    );

    for (const target of targets) {
      for (const warm of [
        { stream: false, deltas: 1, concurrency: 4 },
        { stream: true, deltas: 200, concurrency: 4 },
      ]) {
        const r = await runLoad({
          target,
          scenario: warm,
          durationS: 1,
          model: options.model,
          idPrefix: "warm",
        });
        if (r.errors)
          console.error(`[bench] warm-up errors on ${target.name}: ${r.errorSamples.join(" | ")}`);
      }
    }
    const rssAfterWarmupMiB = Number(((rssKiB(server.pid) ?? 0) / 1024).toFixed(1));

    const rows = [];
    let run = 0;
    for (let rep = 0; rep < options.reps; rep++) {
      for (const scenario of options.scenarios) {
        for (let k = 0; k < targets.length; k++) {
          const target = targets[(k + rep) % targets.length];
          const busy = await waitForQuiet(options.quietWaitS);
          if (busy !== null)
            console.error(
              `[bench] the machine is still busy (${Math.round(busy * 100)}% of a core); measuring anyway`,
            );
          const row = await measure({
            target,
            scenario,
            durationS: options.durationS,
            model: options.model,
            upstream,
            pid: target.pid,
            idPrefix: `r${run++}x`,
          });
          rows.push({ rep, scenario: scenario.id, target: target.name, ...row });
          console.error(
            `[bench] rep ${rep + 1} ${scenario.id.padEnd(12)} ${target.name.padEnd(18)} ${String(row.rps).padStart(8)} req/s  p50 ${row.latencyMs.p50} ms  p99 ${row.latencyMs.p99} ms  err ${row.errors}` +
              (row.proc ? `  cpu ${row.proc.cpuMsPerReq} ms/req  rss ${row.proc.peakRssMiB} MiB` : ""),
          );
          if (row.errors) console.error(`[bench]   ${row.errorSamples.join(" | ")}`);
          if (server.exited()) throw new Error(`the server exited during the run; see ${logFile}`);
        }
      }
    }
    const rssAtEndMiB = Number(((rssKiB(server.pid) ?? 0) / 1024).toFixed(1));
    await server.stop();

    const summary = summarize(rows, options.scenarios, names);
    const table = formatTable(summary, names);
    const results = {
      started: started.toISOString(),
      node: process.version,
      durationS: options.durationS,
      reps: options.reps,
      model: options.model,
      targets: names,
      memory: { rssAfterWarmupMiB, rssAtEndMiB },
      summary,
      rows,
    };
    console.log(
      `Medians of ${options.reps} rep(s) of ${options.durationS} s; ratios are cmp server / direct to upstream. ` +
        `Server RSS after warm-up ${rssAfterWarmupMiB} MiB, at the end ${rssAtEndMiB} MiB.\n`,
    );
    console.log(table);
    if (options.profile) {
      const files = readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"));
      for (const file of files) {
        const text = readFileSync(join(profileDir, file), "utf8");
        const kept = join(
          HERE,
          "results",
          `server-${started.toISOString().replace(/[:.]/g, "-")}.cpuprofile`,
        );
        mkdirSync(dirname(kept), { recursive: true });
        writeFileSync(kept, text);
        console.error(`[bench] server CPU profile kept in ${kept}`);
        const profile = JSON.parse(text);
        const profileSummary = summarizeProfile(profile, 25);
        results.profile = profileSummary;
        console.log(`\nServer CPU profile (self time):\n\n${formatProfileSummary(profileSummary)}`);
      }
    }
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
    console.error(`[bench] results written to ${options.out}`);
    const failed = summary.some((s) =>
      Object.values(s.targets).some(
        (t) => t.errors > 0 || (t.upstreamCalls !== null && t.upstreamCalls !== t.requests),
      ),
    );
    if (failed) {
      console.error("[bench] some replies were wrong or failed, or upstream calls did not match requests");
      process.exitCode = 1;
    } else keepLog = options["keep-log"];
  } finally {
    await server?.stop();
    await upstream?.close();
    if (keepLog) console.error(`[bench] server log kept in ${logFile}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[bench] ${error.message}`);
  process.exitCode = 1;
});
