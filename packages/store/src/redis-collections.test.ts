import { randomBytes } from "node:crypto";
import { redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import { createClient } from "@redis/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import type { Store } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));

describe.skipIf(!available)("Redis counters and capped lists (real redis-server)", () => {
  let server: TestRedisServer;
  let raw: ReturnType<typeof createClient>;
  const stores: Store[] = [];
  let prefixCount = 0;

  async function open(prefix = `c${++prefixCount}`): Promise<Store> {
    const store = await createStore({ url: server.url, prefix, secret, commandTimeoutMs: 5_000 });
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    server = await startRedisServer();
    raw = createClient({ url: server.url });
    raw.on("error", () => undefined);
    await raw.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    if (raw?.isOpen) raw.destroy();
    await server?.stop();
  }, 60_000);

  it("increments under <prefix>:counter:<namespace>:<key>, with a TTL (PEXPIRE)", async () => {
    const store = await open("layout");
    expect(await store.increment("usage", "n", 5, { ttlMs: 60_000 })).toBe(5);
    expect(await store.increment("usage", "n", -2)).toBe(3);
    expect(await raw.hGetAll("layout:counter:usage:n")).toEqual({ value: "3" });
    const ttl = await raw.pTTL("layout:counter:usage:n");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await store.incrementFields("usage", "k", { requests: 1, input: 10 })).toEqual({
      requests: 1,
      input: 10,
    });
    expect(await store.incrementFields("usage", "k", { output: 4 })).toEqual({
      requests: 1,
      input: 10,
      output: 4,
    });
    expect(await raw.pTTL("layout:counter:usage:k")).toBe(-1);
    expect(await store.readCounters("usage", "k")).toEqual({ requests: 1, input: 10, output: 4 });
    expect(await store.readCounters("usage", "absent")).toEqual({});
    // Counters are apart from the namespace's Keyv values of the same name.
    expect(await store.namespace("usage").get("k")).toBeUndefined();
  });

  it("ends at exactly N after N concurrent increments on two clients (two replicas)", async () => {
    const one = await open("shared-counter");
    const two = await open("shared-counter");
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? one : two).incrementFields("usage", "key:a:day", { requests: 1, input: 3 }),
      ),
    );
    expect(new Set(results.map((r) => r["requests"])).size).toBe(200);
    expect(await two.readCounters("usage", "key:a:day")).toEqual({ requests: 200, input: 600 });
  });

  it("keeps the newest max values of a list (LPUSH + LTRIM), newest first, shared by replicas", async () => {
    const one = await open("shared-list");
    const two = await open("shared-list");
    for (let i = 0; i < 15; i += 1) await (i % 2 === 0 ? one : two).pushCapped("history", "all", [{ i }], 10);
    expect(await raw.lLen("shared-list:list:history:all")).toBe(10);
    expect(await two.readList("history", "all")).toEqual(
      Array.from({ length: 10 }, (_, n) => ({ i: 14 - n })),
    );
    expect(await one.readList("history", "all", { limit: 2 })).toEqual([{ i: 14 }, { i: 13 }]);
    expect(await one.readList("history", "absent")).toEqual([]);
  });

  it("pushes a batch in one script, oldest first, keeping the newest max", async () => {
    const store = await open("batch-list");
    await store.pushCapped("history", "all", [], 4);
    expect(await raw.exists("batch-list:list:history:all")).toBe(0);
    await store.pushCapped(
      "history",
      "all",
      Array.from({ length: 9 }, (_, i) => ({ i })),
      4,
    );
    expect(await raw.lLen("batch-list:list:history:all")).toBe(4);
    expect(await store.readList("history", "all")).toEqual([8, 7, 6, 5].map((i) => ({ i })));
    // A batch longer than Lua's stack would allow with unpack.
    const long = Array.from({ length: 20_000 }, (_, i) => i);
    await store.pushCapped("history", "all", long, 30_000);
    expect(await raw.lLen("batch-list:list:history:all")).toBe(20_004);
    expect(await store.readList("history", "all", { limit: 2 })).toEqual([19_999, 19_998]);
  });

  it("keeps counters and lists across a restart of the client", async () => {
    const first = await open("restart");
    await first.increment("usage", "n", 7);
    await first.pushCapped("history", "all", [{ kept: true }], 5);
    await first.close();
    const second = await open("restart");
    expect(await second.readCounters("usage", "n")).toEqual({ value: 7 });
    expect(await second.readList("history", "all")).toEqual([{ kept: true }]);
  });

  it("rejects with StoreUnavailableError when the store is closed", async () => {
    const store = await open();
    await store.close();
    for (const call of [
      () => store.increment("usage", "n", 1),
      () => store.readCounters("usage", "n"),
      () => store.pushCapped("history", "all", [1], 5),
      () => store.readList("history", "all"),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
    }
  });
});
