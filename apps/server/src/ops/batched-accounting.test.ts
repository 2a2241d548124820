import type { RequestRecord } from "@cmp/protocol";
import { createMemoryStore, type Store } from "@cmp/store";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpContext } from "../http/http-context.js";
import type { StoredApiKey } from "./key-registry.js";
import { FLUSH_EVERY_MS, Operations } from "./operations.js";
import { RequestHistory } from "./request-history.js";
import { setRequestIdentity } from "./request-identity.js";
import { USAGE_NAMESPACE, UsageLedger } from "./usage-ledger.js";

const NOW = Date.parse("2026-12-05T08:00:00Z");
const usage = { input: 100, cached: 40, output: 20, reasoning: 5 };

function key(name: string, budget: StoredApiKey["budget"] = null): StoredApiKey {
  return {
    name,
    hash: "00",
    created_at: "2026-12-05T00:00:00.000Z",
    admin: false,
    models: null,
    rpm: null,
    budget,
  };
}

function record(id: string, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id,
    api: "chat",
    model: "gpt-5.4",
    slug: "gpt-5.4",
    effort: null,
    stream: false,
    startedAt: new Date(NOW).toISOString(),
    state: "done",
    status: 200,
    durationMs: 12,
    ttftMs: null,
    usage,
    error: null,
    account: "work",
    ...extra,
  } as RequestRecord;
}

const stores: Store[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function memoryStore(): Store {
  const store = createMemoryStore();
  stores.push(store);
  return store;
}

describe("UsageLedger: counts gathered in the process, written per counter", () => {
  it("writes nothing per request without a budget, then one incrementFields per counter with the sums", async () => {
    const store = memoryStore();
    const increments = vi.spyOn(store, "incrementFields");
    const ledger = new UsageLedger(store);
    const team = key("team");
    for (let i = 0; i < 50; i += 1) {
      expect(ledger.record({ key: team, account: "work", model: "gpt-5.4", usage }, NOW)).toBeUndefined();
    }
    ledger.record({ key: null, account: "home", model: "gpt-5.4", usage: null }, NOW);
    expect(increments).not.toHaveBeenCalled();
    expect(ledger.pendingCount).toBe(4);

    await ledger.flush(NOW + 500);
    expect(increments).toHaveBeenCalledTimes(4);
    expect(ledger.pendingCount).toBe(0);
    expect(await ledger.dayUsage("account", "work", NOW)).toEqual({
      requests: 50,
      input: 5_000,
      cached: 2_000,
      output: 1_000,
      reasoning: 250,
    });
    expect((await ledger.dayUsage("account", "home", NOW)).requests).toBe(1);
    expect((await ledger.dayUsage("model", "gpt-5.4", NOW)).requests).toBe(51);
    expect((await ledger.keyUsage(team, NOW)).usage.input).toBe(5_000);
    // The counter expires when the record time's period does, not later for a late flush.
    const ttl = increments.mock.calls[0]?.[3]?.ttlMs ?? 0;
    expect(ttl).toBe(Date.parse("2026-12-06T00:00:00Z") + 35 * 86_400_000 - (NOW + 500));
    await ledger.flush(NOW + 600);
    expect(increments).toHaveBeenCalledTimes(4);
  });

  it("writes a budgeted key's counter at once (replicas check the budget against it)", async () => {
    const store = memoryStore();
    const ledger = new UsageLedger(store);
    const small = key("small", { tokens: 1_000, per: "day" });
    await ledger.record({ key: small, account: "work", model: "gpt-5.4", usage }, NOW);
    expect((await ledger.keyUsage(small, NOW)).usage).toMatchObject({ requests: 1, input: 100, output: 20 });
    expect(ledger.pendingCount).toBe(2);
    expect(await store.readCounters(USAGE_NAMESPACE, "account:work:day:2026-12-05")).toEqual({});
  });

  it("keeps apart the counters of two days gathered in one flush", async () => {
    const ledger = new UsageLedger(memoryStore());
    ledger.record({ key: null, account: "work", model: null, usage }, NOW);
    ledger.record({ key: null, account: "work", model: null, usage }, NOW + 86_400_000);
    await ledger.flush(NOW + 86_400_000);
    expect((await ledger.dayUsage("account", "work", NOW)).requests).toBe(1);
    expect((await ledger.dayUsage("account", "work", NOW + 86_400_000)).requests).toBe(1);
  });
});

describe("RequestHistory: entries gathered, written oldest first, read after a flush", () => {
  it("pages what is still waiting, newest first, and keeps at most `size` waiting", async () => {
    const store = memoryStore();
    const pushes = vi.spyOn(store, "pushCapped");
    const history = new RequestHistory(store, 3, false);
    for (const id of ["a", "b", "c", "d", "e"]) history.add(record(id), undefined);
    expect(pushes).not.toHaveBeenCalled();
    expect(history.pendingCount).toBe(3);
    const page = await history.page({ limit: 10 });
    expect(page.map((entry) => entry.id)).toEqual(["e", "d", "c"]);
    // One store operation for the batch, oldest first.
    expect(pushes).toHaveBeenCalledTimes(1);
    const batch = (pushes.mock.calls[0]?.[2] ?? []) as { id: string }[];
    expect(batch.map((entry) => entry.id)).toEqual(["c", "d", "e"]);
  });

  it("copies the record: a change after add does not reach the store", async () => {
    const history = new RequestHistory(memoryStore(), 10, false);
    const open = record("a");
    history.add(open, { secret: "x" });
    open.status = 500;
    const [entry] = await history.page({ limit: 1 });
    expect(entry?.status).toBe(200);
    expect(entry).not.toHaveProperty("body");
  });
});

describe("Operations: one flush within FLUSH_EVERY_MS of a request, and at close", () => {
  function operations(store: Store): Operations {
    return new Operations({
      store,
      apiKeys: [],
      dashboardApiKey: null,
      historySize: 100,
      logBodies: false,
      now: () => NOW,
      logger: pino({ level: "silent" }),
    });
  }
  const http = (named?: StoredApiKey) => {
    const context = { body: undefined } as unknown as HttpContext;
    if (named) setRequestIdentity(context, { kind: "named", key: named });
    return context;
  };

  it("flushes once for a burst of requests, FLUSH_EVERY_MS after the first", async () => {
    vi.useFakeTimers();
    const store = memoryStore();
    const increments = vi.spyOn(store, "incrementFields");
    const pushes = vi.spyOn(store, "pushCapped");
    const ops = operations(store);
    for (let i = 0; i < 20; i += 1) ops.finished(http(key("team")), record(`r${i}`));
    expect(increments).not.toHaveBeenCalled();
    expect(pushes).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(FLUSH_EVERY_MS);
    // key, account and model: one command each for the 20 requests; the history in one batch.
    expect(increments).toHaveBeenCalledTimes(3);
    expect(pushes).toHaveBeenCalledTimes(1);
    expect(pushes.mock.calls[0]?.[2]).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(10 * FLUSH_EVERY_MS);
    expect(increments).toHaveBeenCalledTimes(3);
  });

  it("writes what is gathered at close, so a restart keeps it", async () => {
    const store = memoryStore();
    const ops = operations(store);
    ops.finished(http(), record("last"));
    await ops.close();
    const fresh = operations(store);
    expect((await fresh.history.page({ limit: 5 })).map((entry) => entry.id)).toEqual(["last"]);
    expect((await fresh.usage.dayUsage("account", "work", NOW)).requests).toBe(1);
  });

  it("logs, never throws, when the store refuses a flush", async () => {
    const store = memoryStore();
    const ops = operations(store);
    ops.finished(http(), record("lost"));
    await store.close();
    await expect(ops.flush()).resolves.toBeUndefined();
  });
});
