import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { type CodexClient, createCodexClient, type QuotaSnapshot } from "@cmp/codex-client";
import { bundledCatalog } from "@cmp/models";
import { createStore, type Store } from "@cmp/store";
import {
  buildResponseEvents,
  type FakeCodexServer,
  redisServerAvailable,
  type ScenarioInput,
  startFakeCodexServer,
  startRedisServer,
  type TestRedisServer,
} from "@cmp/testkit";
import pino, { type Logger } from "pino";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../app-deps.js";
import { type CmpApp, createApp } from "../create-app.js";
import { fakeTokenManager } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import { CODEX_CLIENT_VERSION } from "../version.js";
import { ManagementBus } from "./management-bus.js";
import { QuotaTracker, toStatusQuota } from "./quota-tracker.js";
import { ReasoningCache } from "./reasoning-cache.js";
import { type SharedMap, sharedKey } from "./shared-map.js";
import { TurnStateStore } from "./turn-state-store.js";

/** A {@link SharedMap} over a plain Map that records its calls; `failing` makes every call reject. */
function memoryMap(options: { failing?: boolean; withoutGetMany?: boolean } = {}) {
  const data = new Map<string, unknown>();
  const calls: { op: "get" | "getMany" | "set" | "delete"; key: string; ttlMs?: number }[] = [];
  const answer = <T>(value: () => T): Promise<T> =>
    options.failing ? Promise.reject(new Error("the shared store is down")) : Promise.resolve(value());
  const map: SharedMap = {
    get: (key) => {
      calls.push({ op: "get", key });
      return answer(() => data.get(key));
    },
    set: (key, value, ttlMs) => {
      calls.push({ op: "set", key, ...(ttlMs === undefined ? {} : { ttlMs }) });
      return answer(() => data.set(key, structuredClone(value)));
    },
    delete: (key) => {
      calls.push({ op: "delete", key });
      return answer(() => data.delete(key));
    },
    ...(options.withoutGetMany
      ? {}
      : {
          getMany: (keys: string[]) => {
            for (const key of keys) calls.push({ op: "getMany", key });
            return answer(() => keys.map((key) => data.get(key)));
          },
        }),
  };
  return { map, data, calls };
}

/** Records the shared-failure reports of a state object. */
function failureLog() {
  const reports: string[] = [];
  return { reports, onSharedFailure: (_error: unknown, doing: string) => void reports.push(doing) };
}

const reasoning = (text: string) => [{ type: "reasoning", id: `rs_${text}`, encrypted_content: text }];
const scope = { accountId: "acc_1", slug: "gpt-5.4" };

describe("sharedKey", () => {
  it("is a fixed-length, printable hash that carries nothing of its parts", () => {
    const key = sharedKey("acc_1", "gpt-5.4", "call_secret_looking_id");
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain("call_secret");
    expect(sharedKey("acc_1", "gpt-5.4", "call_secret_looking_id")).toBe(key);
    expect(sharedKey("acc_1", "gpt-5.4x", "call_secret_looking_id")).not.toBe(key);
    // The parts are joined unambiguously.
    expect(sharedKey("a", "bc")).not.toBe(sharedKey("ab", "c"));
    expect(sharedKey("x".repeat(10_000))).toHaveLength(43);
  });
});

describe("ReasoningCache with a shared map", () => {
  it("writes each entry under a hashed key with its TTL, and another replica loads it", async () => {
    const { map, calls } = memoryMap();
    const one = new ReasoningCache({ shared: map, ttlMs: 5_000 });
    const two = new ReasoningCache({ shared: map });
    expect(one.shared).toBe(true);
    one.set(scope, "call_1", reasoning("R1"));
    const key = sharedKey("acc_1", "gpt-5.4", "call_1");
    expect(calls).toEqual([{ op: "set", key, ttlMs: 5_000 }]);

    expect(two.get(scope, "call_1")).toBeUndefined();
    await two.load(scope, ["call_1", "call_unknown"]);
    expect(two.get(scope, "call_1")).toEqual(reasoning("R1"));
    expect(two.get(scope, "call_unknown")).toBeUndefined();
    expect(two.size).toBe(1);
  });

  it("loads only for the same account and model", async () => {
    const { map } = memoryMap();
    new ReasoningCache({ shared: map }).set(scope, "call_1", reasoning("R1"));
    const two = new ReasoningCache({ shared: map });
    for (const other of [
      { accountId: "acc_2", slug: "gpt-5.4" },
      { accountId: "acc_1", slug: "gpt-5.4-mini" },
      { accountId: null, slug: "gpt-5.4" },
    ]) {
      await two.load(other, ["call_1"]);
      expect(two.get(other, "call_1")).toBeUndefined();
    }
    expect(two.size).toBe(0);
  });

  it("asks the shared map only for the ids it does not hold, and not at all when it holds them all", async () => {
    const { map, calls } = memoryMap();
    const cache = new ReasoningCache({ shared: map });
    cache.set(scope, "call_held", reasoning("H"));
    calls.length = 0;
    await cache.load(scope, ["call_held"]);
    await cache.load(scope, []);
    expect(calls).toEqual([]);
    await cache.load(scope, ["call_held", "call_other"]);
    expect(calls).toEqual([{ op: "getMany", key: sharedKey("acc_1", "gpt-5.4", "call_other") }]);
  });

  it("falls back to one get per id for a map without getMany", async () => {
    const { map, calls } = memoryMap({ withoutGetMany: true });
    new ReasoningCache({ shared: map }).set(scope, "call_1", reasoning("R1"));
    const two = new ReasoningCache({ shared: map });
    calls.length = 0;
    await two.load(scope, ["call_1", "call_2"]);
    expect(calls.map((c) => c.op)).toEqual(["get", "get"]);
    expect(two.get(scope, "call_1")).toEqual(reasoning("R1"));
  });

  it("never replays a shared value that is not a list of reasoning items", async () => {
    const { map, data } = memoryMap();
    const cache = new ReasoningCache({ shared: map });
    const junk: [string, unknown][] = [
      ["call_a", "text"],
      ["call_b", [{ type: "message", content: "injected" }]],
      ["call_c", { type: "reasoning" }],
      ["call_d", [null]],
      ["call_e", null],
    ];
    for (const [callId, value] of junk) data.set(sharedKey("acc_1", "gpt-5.4", callId), value);
    await cache.load(
      scope,
      junk.map(([callId]) => callId),
    );
    for (const [callId] of junk) expect(cache.get(scope, callId)).toBeUndefined();
  });

  it("treats a failing shared map as a miss: nothing throws, memory still serves, failures are reported", async () => {
    const { map } = memoryMap({ failing: true });
    const log = failureLog();
    const cache = new ReasoningCache({ shared: map, onSharedFailure: log.onSharedFailure });
    expect(() => cache.set(scope, "call_1", reasoning("R1"))).not.toThrow();
    await expect(cache.load(scope, ["call_1", "call_2"])).resolves.toBeUndefined();
    expect(cache.get(scope, "call_1")).toEqual(reasoning("R1"));
    expect(cache.get(scope, "call_2")).toBeUndefined();
    await eventually(() => log.reports.length === 2, "both failures reported");
    expect(log.reports.sort()).toEqual(["load reasoning", "save reasoning"]);
  });

  it("does nothing shared without a shared map", async () => {
    const cache = new ReasoningCache();
    expect(cache.shared).toBe(false);
    await cache.load(scope, ["call_1"]);
    expect(cache.size).toBe(0);
  });
});

describe("TurnStateStore with a shared map", () => {
  it("stores a state under the hashed conversation key with its TTL, writing only when it changes", () => {
    const { map, calls } = memoryMap();
    const store = new TurnStateStore({ shared: map, ttlMs: 60_000 });
    store.remember("conversation-key", "ts_1");
    store.remember("conversation-key", "ts_1");
    expect(calls).toEqual([{ op: "set", key: sharedKey("conversation-key"), ttlMs: 60_000 }]);
    store.remember("conversation-key", "ts_2");
    expect(calls).toHaveLength(2);
  });

  it("replays on another replica within the turn, and forgets everywhere when a new turn's answer brings no state", async () => {
    const { map, data, calls } = memoryMap();
    const one = new TurnStateStore({ shared: map });
    const two = new TurnStateStore({ shared: map });
    one.remember("conv", "ts_1");
    expect(await two.forRequest("conv", true)).toBe("ts_1");
    expect(await two.forRequest("other", true)).toBeUndefined();
    const before = calls.length;
    // Starting a turn costs no store command: the turn's answer replaces or drops the shared state.
    expect(await two.forRequest("conv", false)).toBeUndefined();
    expect(calls).toHaveLength(before);
    two.noneIssued("conv");
    await eventually(() => !data.has(sharedKey("conv")), "the shared state is dropped");
    const three = new TurnStateStore({ shared: map });
    expect(await three.forRequest("conv", true)).toBeUndefined();
    expect(await two.forRequest("conv", true)).toBeUndefined();
  });

  // Regression candidate: each replica keeps its memory copy and reads the shared map only on a local
  // miss, so a replica that held the old turn's state keeps replaying it after another replica started
  // a new turn (and the backend issued a new state there): a state replayed across turns.
  it("does not replay an old turn's state after another replica started a new turn", async () => {
    const { map } = memoryMap();
    const one = new TurnStateStore({ shared: map });
    const two = new TurnStateStore({ shared: map });
    one.remember("conv", "ts_turn1");
    expect(await two.forRequest("conv", true)).toBe("ts_turn1");
    // A new turn arrives at replica two; the backend issues a new state there.
    expect(await two.forRequest("conv", false)).toBeUndefined();
    two.remember("conv", "ts_turn2");
    // The turn's next request lands on replica one.
    expect(await one.forRequest("conv", true)).toBe("ts_turn2");
  });

  it("ignores a shared value that is not a state", async () => {
    const { map, data } = memoryMap();
    const store = new TurnStateStore({ shared: map });
    for (const value of [42, "", { state: "ts" }, null]) {
      data.set(sharedKey("conv"), value);
      expect(await store.forRequest("conv", true)).toBeUndefined();
    }
    expect(store.size).toBe(0);
  });

  it("treats a failing shared map as a miss: nothing throws, memory still serves, failures are reported", async () => {
    const { map } = memoryMap({ failing: true });
    const log = failureLog();
    const store = new TurnStateStore({ shared: map, onSharedFailure: log.onSharedFailure });
    await expect(store.forRequest("unknown", true)).resolves.toBeUndefined();
    expect(() => store.remember("conv", "ts_1")).not.toThrow();
    expect(await store.forRequest("conv", true)).toBe("ts_1");
    expect(await store.forRequest("conv", false)).toBeUndefined();
    expect(() => store.noneIssued("conv")).not.toThrow();
    const kinds = ["forget a turn state", "read a turn state", "save a turn state"];
    await eventually(() => kinds.every((kind) => log.reports.includes(kind)), "each failure reported");
    expect([...new Set(log.reports)].sort()).toEqual(kinds);
  });
});

/** A quota snapshot with `used` percent of the 5-hour window (resetting at 15:00), read at `at`. */
function quota(used: number, at: number): QuotaSnapshot {
  const window = { usedPercent: used, windowMinutes: 300, resetsAt: new Date(Date.UTC(2026, 11, 1, 15)) };
  return {
    primary: window,
    secondary: null,
    credits: null,
    planType: "pro",
    limits: [{ id: "codex", name: null, primary: window, secondary: null }],
    activeLimit: "codex",
    rateLimitReachedType: null,
    updatedAt: new Date(at),
  };
}

describe("QuotaTracker with a shared map", () => {
  const t0 = Date.UTC(2026, 11, 1, 10, 0, 0);

  it("shows the quota one replica saw on another, and the newer of its own and the shared one", async () => {
    const { map } = memoryMap();
    const one = new QuotaTracker(new ManagementBus(), { shared: map });
    const two = new QuotaTracker(new ManagementBus(), { shared: map });
    expect(await two.newest()).toBeNull();

    one.record(quota(10, t0 + 1_000));
    expect(two.current()).toBeNull();
    expect(await two.newest()).toEqual(toStatusQuota(quota(10, t0 + 1_000)));

    // Replica two then sees an older answer (it was slower): each shows the newer one.
    two.record(quota(5, t0));
    expect(await two.newest()).toEqual(toStatusQuota(quota(5, t0)));
    expect(await one.newest()).toEqual(toStatusQuota(quota(10, t0 + 1_000)));

    one.record(quota(30, t0 + 2_000));
    expect(await two.newest()).toEqual(toStatusQuota(quota(30, t0 + 2_000)));
  });

  it("writes the shared copy only when the quota changes", () => {
    const { map, calls } = memoryMap();
    const tracker = new QuotaTracker(new ManagementBus(), { shared: map });
    tracker.record(quota(10, t0));
    tracker.record(quota(10, t0 + 1_000));
    tracker.record(null);
    expect(calls).toEqual([{ op: "set", key: "latest" }]);
    tracker.record(quota(11, t0 + 2_000));
    expect(calls).toHaveLength(2);
  });

  it("serves its own quota when the shared value has another shape or the map fails", async () => {
    const { map, data } = memoryMap();
    const tracker = new QuotaTracker(new ManagementBus(), { shared: map });
    tracker.record(quota(10, t0));
    for (const value of [{ updated_at: 5 }, "latest", { updated_at: "2099-01-01T00:00:00Z" }, null]) {
      data.set("latest", value);
      expect(await tracker.newest()).toEqual(toStatusQuota(quota(10, t0)));
    }

    const failing = memoryMap({ failing: true });
    const log = failureLog();
    const offline = new QuotaTracker(new ManagementBus(), {
      shared: failing.map,
      onSharedFailure: log.onSharedFailure,
    });
    expect(await offline.newest()).toBeNull();
    expect(() => offline.record(quota(20, t0))).not.toThrow();
    expect(await offline.newest()).toEqual(toStatusQuota(quota(20, t0)));
    await eventually(() => log.reports.length === 3, "three failures reported");
    expect(log.reports.sort()).toEqual(["read the quota", "read the quota", "save the quota"]);
  });
});

// --- Several app replicas on one shared state, in process -------------------------------------------

const tools = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } },
];
/** The fake answers a conversation ending in a tool result with text, anything else with a tool call. */
const toolLoop = (req: { body: Record<string, unknown> }) => {
  const input = req.body["input"] as { type?: string }[];
  return input.at(-1)?.type === "function_call_output" ? "text" : "tools";
};
const reasoningThenCall: ScenarioInput = {
  events: buildResponseEvents({
    items: [
      { type: "reasoning", summary: ["Need the weather"], encryptedContent: "ENCRYPTED-REASONING-1" },
      { type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}', callId: "call_abc" },
    ],
  }),
};
const toolTurn = [
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ],
  },
  { role: "tool", tool_call_id: "call_abc", content: '{"temperature":21}' },
];

interface Replicas {
  codex: FakeCodexServer;
  apps: CmpApp[];
  /** The JSON bodies the fake backend received for `/responses`, in order. */
  upstreamBodies(): Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Apps that stand for server replicas: one fake backend (so its turn-state judge sees them all), and
 * each app its own memory state plus the given shared state (`undefined`: none).
 */
async function startReplicas(
  sharedStates: (AppDeps["sharedState"] | undefined)[],
  options: { scenario?: ScenarioInput; logger?: Logger } = {},
): Promise<Replicas> {
  const codex = await startFakeCodexServer(
    options.scenario === undefined ? {} : { scenario: options.scenario },
  );
  const clients: CodexClient[] = [];
  const apps = sharedStates.map((sharedState) => {
    const tokenManager = fakeTokenManager();
    const codexClient = createCodexClient({
      baseUrl: codex.baseUrl,
      auth: tokenManager,
      userAgent: "chatgpt-max-proxy/test",
      originator: "chatgpt_max_proxy",
      clientVersion: CODEX_CLIENT_VERSION,
      sleep: async () => {},
      idleTimeoutMs: 5_000,
    });
    clients.push(codexClient);
    return createApp({
      tokenManager,
      catalog: { get: async () => bundledCatalog },
      instructions: { getBaseInstructions: async () => "BASE INSTRUCTIONS" },
      codexClient,
      version: "0.1.0-test",
      ...(options.logger ? { logger: options.logger } : {}),
      ...(sharedState ? { sharedState } : {}),
    });
  });
  return {
    codex,
    apps,
    upstreamBodies: () =>
      codex.requests
        .filter((r) => r.path.endsWith("/responses"))
        .map((r) => r.body as Record<string, unknown>),
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.close()));
      await codex.close();
    },
  };
}

const chat = (app: CmpApp, body: Record<string, unknown>) =>
  request(app)
    .post("/v1/chat/completions")
    .send({ model: "gpt-5.4", ...body });

/** The reasoning key the chat route writes for `call_abc` of the fake login (`acc_test`, `gpt-5.4`). */
const reasoningKey = sharedKey("acc_test", "gpt-5.4", "call_abc");

/**
 * The checks every shared state (embedded or Redis) must pass. `openGroup(n)` opens `n` stores on one
 * new shared state (on Redis, `n` connections with one fresh prefix, as `n` replicas have).
 */
function replicaSuite(name: string, openGroup: (n: number) => Promise<Store[]>) {
  describe(name, () => {
    let running: Replicas | undefined;
    const stores: Store[] = [];
    afterEach(async () => {
      await running?.close();
      running = undefined;
      await Promise.allSettled(stores.splice(0).map((store) => store.close()));
    });
    const group = async (n: number): Promise<Store[]> => {
      const opened = await openGroup(n);
      stores.push(...opened);
      return opened;
    };
    const pair = async () => (await group(2)) as [Store, Store];

    it("replays on replica B the encrypted reasoning of a tool call that replica A answered", async () => {
      const [sharedA, sharedB] = await pair();
      const elsewhere = await createStore();
      stores.push(elsewhere);
      running = await startReplicas([sharedA, sharedB, elsewhere], { scenario: reasoningThenCall });
      const [a, b, c] = running.apps as [CmpApp, CmpApp, CmpApp];
      const first = await chat(a, { tools, messages: [toolTurn[0]] });
      expect(first.status).toBe(200);
      expect(first.body.choices[0].message.tool_calls[0].id).toBe("call_abc");
      await eventually(
        async () => (await sharedB.namespace("reasoning").get(reasoningKey)) !== undefined,
        "the reasoning reached the shared state",
      );

      running.codex.setScenario("text");
      expect((await chat(b, { tools, messages: toolTurn })).status).toBe(200);
      const input = JSON.stringify(running.upstreamBodies().at(-1)?.["input"]);
      expect(input).toContain("ENCRYPTED-REASONING-1");
      expect(input.indexOf("ENCRYPTED-REASONING-1")).toBeLessThan(input.indexOf('"function_call"'));

      // A replica on another shared state has nothing to replay.
      expect((await chat(c, { tools, messages: toolTurn })).status).toBe(200);
      expect(JSON.stringify(running.upstreamBodies().at(-1)?.["input"])).not.toContain("ENCRYPTED-REASONING");
    });

    it("shows on replica B's /v1/status the quota that replica A's answer carried", async () => {
      const [sharedA, sharedB] = await pair();
      running = await startReplicas([sharedA, sharedB]);
      const [a, b] = running.apps as [CmpApp, CmpApp];
      expect((await request(b).get("/v1/status")).body.quota).toBeNull();
      expect((await chat(a, { messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
      let status: Record<string, unknown> = {};
      await eventually(async () => {
        status = (await request(b).get("/v1/status")).body;
        return status["quota"] !== null;
      }, "replica B shows the quota");
      expect(status["quota"]).toMatchObject({
        primary: { used_percent: 42.5, window_minutes: 300 },
        secondary: { used_percent: 77.25, window_minutes: 10080 },
      });
      expect(b.context.quota.current()).toBeNull(); // its own: it made no request
      expect((await request(a).get("/v1/status")).body.quota).toEqual(status["quota"]);
    });

    it("replays on replica B the turn state replica A was issued, within the turn, and none at a new turn", async () => {
      const [sharedA, sharedB, sharedC] = (await group(3)) as [Store, Store, Store];
      running = await startReplicas([sharedA, sharedB, sharedC], { scenario: toolLoop });
      const [a, b, c] = running.apps as [CmpApp, CmpApp, CmpApp];
      const codex = running.codex;
      const turnStates = sharedB.namespace("turn-state");
      const messages: Record<string, unknown>[] = [{ role: "user", content: "Weather in Paris?" }];
      const toolCallAndResult = (answer: { body: { choices: { message: Record<string, unknown> }[] } }) => {
        const call = answer.body.choices[0]?.message as { tool_calls: { id: string }[] };
        messages.push(call, { role: "tool", tool_call_id: call.tool_calls[0]?.id, content: "sunny" });
      };

      // Turn 1 starts on A; the backend issues a state, which reaches the shared state.
      const first = await chat(a, { tools, messages });
      expect(first.status).toBe(200);
      const session = codex.requests[0]?.headers["session-id"] ?? "";
      expect(session).not.toBe("");
      const issued1 = codex.turnStates()[0]?.issued;
      await eventually(
        async () => (await turnStates.get(sharedKey(session))) === issued1,
        "turn 1's state reached the shared state",
      );
      // Its tool loop continues on B, which replays it.
      toolCallAndResult(first);
      const second = await chat(b, { tools, messages });
      expect(second.status).toBe(200);

      // Turn 2 starts on B: no state sent; the new one is shared, and C continues with it.
      messages.push(second.body.choices[0].message, { role: "user", content: "And in Tokyo?" });
      const third = await chat(b, { tools, messages });
      expect(third.status).toBe(200);
      const issued2 = codex.turnStates()[2]?.issued;
      await eventually(
        async () => (await turnStates.get(sharedKey(session))) === issued2,
        "turn 2's state reached the shared state",
      );
      toolCallAndResult(third);
      expect((await chat(c, { tools, messages })).status).toBe(200);

      const verdicts = codex.turnStates();
      expect(verdicts.map((t) => t.verdict)).toEqual(["new_turn", "replayed", "new_turn", "replayed"]);
      expect(verdicts[1]?.sent).toBe(issued1);
      expect(verdicts[2]?.sent).toBeNull();
      expect(verdicts[3]?.sent).toBe(issued2);
      expect(new Set(verdicts.map((t) => t.sessionId))).toEqual(new Set([session]));
    });

    // Regression candidate (see the TurnStateStore unit test of the same name): replica A still holds
    // turn 1's state in memory and replays it in turn 2, which the backend judges `cross_turn`.
    it("does not replay on replica A turn 1's state after turn 2 started on replica B", async () => {
      const [sharedA, sharedB] = await pair();
      running = await startReplicas([sharedA, sharedB], { scenario: toolLoop });
      const [a, b] = running.apps as [CmpApp, CmpApp];
      const codex = running.codex;
      const turnStates = sharedB.namespace("turn-state");
      const messages: Record<string, unknown>[] = [{ role: "user", content: "Weather in Paris?" }];
      const toolCallAndResult = (answer: { body: { choices: { message: Record<string, unknown> }[] } }) => {
        const call = answer.body.choices[0]?.message as { tool_calls: { id: string }[] };
        messages.push(call, { role: "tool", tool_call_id: call.tool_calls[0]?.id, content: "sunny" });
      };

      const first = await chat(a, { tools, messages });
      const session = codex.requests[0]?.headers["session-id"] ?? "";
      await eventually(
        async () => (await turnStates.get(sharedKey(session))) === codex.turnStates()[0]?.issued,
        "turn 1's state reached the shared state",
      );
      toolCallAndResult(first);
      const second = await chat(b, { tools, messages });
      messages.push(second.body.choices[0].message, { role: "user", content: "And in Tokyo?" });
      const third = await chat(b, { tools, messages });
      const issued2 = codex.turnStates()[2]?.issued;
      await eventually(
        async () => (await turnStates.get(sharedKey(session))) === issued2,
        "turn 2's state reached the shared state",
      );
      toolCallAndResult(third);
      expect((await chat(a, { tools, messages })).status).toBe(200);

      const verdicts = codex.turnStates();
      expect(verdicts[3]?.sent).toBe(issued2);
      expect(verdicts.map((t) => t.verdict)).toEqual(["new_turn", "replayed", "new_turn", "replayed"]);
    });
  });
}

replicaSuite("app replicas on one embedded store", async (n) => {
  const store = await createStore();
  return Array.from({ length: n }, () => store);
});

const redisAvailable = redisServerAvailable();
describe.skipIf(!redisAvailable)("app replicas on one Redis", () => {
  let redis: TestRedisServer | undefined;
  const secret = new Uint8Array(randomBytes(32));
  let prefixCount = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  }, 60_000);
  replicaSuite("(two Store instances per shared state)", async (n) => {
    const url = redis?.url;
    if (url === undefined) throw new Error("Redis did not start");
    const prefix = `apps${++prefixCount}`;
    return Promise.all(
      Array.from({ length: n }, () => createStore({ url, prefix, secret, commandTimeoutMs: 5_000 })),
    );
  });
});

describe("a shared state that fails never fails a request", () => {
  let running: Replicas | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("answers tool loops and /v1/status from memory, logging each miss at debug", async () => {
    const failing = memoryMap({ failing: true });
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const down = { namespace: () => failing.map };
    running = await startReplicas([down, down], { scenario: reasoningThenCall, logger });
    const [a, b] = running.apps as [CmpApp, CmpApp];
    expect((await chat(a, { tools, messages: [toolTurn[0]] })).status).toBe(200);
    running.codex.setScenario("text");
    // On the replica that answered turn 1, the reasoning and the turn state come from its memory.
    expect((await chat(a, { tools, messages: toolTurn })).status).toBe(200);
    expect(JSON.stringify(running.upstreamBodies().at(-1)?.["input"])).toContain("ENCRYPTED-REASONING-1");
    // On another replica they are misses, and the request still succeeds.
    expect((await chat(b, { tools, messages: toolTurn })).status).toBe(200);
    expect(JSON.stringify(running.upstreamBodies().at(-1)?.["input"])).not.toContain("ENCRYPTED-REASONING");
    expect(running.codex.turnStates().map((t) => t.verdict)).toEqual(["new_turn", "replayed", "missing"]);
    for (const app of [a, b]) {
      const status = await request(app).get("/v1/status");
      expect(status.status).toBe(200);
      expect(status.body.quota.primary.used_percent).toBe(42.5);
    }

    const expected = [
      "save reasoning",
      "load reasoning",
      "save a turn state",
      "read a turn state",
      "save the quota",
      "read the quota",
    ].map((doing) => `shared store: could not ${doing}`);
    const misses = () => lines.filter((l) => l.msg.startsWith("shared store: could not"));
    await eventually(
      () => expected.every((msg) => misses().some((l) => l.msg === msg)),
      "every kind of miss is logged",
    );
    expect(misses().every((l) => l.level === 20)).toBe(true);
    expect(lines.filter((l) => l.level >= 40 && l.msg.includes("shared"))).toEqual([]);
  });
});
