import { randomBytes } from "node:crypto";
import { ConfigError } from "@cmp/core";
import type { Store } from "@cmp/store";
import { findFreePort, redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRawRedis, type RawRedis } from "../testing/raw-redis.js";
import { openSharedStore } from "./open-shared-store.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("openSharedStore without CMP_STORE_URL", () => {
  it("resolves null: the embedded layout opens no store", async () => {
    expect(await openSharedStore({ storeUrl: null, storePrefix: "cmp", storeSecret: null })).toBeNull();
  });
});

describe("openSharedStore on an unreachable Redis", () => {
  it("refuses with a ConfigError naming CMP_STORE_URL, without the URL's password", async () => {
    const port = await findFreePort();
    const error = await rejectionOf(
      openSharedStore({
        storeUrl: `redis://:hunter2-password@127.0.0.1:${port}`,
        storePrefix: "cmp",
        storeSecret: secret,
      }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("CMP_STORE_URL");
    expect(message).not.toContain("hunter2");
  }, 30_000);
});

describe.skipIf(!available)("openSharedStore on a real Redis", () => {
  let server: TestRedisServer;
  let raw: RawRedis;
  const opened: Store[] = [];
  let prefixCount = 0;
  const freshPrefix = () => `open${++prefixCount}`;

  async function open(storePrefix: string, storeSecret: Uint8Array = secret): Promise<Store> {
    const store = await openSharedStore({ storeUrl: server.url, storePrefix, storeSecret });
    if (store === null) throw new Error("expected a store");
    opened.push(store);
    return store;
  }

  beforeAll(async () => {
    server = await startRedisServer();
    raw = await connectRawRedis(server.url);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(opened.map((store) => store.close()));
    raw?.close();
    await server?.stop();
  }, 60_000);

  it("leaves a sealed check value at the first start, and keeps it at the next ones", async () => {
    const prefix = freshPrefix();
    const first = await open(prefix);
    expect(first.kind).toBe("redis");
    expect(first.prefix).toBe(prefix);
    const rows = await raw.dump(`${prefix}:*`);
    expect(Object.keys(rows)).toEqual([`${prefix}:secret:meta:secret-check`]);
    const check = rows[`${prefix}:secret:meta:secret-check`] ?? "";
    expect(check).toMatch(/^v1\./);
    // Sealed: not even the field name is readable.
    expect(check).not.toContain("created_at");

    await open(prefix);
    expect(await raw.dump(`${prefix}:*`)).toEqual(rows);
    // The store it returns works.
    await first.namespace("probe").set("k", { v: 1 });
    expect(await first.namespace("probe").get("k")).toEqual({ v: 1 });
  });

  it("refuses another secret with a ConfigError naming CMP_STORE_SECRET, and writes nothing", async () => {
    const prefix = freshPrefix();
    await open(prefix);
    const before = await raw.dump(`${prefix}:*`);
    const otherSecret = new Uint8Array(randomBytes(32));
    const error = await rejectionOf(
      openSharedStore({ storeUrl: server.url, storePrefix: prefix, storeSecret: otherSecret }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("CMP_STORE_SECRET");
    expect(message).toContain(prefix);
    for (const shown of [Buffer.from(otherSecret).toString("base64"), Buffer.from(secret).toString("base64")])
      expect(message).not.toContain(shown);
    expect(await raw.dump(`${prefix}:*`)).toEqual(before);
  });

  it("keeps prefixes apart: another prefix on the same Redis may use another secret", async () => {
    const one = freshPrefix();
    const two = freshPrefix();
    await open(one);
    await open(two, new Uint8Array(randomBytes(32)));
    expect(await raw.keys(`${one}:*`)).toEqual([`${one}:secret:meta:secret-check`]);
    expect(await raw.keys(`${two}:*`)).toEqual([`${two}:secret:meta:secret-check`]);
  });

  it("lets replicas that start at once with the same secret all start, with one check value", async () => {
    const prefix = freshPrefix();
    const stores = await Promise.all([open(prefix), open(prefix), open(prefix), open(prefix)]);
    expect(stores).toHaveLength(4);
    expect(await raw.keys(`${prefix}:*`)).toEqual([`${prefix}:secret:meta:secret-check`]);
  });

  it("lets only one of two replicas that start at once with different secrets start", async () => {
    const prefix = freshPrefix();
    const results = await Promise.allSettled([open(prefix), open(prefix, new Uint8Array(randomBytes(32)))]);
    const started = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const reason = (refused[0] as PromiseRejectedResult).reason;
    expect(ConfigError.isInstance(reason)).toBe(true);
    expect(String((reason as Error).message)).toContain("CMP_STORE_SECRET");
  });
});
