import { randomBytes } from "node:crypto";
import { redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import { createClient } from "@redis/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import { LockLostError } from "./lock-lost-error.js";
import { LockTimeoutError } from "./lock-timeout-error.js";
import { SecretBoxError } from "./secret-box-error.js";
import type { Store } from "./store-types.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `signal` aborts, with its reason. */
const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });

/** Polls `check` until it holds, for at most `ms` (generous: the CI machine may be loaded). */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await sleep(25);
  }
}

describe.skipIf(!available)("Redis store (real redis-server)", () => {
  let server: TestRedisServer;
  let raw: ReturnType<typeof createClient>;
  const stores: Store[] = [];
  let prefixCount = 0;

  /** A store on the test server; a fresh prefix per test keeps tests apart unless `prefix` is shared. */
  async function open(prefix = `t${++prefixCount}`, key = secret): Promise<Store> {
    const store = await createStore({ url: server.url, prefix, secret: key, commandTimeoutMs: 5_000 });
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

  describe("namespaces", () => {
    it("keeps namespaces and prefixes apart, under <prefix>:kv:<name>:<key>", async () => {
      const a = await open("deploy-a");
      const b = await open("deploy-b");
      await a.namespace("models").set("acc1", { n: 1 });
      await a.namespace("quota").set("acc1", { n: 2 });
      await b.namespace("models").set("acc1", { n: 3 });
      expect(await a.namespace("models").get("acc1")).toEqual({ n: 1 });
      expect(await a.namespace("quota").get("acc1")).toEqual({ n: 2 });
      expect(await b.namespace("models").get("acc1")).toEqual({ n: 3 });
      expect(
        await raw.exists(["deploy-a:kv:models:acc1", "deploy-a:kv:quota:acc1", "deploy-b:kv:models:acc1"]),
      ).toBe(3);
      await a.namespace("models").clear();
      expect(await a.namespace("models").get("acc1")).toBeUndefined();
      expect(await b.namespace("models").get("acc1")).toEqual({ n: 3 });
      expect(await a.namespace("quota").get("acc1")).toEqual({ n: 2 });
    });

    it("shares a namespace between two clients (two replicas)", async () => {
      const one = await open("shared-ns");
      const two = await open("shared-ns");
      await one.namespace("reasoning").set("call_1", [{ type: "reasoning", id: "rs_1" }]);
      expect(await two.namespace("reasoning").get("call_1")).toEqual([{ type: "reasoning", id: "rs_1" }]);
      expect(await two.namespace("reasoning").has("call_1")).toBe(true);
      expect(await two.namespace("reasoning").delete("call_1")).toBe(true);
      expect(await one.namespace("reasoning").get("call_1")).toBeUndefined();
    });

    it("expires values with a TTL (Redis PX), and keeps values without one", async () => {
      const store = await open();
      const ns = store.namespace("cache");
      await ns.set("short", "v", 300);
      await ns.set("long", "v", 600_000);
      await ns.set("forever", "v");
      const ttl = await raw.pTTL(`${store.prefix}:kv:cache:long`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
      expect(await raw.pTTL(`${store.prefix}:kv:cache:forever`)).toBe(-1);
      await eventually(async () => (await ns.get("short")) === undefined);
      expect(await raw.exists(`${store.prefix}:kv:cache:short`)).toBe(0);
      expect(await ns.get("long")).toBe("v");
    });
  });

  describe("secret namespaces", () => {
    it("stores only sealed values, readable by a replica with the same secret", async () => {
      const one = await open("secrets");
      const two = await open("secrets");
      const login = { refreshToken: "rt_very_secret_value", accountId: "acc_1" };
      await one.secretNamespace("logins").set("default", login);
      const stored = await raw.get("secrets:secret:logins:default");
      expect(stored).toMatch(/^v1\./);
      expect(stored).not.toContain("rt_very_secret_value");
      expect(stored).not.toContain("acc_1");
      expect(await two.secretNamespace("logins").get("default")).toEqual(login);
      // A plain namespace of the same name is another key.
      expect(await two.namespace("logins").get("default")).toBeUndefined();
    });

    it("fails a read with SecretBoxError under another secret, or when the value was changed", async () => {
      const one = await open("secrets-2");
      const other = await open("secrets-2", new Uint8Array(randomBytes(32)));
      await one.secretNamespace("keys").set("k1", { hash: "x" });
      await expect(other.secretNamespace("keys").get("k1")).rejects.toSatisfy(SecretBoxError.isInstance);
      const stored = (await raw.get("secrets-2:secret:keys:k1")) ?? "";
      await raw.set("secrets-2:secret:keys:k1", `${stored.slice(0, -2)}${stored.endsWith("A") ? "B" : "A"}A`);
      await expect(one.secretNamespace("keys").get("k1")).rejects.toSatisfy(SecretBoxError.isInstance);
    });
  });

  describe("locks", () => {
    it("excludes each other across two clients (two replicas)", async () => {
      const one = await open("locks-1");
      const two = await open("locks-1");
      let inside = 0;
      let maxInside = 0;
      let entered = 0;
      const worker = async (store: Store) => {
        for (let i = 0; i < 15; i += 1) {
          await store.withLock(
            "refresh:acc_1",
            async () => {
              inside += 1;
              entered += 1;
              maxInside = Math.max(maxInside, inside);
              await sleep(2);
              inside -= 1;
            },
            { ttlMs: 10_000, waitMs: 60_000 },
          );
        }
      };
      await Promise.all([worker(one), worker(two), worker(one), worker(two)]);
      expect(entered).toBe(60);
      expect(maxInside).toBe(1);
      expect(await raw.exists("locks-1:lock:refresh:acc_1")).toBe(0);
    });

    it("gives LockTimeoutError when the lock stays held for waitMs", async () => {
      const one = await open("locks-2");
      const two = await open("locks-2");
      const held = await one.lock("x", { ttlMs: 30_000 });
      const error = await two.lock("x", { waitMs: 200 }).catch((caught: unknown) => caught);
      expect(LockTimeoutError.isInstance(error)).toBe(true);
      await held.release();
      const next = await two.lock("x", { waitMs: 10_000 });
      await next.release();
    });

    it("loses the lease with LockLostError when the key is stolen, and never frees the thief's lock", async () => {
      const one = await open("locks-3");
      const two = await open("locks-3");
      const held = await one.lock("x", { ttlMs: 1_500 });
      await raw.set("locks-3:lock:x", "someone-else");
      const reason = await aborted(held.signal);
      expect(LockLostError.isInstance(reason)).toBe(true);
      expect(held.lost).toBe(true);
      expect(() => held.assertHeld()).toThrow(LockLostError);
      await held.release();
      expect(await raw.get("locks-3:lock:x")).toBe("someone-else");
      await raw.del("locks-3:lock:x");
      const next = await two.lock("x", { waitMs: 10_000 });
      await next.release();
    });

    it("loses the lease when the key expired, and lets another holder in", async () => {
      const one = await open("locks-4");
      const two = await open("locks-4");
      const held = await one.lock("x", { ttlMs: 1_500 });
      // As if this holder had been cut off long enough for Redis to expire its key.
      await raw.pExpire("locks-4:lock:x", 1);
      const next = await two.lock("x", { waitMs: 10_000, ttlMs: 30_000 });
      expect(LockLostError.isInstance(await aborted(held.signal))).toBe(true);
      expect(next.lost).toBe(false);
      await held.release();
      expect(await raw.exists("locks-4:lock:x")).toBe(1);
      await next.release();
      expect(await raw.exists("locks-4:lock:x")).toBe(0);
    });

    it("renews the lease while held, so a holder outlives its TTL many times over", async () => {
      const one = await open("locks-5");
      const two = await open("locks-5");
      // Renewed every 800 ms; lost only if no renewal got through for 2.4 s, even on a loaded machine.
      const held = await one.lock("long", { ttlMs: 2_400 });
      await sleep(8_000);
      expect(held.lost).toBe(false);
      expect(
        LockTimeoutError.isInstance(await two.lock("long", { waitMs: 0 }).catch((e: unknown) => e)),
      ).toBe(true);
      const ttl = await raw.pTTL("locks-5:lock:long");
      expect(ttl).toBeGreaterThan(0);
      await held.release();
      const next = await two.lock("long", { waitMs: 10_000 });
      await next.release();
    }, 30_000);

    it("withLock rejects with LockLostError when the lease was lost during the task", async () => {
      const store = await open("locks-6");
      const result = store.withLock(
        "x",
        async (signal) => {
          await raw.del("locks-6:lock:x");
          await aborted(signal);
          return "done";
        },
        { ttlMs: 1_500 },
      );
      await expect(result).rejects.toSatisfy(LockLostError.isInstance);
    });
  });

  describe("compare-and-set", () => {
    it("writes only over the expected value; undefined means absent, and deletes", async () => {
      const store = await open();
      expect(await store.compareAndSet("cas", "k", undefined, { v: 1 })).toBe(true);
      expect(await store.compareAndSet("cas", "k", undefined, { v: 9 })).toBe(false);
      expect(await store.compareAndSet("cas", "k", { v: 2 }, { v: 9 })).toBe(false);
      expect(await store.compareAndSet("cas", "k", { v: 1 }, { v: 2 }, { ttlMs: 600_000 })).toBe(true);
      expect(await store.namespace("cas").get("k")).toEqual({ v: 2 });
      expect(await raw.pTTL(`${store.prefix}:kv:cas:k`)).toBeGreaterThan(0);
      expect(await store.compareAndSet("cas", "k", { v: 2 }, undefined)).toBe(true);
      expect(await store.namespace("cas").has("k")).toBe(false);
    });

    it("ends at exactly N after N concurrent incrementers on two clients", async () => {
      const one = await open("cas-race");
      const two = await open("cas-race");
      const increment = async (store: Store) => {
        for (;;) {
          const current = await store.namespace("counters").get<number>("n");
          if (await store.compareAndSet("counters", "n", current, (current ?? 0) + 1)) return;
        }
      };
      const n = 60;
      await Promise.all(Array.from({ length: n }, (_, i) => increment(i % 2 === 0 ? one : two)));
      expect(await one.namespace("counters").get("n")).toBe(n);
    }, 60_000);

    it("works on secret namespaces", async () => {
      const one = await open("cas-secret");
      const two = await open("cas-secret");
      const login = { refreshToken: "rt_1" };
      expect(await one.compareAndSet("logins", "a", undefined, login, { secret: true })).toBe(true);
      expect(
        await two.compareAndSet(
          "logins",
          "a",
          { refreshToken: "rt_0" },
          { refreshToken: "rt_x" },
          { secret: true },
        ),
      ).toBe(false);
      expect(await two.compareAndSet("logins", "a", login, { refreshToken: "rt_2" }, { secret: true })).toBe(
        true,
      );
      expect(await one.secretNamespace("logins").get("a")).toEqual({ refreshToken: "rt_2" });
      expect(await raw.get("cas-secret:secret:logins:a")).toMatch(/^v1\./);
    });
  });

  describe("pub/sub", () => {
    it("delivers across two clients, to every subscriber, until unsubscribed", async () => {
      const one = await open("feed");
      const two = await open("feed");
      const got: unknown[] = [];
      const gotToo: unknown[] = [];
      const unsubscribe = await two.subscribe("management", (message) => got.push(message));
      const unsubscribeToo = await one.subscribe("management", (message) => gotToo.push(message));
      await one.publish("management", { type: "quota", data: { used: 1 } });
      await eventually(async () => got.length === 1 && gotToo.length === 1);
      expect(got).toEqual([{ type: "quota", data: { used: 1 } }]);
      await unsubscribe();
      await one.publish("management", { type: "quota", data: { used: 2 } });
      await eventually(async () => gotToo.length === 2);
      await sleep(200);
      expect(got).toHaveLength(1);
      await unsubscribeToo();
    });

    it("keeps channels of other prefixes apart and survives a throwing handler", async () => {
      const a = await open("feed-a");
      const b = await open("feed-b");
      const got: unknown[] = [];
      await b.subscribe("management", () => {
        throw new Error("dashboard gone");
      });
      await b.subscribe("management", (message) => got.push(message));
      await a.publish("management", "not for b");
      await b.publish("management", "for b");
      await eventually(async () => got.length === 1);
      await sleep(200);
      expect(got).toEqual(["for b"]);
    });
  });

  it("answers ping", async () => {
    const store = await open();
    await store.ping();
    expect(store.kind).toBe("redis");
  });
});
