// Issue 16: three built servers as processes behind one Redis (CMP_STORE_URL), one fake auth server and
// one fake Codex backend. Each case checks one thing the replicas share: the login and its refresh
// lock, the reasoning and turn state of a tool loop, the quota, the management feed, the store's
// contents (no token in clear) and the account commands on the shared login.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  buildResponseEvents,
  CODEX_BASE_PATH,
  continuesTurn,
  type FakeUpstream,
  redisServerAvailable,
  type Scenario,
  type ScenarioRequest,
  writeAuthJson,
} from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextOf, endsWithDone, errorCodeOf, postChat } from "../harness/chat-request.js";
import { type RawResponse, sendRequest } from "../harness/http-request.js";
import { SecretRegistry } from "../harness/secrets.js";
import { createTempHome, removeTempHome } from "../harness/temp-home.js";
import { recordCategory } from "../summary.js";
import { until } from "./fault-replicas.js";
import { dumpRedis, openSealedValue, type RedisEntry } from "./redis-dump.js";
import { type Replica, type ReplicaDeployment, startReplicaDeployment } from "./replica-deployment.js";
import { openSseStream, type SseEvent, type SseStream } from "./sse-events.js";

/** Concurrent chat requests of the refresh burst, spread over the replicas. */
const BURST = 300;
const MODEL = "gpt-5.4";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Tool loops: the fake answers a loop's first turn with encrypted reasoning and a tool call, and its
// tool-result turn with text. Every other request gets the scenario it asks for (`[scenario=…]`).

interface ToolLoop {
  question: string;
  callId: string;
  encrypted: string;
  answer: string;
}

const WEATHER_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];
const CALL_ARGUMENTS = '{"city":"Paris"}';
const loops: ToolLoop[] = [];

function newToolLoop(): ToolLoop {
  const tag = randomBytes(6).toString("hex");
  const loop = {
    question: `What is the weather in Paris? (loop ${tag})`,
    callId: `call_${tag}`,
    encrypted: `gAAAAAB-e2e-encrypted-reasoning-${tag}`,
    answer: `Sunny in Paris, says loop ${tag}.`,
  };
  loops.push(loop);
  return loop;
}

/** The fake's own choice: a `[scenario=name]` tag in the last user text, else `text`. */
function taggedScenario(req: ScenarioRequest): string {
  return /\[scenario=([\w-]+)\]/.exec(req.lastUserText)?.[1] ?? "text";
}

function scenarioFor(req: ScenarioRequest): Scenario | string {
  const loop = loops.find((l) => req.lastUserText.includes(l.question));
  if (loop === undefined) return taggedScenario(req);
  if (continuesTurn(req.body)) {
    return {
      name: "tool-result",
      events: buildResponseEvents({ model: req.model, items: [{ type: "message", text: loop.answer }] }),
    };
  }
  return {
    name: "tool-call",
    events: buildResponseEvents({
      model: req.model,
      items: [
        {
          type: "reasoning",
          summary: ["The user wants the weather: call the tool."],
          encryptedContent: loop.encrypted,
        },
        { type: "function_call", name: "get_weather", arguments: CALL_ARGUMENTS, callId: loop.callId },
      ],
    }),
  };
}

function postJson(baseUrl: string, path: string, body: unknown, timeoutMs = 60_000): Promise<RawResponse> {
  return sendRequest({
    baseUrl,
    path,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    timeoutMs,
  });
}

/** Turn 1 of a loop on `replica`: the answer must be the scripted tool call. */
async function askForToolCall(replica: Replica, loop: ToolLoop): Promise<void> {
  const res = await postJson(replica.baseUrl, "/v1/chat/completions", {
    model: MODEL,
    tools: WEATHER_TOOLS,
    messages: [{ role: "user", content: loop.question }],
  });
  expect(res.status, `turn 1 on ${replica.name}: ${res.text.slice(0, 300)}`).toBe(200);
  const body = parseJson(res.text) as {
    choices?: Array<{ finish_reason?: string; message?: { tool_calls?: Array<{ id?: string }> } }>;
  };
  expect(body.choices?.[0]?.finish_reason).toBe("tool_calls");
  expect(body.choices?.[0]?.message?.tool_calls?.[0]?.id).toBe(loop.callId);
}

/** Turn 2 of a loop on `replica`: the tool's result; the answer must be the scripted text. */
async function sendToolResult(replica: Replica, loop: ToolLoop): Promise<void> {
  const res = await postJson(replica.baseUrl, "/v1/chat/completions", {
    model: MODEL,
    tools: WEATHER_TOOLS,
    messages: [
      { role: "user", content: loop.question },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: loop.callId, type: "function", function: { name: "get_weather", arguments: CALL_ARGUMENTS } },
        ],
      },
      { role: "tool", tool_call_id: loop.callId, content: '{"sky":"sunny","celsius":21}' },
    ],
  });
  expect(res.status, `turn 2 on ${replica.name}: ${res.text.slice(0, 300)}`).toBe(200);
  expect(chatTextOf(res)).toBe(loop.answer);
}

/** The backend requests (index and input) that carried the output of tool call `callId`. */
function requestsAnswering(
  upstream: FakeUpstream,
  callId: string,
): Array<{ index: number; input: unknown[] }> {
  const found: Array<{ index: number; input: unknown[] }> = [];
  upstream.codex.requests.forEach((request, index) => {
    if (request?.path !== `${CODEX_BASE_PATH}/responses` || !isRecord(request.body)) return;
    const input = request.body["input"];
    if (!Array.isArray(input)) return;
    const answers = input.some(
      (item) => isRecord(item) && item["type"] === "function_call_output" && item["call_id"] === callId,
    );
    if (answers) found.push({ index, input });
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Status, login and management helpers.

interface StatusWindow {
  used_percent: number;
}
interface StatusBody {
  logged_in: boolean;
  token: { expires_at: string } | null;
  quota: { primary: StatusWindow | null; secondary: StatusWindow | null; updated_at: string } | null;
}

async function statusOf(replica: Replica): Promise<StatusBody> {
  const res = await sendRequest({
    baseUrl: replica.baseUrl,
    method: "GET",
    path: "/v1/status",
    timeoutMs: 30_000,
  });
  expect(res.status, `GET /v1/status on ${replica.name}: ${res.text.slice(0, 300)}`).toBe(200);
  return JSON.parse(res.text) as StatusBody;
}

const refreshGrants = (upstream: FakeUpstream) =>
  upstream.auth.requests.filter(
    (r) => r.path === "/oauth/token" && isRecord(r.body) && r.body["grant_type"] === "refresh_token",
  );

interface RecordLike {
  id?: unknown;
  status?: unknown;
  state?: unknown;
}

/** The per-process part of a request id (`req_` and 12 hex digits; a counter follows). */
const processOf = (id: unknown): string | null =>
  typeof id === "string" ? (/^(req_[0-9a-f]{12})/.exec(id)?.[1] ?? null) : null;

async function snapshotIds(stream: SseStream, replica: Replica): Promise<string[]> {
  const snapshot = await stream.waitFor((e) => e.event === "snapshot", 30_000);
  expect(snapshot, `no snapshot on ${replica.name}'s management stream`).toBeDefined();
  const data = parseJson(snapshot?.data ?? "") as { recent?: RecordLike[] } | undefined;
  return (data?.recent ?? []).flatMap((r) => (typeof r.id === "string" ? [r.id] : []));
}

/** The login sealed in the store under `prefix`, opened with the deployment's secret. */
function openLogin(entries: RedisEntry[], prefix: string, secret: string): Record<string, unknown> {
  const sealed = entries.find((e) => e.key === `${prefix}:secret:logins:default`);
  expect(
    sealed,
    `no ${prefix}:secret:logins:default among ${entries.map((e) => e.key).join(", ")}`,
  ).toBeDefined();
  expect(sealed?.type).toBe("string");
  expect(sealed?.value, "the login is a sealed v1 envelope").toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  const opened = parseJson(openSealedValue(sealed?.value ?? "", secret));
  expect(isRecord(opened) && isRecord(opened["value"]), "the envelope holds a Keyv entry").toBe(true);
  return (opened as { value: Record<string, unknown> }).value;
}

/** Known secrets found in clear in any key or value, as `key (type): finding` lines. */
function findSecrets(entries: RedisEntry[], secrets: SecretRegistry): string[] {
  return entries.flatMap((entry) =>
    secrets
      .findIn(`${entry.key}\n${entry.value}`)
      .map((finding) => `${entry.key} (${entry.type}): ${finding}`),
  );
}

// ---------------------------------------------------------------------------------------------------

const available = redisServerAvailable();
let current: ReplicaDeployment | undefined;
let tried = 0;
let failed = 0;

function deployment(): ReplicaDeployment {
  if (current === undefined) throw new Error("the deployment did not start (see beforeAll)");
  return current;
}

/** One case, counted for the suite's summary. */
function replicaCase(name: string, body: () => Promise<void>, timeoutMs: number): void {
  it(
    name,
    async () => {
      tried += 1;
      try {
        await body();
      } catch (error) {
        failed += 1;
        throw error;
      }
    },
    timeoutMs,
  );
}

describe.skipIf(!available)("three replicas, one Redis", () => {
  beforeAll(async () => {
    // The seeded access token is already expired: nothing at start-up uses it, so the first requests
    // (the burst of the first case) all find it expired at once, on every replica.
    current = await startReplicaDeployment({ replicas: 3, seed: { accessTokenTtlSeconds: -60 } });
    current.upstream.codex.setScenario(scenarioFor);
  }, 180_000);

  afterAll(async () => {
    await current?.close();
    current = undefined;
    if (tried > 0)
      recordCategory({ category: "replicas: three replicas, one Redis", cases: tried, failures: failed });
  }, 120_000);

  replicaCase(
    `${BURST} concurrent chat requests over three replicas while the token is expired → one refresh, every reply right`,
    async () => {
      const d = deployment();
      const { upstream, replicas, seed } = d;
      expect(replicas.map((r) => r.name)).toEqual(["A", "B", "C"]);
      // Log lines leave in batches (at least once a second): wait for the line, not for a quiet machine.
      await until(
        () => replicas[0]?.server.output().includes("seeded the token store") === true,
        15_000,
        "replica A logged that it seeded the shared login",
      );
      for (const replica of replicas.slice(1)) {
        expect(
          replica.server.output(),
          `replica ${replica.name} found the login already there`,
        ).not.toContain("seeded the token store");
      }
      const grantsBefore = refreshGrants(upstream).length;
      const refreshesBefore = upstream.auth.counters.refresh;
      const backendBefore = upstream.codex.requests.length;

      const results = await Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const replica = replicas[i % replicas.length] as Replica;
          const text = `[scenario=echo] burst request ${i} to replica ${replica.name}`;
          const stream = i % 2 === 1;
          const res = await postChat(replica.baseUrl, { text, stream, model: MODEL, timeoutMs: 180_000 });
          return { i, replica: replica.name, text, stream, res };
        }),
      );

      const wrong = results.flatMap(({ i, replica, text, stream, res }) => {
        const got = chatTextOf(res);
        if (res.status === 200 && got === text && (!stream || endsWithDone(res))) return [];
        return [
          `#${i} on ${replica} (${stream ? "stream" : "json"}): status ${res.status} ${errorCodeOf(res) ?? res.error ?? ""} text ${JSON.stringify(got.slice(0, 80))}`,
        ];
      });
      expect(wrong, `${wrong.length} of ${BURST} replies wrong`).toEqual([]);

      const grants = refreshGrants(upstream).slice(grantsBefore);
      expect(grants, "exactly one refresh grant for the whole deployment").toHaveLength(1);
      expect(isRecord(grants[0]?.body) ? grants[0]?.body["refresh_token"] : undefined).toBe(
        seed.refresh_token,
      );
      expect(upstream.auth.counters.refresh - refreshesBefore).toBe(1);
      expect(upstream.auth.counters.refreshReused, "the issuer saw no refresh token twice").toBe(0);

      // Every replica used the one refreshed token: the expired seed never reached the backend.
      const bearers = new Set(
        upstream.codex.requests
          .slice(backendBefore)
          .flatMap((r) => (r ? [r.headers["authorization"] ?? ""] : [])),
      );
      expect(bearers.size, "one access token across the replicas").toBe(1);
      expect([...bearers][0]).not.toBe(`Bearer ${seed.access_token}`);
      expect(d.logs()).not.toMatch(/refresh_token_reused|reauth_required/);
    },
    300_000,
  );

  replicaCase(
    "a chat tool loop whose turns alternate between replicas keeps its encrypted reasoning (and turn state)",
    async () => {
      const { upstream, replicas } = deployment();
      const [a, b, c] = replicas as [Replica, Replica, Replica];
      const loop = newToolLoop();
      await askForToolCall(a, loop);
      await sendToolResult(b, loop);

      const answers = requestsAnswering(upstream, loop.callId);
      expect(answers.length, "replica B sent the tool result to the backend").toBeGreaterThanOrEqual(1);
      const first = answers[0] as { index: number; input: unknown[] };
      const reasoningAt = first.input.findIndex(
        (item) =>
          isRecord(item) && item["type"] === "reasoning" && item["encrypted_content"] === loop.encrypted,
      );
      const callAt = first.input.findIndex(
        (item) => isRecord(item) && item["type"] === "function_call" && item["call_id"] === loop.callId,
      );
      expect(reasoningAt, "B re-sent the encrypted reasoning A's turn produced").toBeGreaterThanOrEqual(0);
      expect(reasoningAt, "the reasoning comes before the call it led to").toBeLessThan(callAt);
      expect(answers.every((answer) => JSON.stringify(answer.input).includes(loop.encrypted))).toBe(true);

      // B also replayed the turn state the backend issued to A's request (the turn stays on its server).
      const verdict = upstream.codex.turnStates().find((record) => record.requestIndex === first.index);
      expect(verdict?.continuesTurn).toBe(true);
      expect(verdict?.verdict, JSON.stringify(verdict)).toBe("replayed");

      // And once more the other way round: turn 1 on C, turn 2 on A.
      const second = newToolLoop();
      await askForToolCall(c, second);
      await sendToolResult(a, second);
      const again = requestsAnswering(upstream, second.callId)[0];
      expect(JSON.stringify(again?.input ?? null)).toContain(second.encrypted);
    },
    120_000,
  );

  replicaCase(
    "the quota of replica A's response shows in replica C's /v1/status",
    async () => {
      const { upstream, replicas } = deployment();
      const [a, , c] = replicas as [Replica, Replica, Replica];
      const usual = upstream.codex.quota();
      expect(usual).not.toBeNull();
      const usualPrimary = usual?.primary.usedPercent ?? 0;
      const usualSecondary = usual?.secondary.usedPercent ?? 0;
      // C has a quota of its own first (the usual one), older than A's.
      const own = await postChat(c.baseUrl, { text: "[scenario=text] quota for C", model: MODEL });
      expect(own.status).toBe(200);
      expect((await statusOf(c)).quota?.primary?.used_percent).toBe(usualPrimary);
      await sleep(50);

      const primary = 13.25;
      const secondary = 64.5;
      expect([primary, secondary]).not.toContain(usualPrimary);
      upstream.codex.setQuota({ primary: { usedPercent: primary }, secondary: { usedPercent: secondary } });
      try {
        const res = await postChat(a.baseUrl, { text: "[scenario=text] quota for A", model: MODEL });
        expect(res.status).toBe(200);
      } finally {
        upstream.codex.setQuota({
          primary: { usedPercent: usualPrimary },
          secondary: { usedPercent: usualSecondary },
        });
      }
      expect((await statusOf(a)).quota?.primary?.used_percent).toBe(primary);

      const deadline = Date.now() + 20_000;
      let seen = await statusOf(c);
      while (seen.quota?.primary?.used_percent !== primary && Date.now() < deadline) {
        await sleep(200);
        seen = await statusOf(c);
      }
      expect(seen.quota?.primary?.used_percent, JSON.stringify(seen.quota)).toBe(primary);
      expect(seen.quota?.secondary?.used_percent).toBe(secondary);
    },
    120_000,
  );

  replicaCase(
    "a management stream attached to replica A shows the requests replica B serves",
    async () => {
      const { replicas } = deployment();
      const [a, b] = replicas as [Replica, Replica, Replica];
      const streams: SseStream[] = [];
      try {
        const watchA = await openSseStream(a.baseUrl, "/v1/management/events");
        streams.push(watchA);
        expect(watchA.status, watchA.errorText()).toBe(200);
        const ownProcess = processOf((await snapshotIds(watchA, a))[0]);

        // A announces its dashboard over Redis; B relays its events once it heard so.
        const fromElsewhere = (event: SseEvent) => {
          if (event.event !== "request") return false;
          const record = parseJson(event.data) as RecordLike | undefined;
          const origin = processOf(record?.id);
          return origin !== null && origin !== ownProcess && record?.status === 200;
        };
        let relayed: SseEvent | undefined;
        let attempts = 0;
        const deadline = Date.now() + 30_000;
        while (relayed === undefined && Date.now() < deadline) {
          attempts += 1;
          const res = await postChat(b.baseUrl, {
            text: `[scenario=text] watched request ${attempts}`,
            model: MODEL,
          });
          expect(res.status).toBe(200);
          relayed = await watchA.waitFor(fromElsewhere, 1_000);
        }
        expect(
          relayed,
          `no request event of B on A's stream after ${attempts} requests; A got: ${watchA.events.map((e) => e.event).join(", ")}`,
        ).toBeDefined();
        const record = parseJson(relayed?.data ?? "") as RecordLike;
        expect(record.state).toBe("done");

        // The relayed records are B's own: B's snapshot lists them.
        const watchB = await openSseStream(b.baseUrl, "/v1/management/events");
        streams.push(watchB);
        expect(watchB.status, watchB.errorText()).toBe(200);
        expect(await snapshotIds(watchB, b)).toContain(record.id);
      } finally {
        for (const stream of streams) stream.close();
      }
    },
    120_000,
  );

  replicaCase(
    "Redis holds no access, refresh or id token in clear, in any key or value; the login is sealed",
    async () => {
      const d = deployment();
      // Every kind of shared value is there: a tool loop's first turn writes reasoning and turn state.
      await askForToolCall(d.replicas[1] as Replica, newToolLoop());

      const entries = await dumpRedis(d.redis.port);
      const keys = entries.map((e) => `${e.key} (${e.type})`);
      const login = openLogin(entries, d.prefix, d.secret);
      // The sealed login is the one in use: the access token the backend saw last.
      const lastBearer = [...d.upstream.codex.requests].reverse().find((r) => r?.headers["authorization"])
        ?.headers["authorization"];
      expect(`Bearer ${String(login["accessToken"])}`).toBe(lastBearer);
      expect(login["refreshToken"]).not.toBe(d.seed.refresh_token);
      expect(typeof login["idToken"]).toBe("string");

      const secrets = new SecretRegistry();
      secrets.addTokens(d.seed);
      for (const field of ["accessToken", "refreshToken", "idToken"]) {
        const value = login[field];
        if (typeof value === "string") secrets.add(value);
      }
      secrets.addFromRequests(d.upstream.auth.requests);
      secrets.addFromRequests(d.upstream.codex.requests);
      expect(secrets.size).toBeGreaterThanOrEqual(5);
      expect(findSecrets(entries, secrets), keys.join("\n")).toEqual([]);

      const namespaces = new Set(entries.map((e) => e.key.split(":").slice(0, 3).join(":")));
      for (const namespace of [
        "secret:logins",
        "secret:meta",
        "kv:catalog",
        "kv:quota",
        "kv:reasoning",
        "kv:turn-state",
      ]) {
        expect([...namespaces], keys.join("\n")).toContain(`${d.prefix}:${namespace}`);
      }
      // Nothing of the deployment lives outside its prefix.
      expect(entries.filter((e) => !e.key.startsWith(`${d.prefix}:`)).map((e) => e.key)).toEqual([]);
      // Nor did a token reach any replica's log.
      expect(secrets.findIn(d.logs())).toEqual([]);
    },
    120_000,
  );

  replicaCase(
    "cmp-server login --import-codex writes the login into Redis; status elsewhere sees it; logout elsewhere removes it",
    async () => {
      const d = deployment();
      // Another deployment on the same Redis: the replicas' login must not move.
      const prefix = `${d.prefix}-cli`;
      const homes = {
        codex: createTempHome("codex"),
        login: createTempHome("cli-login"),
        status: createTempHome("cli-status"),
        logout: createTempHome("cli-logout"),
      };
      try {
        const tokens = await d.upstream.auth.issueTokens();
        const authJson = await writeAuthJson(homes.codex, tokens);
        const secrets = new SecretRegistry();
        secrets.addTokens(tokens);
        const outputOf = (run: { stdout: string; stderr: string }) => `${run.stdout}\n${run.stderr}`;

        const login = await d.runCli(["login", "--import-codex", authJson], { prefix, home: homes.login });
        expect(login.timedOut, "login ended by itself").toBe(false);
        expect(login.code, outputOf(login)).toBe(0);
        expect(login.stdout).toContain(`the shared store (CMP_STORE_URL, prefix ${prefix})`);
        expect(existsSync(join(homes.login, "auth.json")), "no auth.json: the login went to Redis").toBe(
          false,
        );

        const stored = await dumpRedis(d.redis.port, `${prefix}:*`);
        const sealed = openLogin(stored, prefix, d.secret);
        expect(sealed["refreshToken"]).toBe(tokens.refresh_token);
        expect(findSecrets(stored, secrets)).toEqual([]);

        const status = await d.runCli(["status"], { prefix, home: homes.status });
        expect(status.timedOut).toBe(false);
        expect(status.code, outputOf(status)).toBe(0);
        expect(status.stdout).toContain("Logged in as");

        const revokesBefore = d.upstream.auth.counters.revoke;
        const logout = await d.runCli(["logout"], { prefix, home: homes.logout });
        expect(logout.timedOut).toBe(false);
        expect(logout.code, outputOf(logout)).toBe(0);
        expect(logout.stdout).toContain("Logged out");
        expect(d.upstream.auth.counters.revoke).toBe(revokesBefore + 1);

        const after = await d.runCli(["status"], { prefix, home: homes.status });
        expect(after.timedOut).toBe(false);
        expect(after.code, outputOf(after)).toBe(1);
        expect(after.stdout).toContain("not logged in");
        expect((await dumpRedis(d.redis.port, `${prefix}:secret:logins:*`)).map((e) => e.key)).toEqual([]);
        for (const run of [login, status, logout, after]) expect(secrets.findIn(outputOf(run))).toEqual([]);

        // The replicas' deployment kept its login.
        const replicasLogin = await d.runCli(["status"], { home: homes.status });
        expect(replicasLogin.code, outputOf(replicasLogin)).toBe(0);
        for (const replica of d.replicas) expect((await statusOf(replica)).logged_in).toBe(true);
      } finally {
        for (const home of Object.values(homes)) removeTempHome(home);
      }
    },
    180_000,
  );

  replicaCase(
    "every replica drains and exits 0 on SIGTERM",
    async () => {
      const exits = await deployment().stopReplicas(30_000);
      expect(exits).toEqual(exits.map(() => ({ code: 0, signal: null })));
    },
    120_000,
  );
});
