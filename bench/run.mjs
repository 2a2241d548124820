#!/usr/bin/env node
// `pnpm bench`: benchmarks the built server against the test kit's fake Codex upstream,
// beside a direct-to-upstream baseline in the same run, prints a Markdown table and
// writes bench/results.json. Loopback only; every run is bounded in time.
// With `--store embedded,redis` (the default when `redis-server` is on PATH) a second server runs
// with CMP_STORE_URL set to a private local `redis-server`, measured in the same repetitions.
// `--store …,pool` (in the default) adds an embedded server with a pool of three accounts (auth.json
// and accounts/b.json, accounts/c.json), so the pool's routing cost is a ratio over one account.
//
//   node bench/run.mjs [--quick] [--duration S] [--reps N] [--scenarios a,b] [--model M]
//                      [--store embedded,redis] [--profile] [--out FILE] [--server-entry PATH]
//                      [--baseline-entry PATH] [--node-arg ARG]...
// `--baseline-entry` adds another build of the server (a worktree of an earlier commit, or one with a
// feature taken out) as an embedded target in the same repetitions, with its ratio to this one.
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { runLoad } from "./lib/load.mjs";
import { rssKiB, watchProcess } from "./lib/proc.mjs";
import { callsBetween, commandCalls, dbSize, redisServerOnPath, startLocalRedis } from "./lib/redis.mjs";
import { formatStoreTable, formatTable, storeComparison, summarize } from "./lib/report.mjs";
import { startServer } from "./lib/server-process.mjs";
import {
  compareProfiles,
  formatProfileComparison,
  formatProfileSummary,
  summarizeProfile,
} from "./profile-summary.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");

export const SCENARIOS = [
  { id: "ns_c1", label: "non-stream, c=1", stream: false, deltas: 1, concurrency: 1 },
  { id: "ns_c32", label: "non-stream, c=32", stream: false, deltas: 1, concurrency: 32 },
  // The same load for every target (paced, not back to back): CPU per request without the feedback of a
  // closed loop, where a slower server also batches less per wake-up and so spends more per request.
  {
    id: "ns_r400",
    label: "non-stream, 400 req/s paced, c≤32",
    stream: false,
    deltas: 1,
    concurrency: 32,
    ratePerS: 400,
  },
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
  --store LIST         server targets by state store: embedded (CMP_HOME, in process), redis
                       (CMP_STORE_URL on a private local redis-server the run starts and stops),
                       pool (embedded, with three accounts: the pool's routing cost), or a list
                       (default embedded,redis,pool; without redis-server on PATH the redis target is
                       skipped with a warning, or fails the run when CI is set or redis was asked for)
  --profile            run the server with --cpu-prof and print its self-time summary
  --quiet-wait S       before each measurement wait up to S s for an idle machine (default 20; 0: never)
  --keep-log           keep the server's log (printed path) even when the run succeeds
  --verify-tokens      let the fake backend verify every bearer token (costs it CPU)
  --out FILE           results file (default bench/results.json)
  --server-entry PATH  built server CLI (default apps/server/dist/cli.js)
  --baseline-entry PATH
                       another build's CLI, run embedded beside the embedded target in the same
                       reps (before/after figures: cmp server / baseline)
  --node-arg ARG       extra node option for the server (repeatable)`;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" },
      reps: { type: "string" },
      scenarios: { type: "string" },
      model: { type: "string", default: "gpt-5.4" },
      store: { type: "string" },
      profile: { type: "boolean", default: false },
      "quiet-wait": { type: "string", default: "20" },
      "verify-tokens": { type: "boolean", default: false },
      "keep-log": { type: "boolean", default: false },
      out: { type: "string", default: join(HERE, "results.json") },
      "server-entry": { type: "string", default: join(ROOT, "apps/server/dist/cli.js") },
      "baseline-entry": { type: "string" },
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
  const stores = [...new Set((values.store ?? "embedded,redis,pool").split(",").map((s) => s.trim()))];
  if (stores.length === 0 || stores.some((s) => s !== "embedded" && s !== "redis" && s !== "pool"))
    throw new Error("--store takes a list of embedded, redis and pool");
  if (stores.includes("redis") && !redisServerOnPath()) {
    const install = "install it (apt-get install redis-server, brew install redis) or pass --store embedded";
    if (values.store !== undefined)
      throw new Error(`--store ${values.store} needs redis-server on PATH, and there is none: ${install}`);
    if (process.env.CI) throw new Error(`redis-server is not on PATH, but CI is set: ${install}`);
    console.error(
      `[bench] warning: redis-server is not on PATH: skipping the CMP_STORE_URL target; ${install}`,
    );
    stores.splice(stores.indexOf("redis"), 1);
    if (stores.length === 0) stores.push("embedded");
  }
  if (values["baseline-entry"] !== undefined && !stores.includes("embedded"))
    throw new Error("--baseline-entry is compared with the embedded target: keep embedded in --store");
  return { ...values, durationS, reps, scenarios, quietWaitS, stores };
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

function writeAuthJson(home, tokens, file = "auth.json") {
  mkdirSync(dirname(join(home, file)), { recursive: true, mode: 0o700 });
  const content = {
    OPENAI_API_KEY: null,
    tokens: { ...tokens, account_id: accountIdOf(tokens.id_token) || accountIdOf(tokens.access_token) },
    last_refresh: new Date().toISOString(),
  };
  writeFileSync(join(home, file), `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
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

/** CPU time all cores spent busy (without steal) and stolen by the hypervisor since boot, in ms (/proc/stat). */
function machineCpuMs() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { busy: ((f[0] + f[1] + f[2] + f[5] + f[6]) * 1000) / 100, steal: ((f[7] || 0) * 1000) / 100 };
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

async function measure({ target, scenario, durationS, model, upstream, idPrefix }) {
  const calls0 = await upstream.calls();
  const redisCalls0 = target.redis ? await commandCalls(target.redis.port) : null;
  const watch = target.pid ? watchProcess(target.pid) : null;
  const watchStore = target.redis ? watchProcess(target.redis.pid) : null;
  const machine0 = machineCpuMs();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runLoad({ target, scenario, durationS, model, idPrefix });
  const proc = watch?.stop() ?? null;
  const storeProc = watchStore?.stop() ?? null;
  const machine1 = machineCpuMs();
  const selfUs = process.cpuUsage(self0);
  const wallMs = performance.now() - t0;
  // The rest of the machine meanwhile: all busy CPU less this process (load driver and fake backend),
  // the server and its redis-server. Other work on the machine shows here (in cores), and so does steal.
  const machine =
    machine0 && machine1
      ? {
          otherCores: Number(
            (
              (machine1.busy -
                machine0.busy -
                (selfUs.user + selfUs.system) / 1000 -
                (proc?.cpuMs ?? 0) -
                (storeProc?.cpuMs ?? 0)) /
              wallMs
            ).toFixed(2),
          ),
          stealCores: Number(((machine1.steal - machine0.steal) / wallMs).toFixed(2)),
        }
      : null;
  const redisCalls = target.redis ? callsBetween(redisCalls0, await commandCalls(target.redis.port)) : null;
  const calls1 = await upstream.calls();
  const perReq = (v, digits = 3) =>
    v !== null && v !== undefined && result.completed ? Number((v / result.completed).toFixed(digits)) : null;
  return {
    ...result,
    upstreamCalls: calls1 - calls0,
    machine,
    proc: proc && {
      cpuMs: proc.cpuMs,
      cpuMsPerReq: perReq(proc.cpuMs),
      peakRssMiB: Number((proc.peakRssKiB / 1024).toFixed(1)),
      peakSource: proc.peakSource,
    },
    // The redis-server process of a CMP_STORE_URL target: its CPU and the commands it ran meanwhile.
    store: storeProc && {
      cpuMs: storeProc.cpuMs,
      cpuMsPerReq: perReq(storeProc.cpuMs, 4),
      peakRssMiB: Number((storeProc.peakRssKiB / 1024).toFixed(1)),
      commands: redisCalls?.total ?? null,
      commandsPerReq: perReq(redisCalls?.total, 2),
      commandsByName: redisCalls?.byCommand ?? null,
    },
  };
}

const EMBEDDED = "cmp server";
const REDIS = "cmp server (redis)";
const POOL = "cmp server (3 accounts)";
const MESSAGES = "cmp server /v1/messages";
const BASELINE = "baseline build";

async function main() {
  const options = parseOptions();
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const workDir = mkdtempSync(join(tmpdir(), "cmp-bench-"));
  let upstream;
  let redis;
  let redisInfo = null;
  /** The servers under test: `{ name, store, dir, logFile, profileDir, server }`. */
  const servers = [];
  let keepLog = true;
  try {
    upstream = await startUpstream({ verifyTokens: options["verify-tokens"] });
    const launch = async (name, store, env, serverEntry = options["server-entry"]) => {
      const dir = join(workDir, store);
      const entry = { name, store, dir, logFile: join(dir, "server.log"), profileDir: join(dir, "profile") };
      mkdirSync(dir, { recursive: true });
      entry.server = await startServer({
        entry: serverEntry,
        logFile: entry.logFile,
        nodeArgs: [
          ...(options.profile ? ["--cpu-prof", `--cpu-prof-dir=${entry.profileDir}`] : []),
          ...options["node-arg"],
        ],
        env: {
          CMP_UPSTREAM_URL: upstream.codexBaseUrl,
          CMP_AUTH_ISSUER: upstream.issuer,
          CMP_HOST: "127.0.0.1",
          CMP_PORT: "0",
          // Neither server takes a store or a login from the environment the benchmark was started in
          // (an empty value counts as unset).
          CMP_STORE_URL: "",
          CMP_STORE_SECRET: "",
          CMP_STORE_PREFIX: "",
          OPENAI_OAUTH_ACCESS_TOKEN: "",
          OPENAI_OAUTH_REFRESH_TOKEN: "",
          OPENAI_CHATGPT_ACCOUNT_ID: "",
          ...env,
        },
      });
      servers.push(entry);
      return entry;
    };
    if (options.stores.includes("embedded")) {
      // The embedded default: the login in CMP_HOME/auth.json, every cache in the process.
      const home = join(workDir, "embedded", "home");
      writeAuthJson(home, upstream.tokens);
      await launch(EMBEDDED, "embedded", { CMP_HOME: home });
    }
    if (options["baseline-entry"] !== undefined) {
      const home = join(workDir, "baseline", "home");
      writeAuthJson(home, upstream.tokens);
      await launch(BASELINE, "baseline", { CMP_HOME: home }, resolve(options["baseline-entry"]));
    }
    if (options.stores.includes("pool")) {
      // The same embedded server with a pool of three accounts: every request is routed (sticky, by
      // headroom; each load request is a new conversation, the pool's most expensive case). The fake
      // backend does not check which account a token is, so the three share one login.
      const home = join(workDir, "pool", "home");
      writeAuthJson(home, upstream.tokens);
      writeAuthJson(home, upstream.tokens, join("accounts", "b.json"));
      writeAuthJson(home, upstream.tokens, join("accounts", "c.json"));
      await launch(POOL, "pool", { CMP_HOME: home });
    }
    if (options.stores.includes("redis")) {
      // CMP_STORE_URL: a private redis-server, a fresh prefix and secret, an empty CMP_HOME. The login
      // reaches the store the way a deployment seeds it: OPENAI_OAUTH_* fill an empty store at start.
      redis = await startLocalRedis();
      const prefix = `cmp-bench-${started.getTime().toString(36)}-${randomBytes(4).toString("hex")}`;
      redisInfo = { url: redis.url, pid: redis.pid, prefix };
      const home = join(workDir, "redis", "home");
      mkdirSync(home, { recursive: true, mode: 0o700 });
      await launch(REDIS, "redis", {
        CMP_HOME: home,
        CMP_STORE_URL: redis.url,
        CMP_STORE_SECRET: randomBytes(32).toString("base64"),
        CMP_STORE_PREFIX: prefix,
        OPENAI_OAUTH_ACCESS_TOKEN: upstream.tokens.access_token,
        OPENAI_OAUTH_REFRESH_TOKEN: upstream.tokens.refresh_token,
        OPENAI_CHATGPT_ACCOUNT_ID: accountIdOf(upstream.tokens.access_token),
      });
    }
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
      ...servers.map((s) => ({
        name: s.name,
        api: "chat",
        url: `${s.server.url}/v1/chat/completions`,
        headers: {},
        pid: s.server.pid,
        redis: s.store === "redis" ? redis : null,
      })),
      // The Anthropic front door of the embedded server, for its ratio to the chat route.
      ...servers
        .filter((s) => s.store === "embedded")
        .map((s) => ({
          name: MESSAGES,
          api: "messages",
          url: `${s.server.url}/v1/messages`,
          headers: { "anthropic-version": "2023-06-01" },
          pid: s.server.pid,
          redis: null,
        })),
    ];
    const names = targets.map((t) => t.name);
    // Ratio rows: each server over the direct baseline, and the shared store over the embedded one.
    const pairs = [
      ...servers.map((s) => [s.name, names[0]]),
      ...(names.includes(MESSAGES) ? [[MESSAGES, names[0]]] : []),
    ];
    if (names.includes(EMBEDDED) && names.includes(REDIS)) pairs.push([REDIS, EMBEDDED]);
    if (names.includes(EMBEDDED) && names.includes(POOL)) pairs.push([POOL, EMBEDDED]);
    if (names.includes(EMBEDDED) && names.includes(MESSAGES)) pairs.push([MESSAGES, EMBEDDED]);
    if (names.includes(BASELINE)) pairs.push([EMBEDDED, BASELINE]);
    /** Requests each target answered in the whole run, warm-up included (for per-request profiles). */
    const served = Object.fromEntries(names.map((n) => [n, 0]));
    const perRun = options.scenarios.length * targets.length * options.durationS;
    console.error(
      `[bench] ${servers.map((s) => `${s.name}: pid ${s.server.pid} at ${s.server.url}`).join("; ")}` +
        (redis ? `; redis-server pid ${redis.pid} at ${redis.url}, prefix ${redisInfo.prefix}` : ""),
    );
    console.error(
      `[bench] ${options.scenarios.length} scenario(s) × ${targets.length} targets × ${options.reps} rep(s) of ${options.durationS} s ≈ ${Math.ceil((perRun * options.reps) / 60 + 0.2)} min`,
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
        served[target.name] += r.completed;
        if (r.errors)
          console.error(`[bench] warm-up errors on ${target.name}: ${r.errorSamples.join(" | ")}`);
      }
    }
    const memory = {};
    for (const s of servers)
      memory[s.name] = { rssAfterWarmupMiB: Number(((rssKiB(s.server.pid) ?? 0) / 1024).toFixed(1)) };
    const redisServer = servers.find((s) => s.store === "redis");
    if (redisServer) {
      // The CMP_STORE_URL server must run on the store alone: no login file, the login seeded into Redis.
      if (existsSync(join(redisServer.dir, "home", "auth.json")))
        throw new Error(`the CMP_STORE_URL server wrote an auth.json; see ${redisServer.logFile}`);
      const seeded = readFileSync(redisServer.logFile, "utf8").includes("seeded the token store");
      redisInfo.keysAfterWarmup = await dbSize(redis.port).catch(() => null);
      console.error(
        `[bench] ${REDIS}: ${seeded ? "login seeded into the store from OPENAI_OAUTH_*" : "warning: no 'seeded the token store' line in its log yet"}; ${redisInfo.keysAfterWarmup ?? "?"} keys in Redis after warm-up`,
      );
    }

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
            idPrefix: `r${run++}x`,
          });
          served[target.name] += row.completed;
          rows.push({ rep, scenario: scenario.id, target: target.name, ...row });
          console.error(
            `[bench] rep ${rep + 1} ${scenario.id.padEnd(12)} ${target.name.padEnd(18)} ${String(row.rps).padStart(8)} req/s  p50 ${row.latencyMs.p50} ms  p99 ${row.latencyMs.p99} ms  err ${row.errors}` +
              (row.proc ? `  cpu ${row.proc.cpuMsPerReq} ms/req  rss ${row.proc.peakRssMiB} MiB` : "") +
              (row.machine ? `  other load ${row.machine.otherCores} cores` : "") +
              (row.store
                ? `  redis-server cpu ${row.store.cpuMsPerReq} ms/req, ${row.store.commandsPerReq} cmds/req`
                : ""),
          );
          if (row.errors) console.error(`[bench]   ${row.errorSamples.join(" | ")}`);
          for (const s of servers)
            if (s.server.exited()) throw new Error(`${s.name} exited during the run; see ${s.logFile}`);
        }
      }
    }
    for (const s of servers)
      memory[s.name].rssAtEndMiB = Number(((rssKiB(s.server.pid) ?? 0) / 1024).toFixed(1));
    if (redis) redisInfo.keysAtEnd = await dbSize(redis.port).catch(() => null);
    for (const s of servers) await s.server.stop();

    const summary = summarize(rows, options.scenarios, names, pairs);
    const table = formatTable(summary, names);
    const first = memory[servers[0].name];
    const results = {
      started: started.toISOString(),
      node: process.version,
      durationS: options.durationS,
      reps: options.reps,
      model: options.model,
      targets: names,
      stores: options.stores,
      // The first server's figures as before; every server's in byServer.
      memory: { ...first, byServer: memory },
      redis: redisInfo,
      summary,
      rows,
    };
    console.log(
      `Medians of ${options.reps} rep(s) of ${options.durationS} s; ratio rows are the first named target over the second. ` +
        `Server RSS after warm-up and at the end: ${servers.map((s) => `${s.name} ${memory[s.name].rssAfterWarmupMiB} / ${memory[s.name].rssAtEndMiB} MiB`).join(", ")}.\n`,
    );
    console.log(table);
    if (names.includes(EMBEDDED) && names.includes(REDIS)) {
      const comparison = storeComparison(summary, rows, EMBEDDED, REDIS);
      results.storeComparison = comparison;
      console.log(
        `\nShared state (CMP_STORE_URL on a local redis-server) against the embedded default, medians of ${options.reps} rep(s); ` +
          "CPU is the server process's; redis-server's own CPU is beside it. Goal: CPU ms/req redis / embedded ≤ 1.10×.\n",
      );
      console.log(formatStoreTable(comparison));
      const over = comparison.filter((c) => c.cpuMsPerReq.ratio !== null && c.cpuMsPerReq.ratio > 1.1);
      if (over.length)
        console.error(
          `[bench] CPU per request with CMP_STORE_URL is over 1.10× the embedded store in: ${over.map((c) => `${c.scenario} (${c.cpuMsPerReq.ratio}×)`).join(", ")}`,
        );
    }
    if (options.profile) {
      results.profiles = {};
      const loaded = {};
      for (const s of servers) {
        const files = existsSync(s.profileDir)
          ? readdirSync(s.profileDir).filter((f) => f.endsWith(".cpuprofile"))
          : [];
        for (const [n, file] of files.entries()) {
          const text = readFileSync(join(s.profileDir, file), "utf8");
          const kept = join(HERE, "results", `server-${stamp}-${s.store}${n ? `-${n}` : ""}.cpuprofile`);
          mkdirSync(dirname(kept), { recursive: true });
          writeFileSync(kept, text);
          console.error(
            `[bench] ${s.name} CPU profile kept in ${kept} (${served[s.name]} requests answered)`,
          );
          const profile = JSON.parse(text);
          loaded[s.name] ??= profile;
          const profileSummary = summarizeProfile(profile, 25);
          results.profiles[s.name] ??= profileSummary;
          console.log(`\n${s.name} CPU profile (self time):\n\n${formatProfileSummary(profileSummary)}`);
        }
      }
      results.profile = results.profiles[servers[0].name];
      if (loaded[EMBEDDED] && loaded[REDIS]) {
        const comparison = compareProfiles(
          loaded[EMBEDDED],
          served[EMBEDDED],
          loaded[REDIS],
          served[REDIS],
          25,
        );
        results.profileComparison = comparison;
        console.log(
          `\nWhere ${REDIS} spends more self time per request than ${EMBEDDED} (µs per request answered, warm-up included):\n\n` +
            formatProfileComparison(comparison, "embedded", "redis"),
        );
      }
    }
    results.served = served;
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
    for (const s of servers) await s.server.stop();
    await redis?.stop();
    await upstream?.close();
    if (keepLog) for (const s of servers) console.error(`[bench] ${s.name} log kept in ${s.logFile}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[bench] ${error.message}`);
  process.exitCode = 1;
});
