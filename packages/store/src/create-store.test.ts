import { randomBytes } from "node:crypto";
import { ConfigError } from "@cmp/core";
import { describe, expect, it } from "vitest";
import { createMemoryStore, createStore } from "./create-store.js";
import { StoreNameError } from "./store-name-error.js";

const secret = new Uint8Array(randomBytes(32));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("createStore", () => {
  it("makes an embedded store without a URL", async () => {
    const store = await createStore();
    expect(store.kind).toBe("embedded");
    expect(store.prefix).toBe("cmp");
    await store.ping();
    await store.close();
  });

  it("makes a memory store at once with createMemoryStore", async () => {
    const store = createMemoryStore({ prefix: "mem" });
    expect(store.kind).toBe("embedded");
    expect(store.prefix).toBe("mem");
    expect(await store.increment("usage", "n", 2)).toBe(2);
    await store.namespace("kv").set("a", 1);
    expect(await createMemoryStore({ prefix: "mem" }).namespace("kv").get("a")).toBeUndefined();
    await store.close();
  });

  it("refuses a Redis store without a secret, saying how to make one", async () => {
    const error = await rejection(createStore({ url: "redis://127.0.0.1:1" }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/CMP_STORE_SECRET/);
    expect(String(error)).toMatch(/openssl rand -base64 32/);
  });

  it("refuses an unknown scheme and a malformed URL without echoing it", async () => {
    const scheme = await rejection(createStore({ url: "memcached://user:pw@host", secret }));
    expect(ConfigError.isInstance(scheme)).toBe(true);
    expect(String(scheme)).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(String(scheme)).not.toContain("pw@host");
    const malformed = await rejection(createStore({ url: "not a url :pw", secret }));
    expect(ConfigError.isInstance(malformed)).toBe(true);
    expect(String(malformed)).not.toContain(":pw");
  });

  it("refuses a prefix or namespace name that could break the key layout", async () => {
    expect(StoreNameError.isInstance(await rejection(createStore({ prefix: "a:b" })))).toBe(true);
    const store = await createStore();
    expect(() => store.namespace("a:b")).toThrow(StoreNameError);
    expect(() => store.namespace("..")).toThrow(StoreNameError);
    expect(() => store.namespace("")).toThrow(StoreNameError);
    await store.close();
  });
});
