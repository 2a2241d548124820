import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import { LockLostError } from "./lock-lost-error.js";
import { LockTimeoutError } from "./lock-timeout-error.js";
import { SecretBoxError } from "./secret-box-error.js";
import { StoreNameError } from "./store-name-error.js";
import type { Store } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secret = new Uint8Array(32).fill(7);

async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await sleep(25);
  }
}

/** Blocks this process's event loop for `ms`, as a stalled process would. */
function freeze(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy wait on purpose
  }
}

describe("embedded store in memory", () => {
  let store: Store;
  beforeEach(async () => {
    store = await createStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps namespaces, secret namespaces and stores apart", async () => {
    const other = await createStore();
    await store.namespace("a").set("k", 1);
    await store.namespace("b").set("k", 2);
    await store.secretNamespace("a").set("k", 3);
    expect(await store.namespace("a").get("k")).toBe(1);
    expect(await store.namespace("b").get("k")).toBe(2);
    expect(await store.secretNamespace("a").get("k")).toBe(3);
    expect(await other.namespace("a").get("k")).toBeUndefined();
    expect(store.namespace("a")).toBe(store.namespace("a"));
    await other.close();
  });

  it("expires values with a TTL", async () => {
    const ns = store.namespace("cache");
    await ns.set("short", "v", 100);
    await ns.set("long", "v", 600_000);
    await eventually(async () => (await ns.get("short")) === undefined);
    expect(await ns.get("long")).toBe("v");
  });

  it("compare-and-set: N concurrent incrementers end at exactly N", async () => {
    const increment = async () => {
      for (;;) {
        const current = await store.namespace("counters").get<number>("n");
        if (await store.compareAndSet("counters", "n", current, (current ?? 0) + 1)) return;
      }
    };
    await Promise.all(Array.from({ length: 50 }, increment));
    expect(await store.namespace("counters").get("n")).toBe(50);
    expect(await store.compareAndSet("counters", "n", 49, 0)).toBe(false);
    expect(await store.compareAndSet("counters", "n", 50, undefined)).toBe(true);
    expect(await store.namespace("counters").has("n")).toBe(false);
  });

  it("compares values as stored (JSON), not by identity", async () => {
    await store.namespace("x").set("k", { a: 1, b: [1, 2] });
    expect(await store.compareAndSet("x", "k", { b: [1, 2], a: 1, c: undefined }, { a: 2 })).toBe(true);
    expect(await store.compareAndSet("x", "k", { a: 2, extra: 1 }, { a: 3 })).toBe(false);
  });

  it("locks exclude each other, time out, and free on release", async () => {
    let inside = 0;
    let maxInside = 0;
    const worker = async () => {
      for (let i = 0; i < 10; i += 1) {
        await store.withLock("x", async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await sleep(1);
          inside -= 1;
        });
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(maxInside).toBe(1);
    const held = await store.lock("y");
    expect(LockTimeoutError.isInstance(await store.lock("y", { waitMs: 50 }).catch((e: unknown) => e))).toBe(
      true,
    );
    await held.release();
    await held.release();
    await (await store.lock("y", { waitMs: 0 })).release();
  });

  it("loses a lease it could not renew in time (a frozen process), with LockLostError", async () => {
    const held = await store.lock("z", { ttlMs: 300 });
    freeze(600);
    await eventually(async () => held.lost);
    expect(LockLostError.isInstance(held.signal.reason)).toBe(true);
    // Someone else may take it now.
    await (await store.lock("z", { waitMs: 5_000 })).release();
  });

  it("publishes to subscribers of the channel only, asynchronously, as JSON copies", async () => {
    const got: unknown[] = [];
    const message = { type: "request", data: { id: 1 } };
    const unsubscribe = await store.subscribe("management", (m) => got.push(m));
    await store.subscribe("other", () => got.push("wrong channel"));
    await store.subscribe("management", () => {
      throw new Error("dashboard gone");
    });
    await store.publish("management", message);
    expect(got).toEqual([]);
    await eventually(async () => got.length === 1);
    expect(got[0]).toEqual(message);
    expect(got[0]).not.toBe(message);
    await unsubscribe();
    await store.publish("management", message);
    await sleep(50);
    expect(got).toHaveLength(1);
  });

  it("releases held locks and refuses work after close()", async () => {
    const held = await store.lock("q");
    await store.close();
    expect(held.lost).toBe(false);
    await expect(store.namespace("a").get("k")).rejects.toSatisfy(StoreUnavailableError.isInstance);
    await expect(store.lock("q")).rejects.toSatisfy(StoreUnavailableError.isInstance);
  });
});

describe("embedded store with a folder", () => {
  let folder: string;
  const opened: Store[] = [];
  const open = async (options: { secret?: Uint8Array } = {}) => {
    const store = await createStore({ folder, ...options });
    opened.push(store);
    return store;
  };
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "cmp-store-"));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  it("shares durable namespaces between stores on one folder; memoryOnly ones stay private", async () => {
    const one = await open();
    const two = await open();
    await one.namespace("keys").set("ci", { budget: 10 });
    await one.namespace("hot", { memoryOnly: true }).set("k", 1);
    expect(await two.namespace("keys").get("ci")).toEqual({ budget: 10 });
    expect(await two.namespace("hot", { memoryOnly: true }).get("k")).toBeUndefined();
    const dir = join(folder, "cmp", "kv", "keys");
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^k-[A-Za-z0-9_-]+\.json$/);
    expect(statSync(join(dir, file ?? "")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // A name lives in one place: files or memory, fixed when first opened.
    expect(() => one.namespace("keys", { memoryOnly: true })).toThrow(StoreNameError);
    expect(await one.compareAndSet("hot", "k", 1, 2, { memoryOnly: true })).toBe(true);
  });

  it("expires durable values with a TTL", async () => {
    const ns = (await open()).namespace("cache");
    await ns.set("short", "v", 100);
    await eventually(async () => (await ns.get("short")) === undefined);
  });

  it("seals secret namespaces on disk when a secret is given", async () => {
    const store = await open({ secret });
    await store.secretNamespace("logins").set("default", { refreshToken: "rt_secret_value" });
    const dir = join(folder, "cmp", "secret", "logins");
    const text = readFileSync(join(dir, readdirSync(dir)[0] ?? ""), "utf8");
    expect(text).not.toContain("rt_secret_value");
    expect(JSON.parse(text).value).toMatch(/^v1\./);
    expect(await (await open({ secret })).secretNamespace("logins").get("default")).toEqual({
      refreshToken: "rt_secret_value",
    });
    await expect(
      (await open({ secret: new Uint8Array(32).fill(8) })).secretNamespace("logins").get("default"),
    ).rejects.toSatisfy(SecretBoxError.isInstance);
  });

  it("reports an unreadable store file as StoreUnavailableError, never as absent", async () => {
    const store = await open();
    await store.namespace("keys").set("k", 1);
    const dir = join(folder, "cmp", "kv", "keys");
    writeFileSync(join(dir, readdirSync(dir)[0] ?? ""), "{not json");
    await expect(store.namespace("keys").get("k")).rejects.toSatisfy(StoreUnavailableError.isInstance);
    await expect(store.compareAndSet("keys", "k", undefined, 2)).rejects.toSatisfy(
      StoreUnavailableError.isInstance,
    );
  });

  it("compare-and-set across two stores on one folder ends at exactly N", async () => {
    const one = await open();
    const two = await open();
    const increment = async (store: Store) => {
      for (;;) {
        const current = await store.namespace("counters").get<number>("n");
        if (await store.compareAndSet("counters", "n", current, (current ?? 0) + 1)) return;
      }
    };
    await Promise.all(Array.from({ length: 30 }, (_, i) => increment(i % 2 === 0 ? one : two)));
    expect(await one.namespace("counters").get("n")).toBe(30);
  }, 60_000);

  it("file locks exclude two stores, and a lock left by a crashed holder is taken over after its lease", async () => {
    const one = await open();
    const two = await open();
    const held = await one.lock("refresh", { ttlMs: 2_000 });
    expect(
      LockTimeoutError.isInstance(await two.lock("refresh", { waitMs: 100 }).catch((e: unknown) => e)),
    ).toBe(true);
    await held.release();
    const again = await two.lock("refresh", { waitMs: 10_000, ttlMs: 2_000 });
    await again.release();

    // A holder that died: its lock folder stays, its time is never renewed.
    const locks = join(folder, "cmp", "locks");
    const lockDir = join(locks, `k-${Buffer.from("lock:crashed").toString("base64url")}.lock`);
    mkdirSync(lockDir, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockDir, old, old);
    await (await one.lock("crashed", { waitMs: 10_000, ttlMs: 2_000 })).release();
  });

  it("loses a file lock whose folder was removed or taken over, with LockLostError", async () => {
    const store = await open();
    const held = await store.lock("x", { ttlMs: 3_000 });
    const lockDir = join(folder, "cmp", "locks", `k-${Buffer.from("lock:x").toString("base64url")}.lock`);
    rmSync(lockDir, { recursive: true, force: true });
    await eventually(async () => held.lost, 20_000);
    expect(LockLostError.isInstance(held.signal.reason)).toBe(true);
    await held.release();
  }, 30_000);

  it("answers ping while the folder is writable", async () => {
    await (await open()).ping();
  });
});
