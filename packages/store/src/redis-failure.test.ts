import { randomBytes } from "node:crypto";
import { findFreePort, redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import { LockLostError } from "./lock-lost-error.js";
import type { Store } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The command timeout of these stores; the checks allow far more, for a loaded CI machine. */
const TIMEOUT_MS = 1_000;
const GENEROUS_MS = 15_000;

/** Runs `operation` and returns its error, checking it came within `GENEROUS_MS` (no hang). */
async function failure(operation: () => Promise<unknown>): Promise<unknown> {
  const started = Date.now();
  let caught: unknown;
  try {
    await operation();
  } catch (error) {
    caught = error;
  }
  expect(Date.now() - started).toBeLessThan(GENEROUS_MS);
  return caught;
}

describe.skipIf(!available)("Redis store when Redis fails (real redis-server)", () => {
  let server: TestRedisServer | undefined;
  let store: Store | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const errors: Error[] = [];

  beforeEach(async () => {
    process.on("unhandledRejection", onUnhandled);
    unhandled.length = 0;
    errors.length = 0;
    server = await startRedisServer();
    store = await createStore({
      url: server.url,
      secret,
      commandTimeoutMs: TIMEOUT_MS,
      onError: (error) => errors.push(error),
    });
  }, 60_000);

  afterEach(async () => {
    await store?.close();
    await server?.stop();
    process.off("unhandledRejection", onUnhandled);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("rejects every operation with StoreUnavailableError once Redis is stopped, without hanging", async () => {
    if (!store || !server) throw new Error("setup failed");
    const ns = store.namespace("models");
    const secrets = store.secretNamespace("logins");
    await ns.set("a", 1);
    await server.stop();
    const operations: Array<() => Promise<unknown>> = [
      () => ns.get("a"),
      () => ns.set("a", 2),
      () => ns.delete("a"),
      () => ns.has("a"),
      () => secrets.get("x"),
      () => store!.compareAndSet("models", "a", 1, 2),
      () => store!.lock("x", { waitMs: 5_000 }),
      () => store!.publish("management", { type: "x" }),
      () => store!.subscribe("management", () => undefined),
      () => store!.ping(),
      () => store!.increment("usage", "n", 1, { ttlMs: 1_000 }),
      () => store!.incrementFields("usage", "k", { requests: 1 }),
      () => store!.readCounters("usage", "k"),
      () => store!.pushCapped("history", "all", [{ a: 1 }], 10),
      () => store!.readList("history", "all"),
    ];
    for (const operation of operations) {
      const error = await failure(operation);
      expect(StoreUnavailableError.isInstance(error), String(error)).toBe(true);
    }
    // Let late replies and reconnection attempts run: none may become an unhandled rejection.
    await sleep(1_500);
    expect(unhandled).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
  }, 120_000);

  it("times out commands to a Redis that stopped answering (SIGSTOP), then recovers", async () => {
    if (!store || !server) throw new Error("setup failed");
    const ns = store.namespace("models");
    await ns.set("a", 1);
    process.kill(server.pid, "SIGSTOP");
    try {
      const error = await failure(() => ns.get("a"));
      expect(StoreUnavailableError.isInstance(error), String(error)).toBe(true);
      const ping = await failure(() => store!.ping());
      expect(StoreUnavailableError.isInstance(ping), String(ping)).toBe(true);
      const counted = await failure(() => store!.incrementFields("usage", "k", { requests: 1 }));
      expect(StoreUnavailableError.isInstance(counted), String(counted)).toBe(true);
    } finally {
      process.kill(server.pid, "SIGCONT");
    }
    // The client reconnects by itself (a timed-out connection may be dropped and made again).
    const deadline = Date.now() + GENEROUS_MS;
    for (;;) {
      try {
        expect(await ns.get("a")).toBe(1);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
    await sleep(500);
    expect(unhandled).toEqual([]);
  }, 120_000);

  it("loses a held lock's lease (signal aborts) while Redis is gone, instead of pretending to hold it", async () => {
    if (!store || !server) throw new Error("setup failed");
    const held = await store.lock("refresh", { ttlMs: 2_000 });
    await server.stop();
    const reason = await new Promise<unknown>((resolve) =>
      held.signal.addEventListener("abort", () => resolve(held.signal.reason), { once: true }),
    );
    expect(LockLostError.isInstance(reason), String(reason)).toBe(true);
    // Release never rejects, even with Redis gone.
    await held.release();
    await sleep(500);
    expect(unhandled).toEqual([]);
  }, 120_000);

  it("refuses to start when Redis is unreachable, within the timeout", async () => {
    const port = await findFreePort();
    const error = await failure(() =>
      createStore({ url: `redis://127.0.0.1:${port}`, secret, commandTimeoutMs: TIMEOUT_MS }),
    );
    expect(StoreUnavailableError.isInstance(error), String(error)).toBe(true);
    await sleep(500);
    expect(unhandled).toEqual([]);
  }, 60_000);

  it("rejects with StoreUnavailableError after close()", async () => {
    if (!store) throw new Error("setup failed");
    const ns = store.namespace("models");
    await store.close();
    await store.close();
    for (const operation of [() => ns.get("a"), () => store!.ping(), () => store!.lock("x")]) {
      expect(StoreUnavailableError.isInstance(await failure(operation))).toBe(true);
    }
  });
});
