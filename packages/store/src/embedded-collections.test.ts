import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "./create-store.js";
import type { Store } from "./store-types.js";
import { StoreUnavailableError } from "./store-unavailable-error.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("embedded counters and capped lists", () => {
  let folder: string;
  const stores: Store[] = [];
  const open = async (withFolder = true) => {
    const store = await createStore(withFolder ? { folder } : {});
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "cmp-store-coll-"));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  for (const withFolder of [false, true]) {
    const kind = withFolder ? "in files" : "in memory";

    it(`increments counters and counter hashes atomically (${kind})`, async () => {
      const store = await open(withFolder);
      expect(await store.readCounters("usage", "k1")).toEqual({});
      expect(await store.increment("usage", "n", 2)).toBe(2);
      expect(await store.increment("usage", "n", -5)).toBe(-3);
      expect(await store.readCounters("usage", "n")).toEqual({ value: -3 });
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.incrementFields("usage", "k1", { requests: 1, input: 10 })),
      );
      // Every caller sees a different state: no two increments were merged into one result.
      expect(new Set(results.map((r) => r["requests"])).size).toBe(50);
      expect(await store.readCounters("usage", "k1")).toEqual({ requests: 50, input: 500 });
      // Counters are apart from the namespace's Keyv values of the same name.
      expect(await store.namespace("usage").get("k1")).toBeUndefined();
    });

    it(`expires counters with a TTL, and keeps the expiry when a change gives none (${kind})`, async () => {
      const store = await open(withFolder);
      await store.incrementFields("usage", "short", { a: 1 }, { ttlMs: 150 });
      await store.incrementFields("usage", "short", { a: 1 });
      await store.incrementFields("usage", "long", { a: 1 });
      expect(await store.readCounters("usage", "short")).toEqual({ a: 2 });
      await sleep(300);
      expect(await store.readCounters("usage", "short")).toEqual({});
      expect(await store.readCounters("usage", "long")).toEqual({ a: 1 });
      // An expired counter starts again at 0.
      expect(await store.increment("usage", "short", 1)).toBe(1);
    });

    it(`keeps the newest values of a capped list, newest first (${kind})`, async () => {
      const store = await open(withFolder);
      expect(await store.readList("history", "all")).toEqual([]);
      for (let i = 0; i < 25; i += 1) await store.pushCapped("history", "all", [{ i }], 10);
      expect(await store.readList("history", "all")).toEqual(
        Array.from({ length: 10 }, (_, n) => ({ i: 24 - n })),
      );
      expect(await store.readList("history", "all", { limit: 3 })).toEqual([{ i: 24 }, { i: 23 }, { i: 22 }]);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.pushCapped("history", "all", [{ c: i }], 10)),
      );
      const values = await store.readList<{ c: number }>("history", "all", { limit: 10 });
      expect(values.map((value) => value.c)).toEqual(Array.from({ length: 10 }, (_, n) => 29 - n));
    });

    it(`pushes a batch in one step, oldest first, keeping the newest max (${kind})`, async () => {
      const store = await open(withFolder);
      await store.pushCapped("history", "batch", [], 5);
      expect(await store.readList("history", "batch")).toEqual([]);
      await store.pushCapped("history", "batch", [{ b: 0 }, { b: 1 }], 5);
      await store.pushCapped(
        "history",
        "batch",
        Array.from({ length: 12 }, (_, i) => ({ b: i + 2 })),
        5,
      );
      expect(await store.readList("history", "batch")).toEqual([13, 12, 11, 10, 9].map((b) => ({ b })));
      await expect(store.pushCapped("history", "batch", [undefined], 5)).rejects.toThrow(TypeError);
      await expect(store.pushCapped("history", "batch", { b: 1 } as never, 5)).rejects.toThrow(TypeError);
      expect(await store.readList("history", "batch", { limit: 1 })).toEqual([{ b: 13 }]);
    });
  }

  it("shares counters and lists between stores on one folder, and keeps them across a restart", async () => {
    const one = await open();
    const two = await open();
    await Promise.all([
      ...Array.from({ length: 40 }, () => one.incrementFields("usage", "shared", { requests: 1, tokens: 3 })),
      ...Array.from({ length: 40 }, () => two.incrementFields("usage", "shared", { requests: 1, tokens: 3 })),
      ...Array.from({ length: 20 }, (_, i) => one.pushCapped("history", "all", [{ from: "one", i }], 100)),
      ...Array.from({ length: 20 }, (_, i) => two.pushCapped("history", "all", [{ from: "two", i }], 100)),
    ]);
    await one.close();
    await two.close();
    const reopened = await open();
    expect(await reopened.readCounters("usage", "shared")).toEqual({ requests: 80, tokens: 240 });
    expect(await reopened.readList("history", "all")).toHaveLength(40);
  });

  it("cuts a list file back to about max lines, and skips a line cut short by a crash", async () => {
    const store = await open();
    for (let i = 0; i < 100; i += 1) await store.pushCapped("history", "all", [{ i }], 10);
    const dir = join(folder, "cmp", "list", "history");
    const [file] = readdirSync(dir);
    const path = join(dir, file as string);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path, "utf8").trim().split("\n").length).toBeLessThanOrEqual(20);
    // A crash in the middle of an append leaves its own line cut short.
    appendFileSync(path, '\n10\t{"i":10');
    expect(await store.readList("history", "all", { limit: 2 })).toEqual([{ i: 99 }, { i: 98 }]);
    await store.pushCapped("history", "all", [{ i: 100 }], 10);
    expect((await store.readList<{ i: number }>("history", "all"))[0]).toEqual({ i: 100 });
  });

  it("replaces the list file with a batch that alone fills the list, then appends again", async () => {
    const one = await open();
    const two = await open();
    await two.pushCapped("history", "all", [{ from: "two", i: 0 }], 10);
    await one.pushCapped(
      "history",
      "all",
      Array.from({ length: 25 }, (_, i) => ({ from: "one", i })),
      10,
    );
    const dir = join(folder, "cmp", "list", "history");
    const path = join(dir, readdirSync(dir)[0] as string);
    const { readFileSync } = await import("node:fs");
    // Exactly the batch's newest ten lines: no append, no older line left behind.
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(10);
    await two.pushCapped("history", "all", [{ from: "two", i: 1 }], 10);
    const values = await one.readList<{ from: string; i: number }>("history", "all");
    expect(values.map((v) => `${v.from}${v.i}`)).toEqual([
      "two1",
      ...Array.from({ length: 9 }, (_, n) => `one${24 - n}`),
    ]);
  });

  it("refuses bad arguments and work after close()", async () => {
    const store = await open();
    await expect(store.increment("usage", "k", 1.5)).rejects.toThrow(RangeError);
    await expect(store.increment("bad name", "k", 1)).rejects.toThrow();
    await expect(store.incrementFields("usage", "", { a: 1 })).rejects.toThrow(TypeError);
    await expect(store.pushCapped("history", "all", [1], 0)).rejects.toThrow(RangeError);
    await expect(store.readList("history", "all", { limit: 0 })).rejects.toThrow(RangeError);
    await store.close();
    const closed = await store.increment("usage", "k", 1).catch((error: unknown) => error);
    expect(StoreUnavailableError.isInstance(closed)).toBe(true);
    const closedList = await store.readList("history", "all").catch((error: unknown) => error);
    expect(StoreUnavailableError.isInstance(closedList)).toBe(true);
  });

  it("reports an unreadable counter file as StoreUnavailableError, never as absent", async () => {
    const store = await open();
    await store.increment("usage", "k", 1);
    const dir = join(folder, "cmp", "counter", "usage");
    const [file] = readdirSync(dir);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, file as string), "not json");
    const error = await store.readCounters("usage", "k").catch((e: unknown) => e);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    const incrementError = await store.increment("usage", "k", 1).catch((e: unknown) => e);
    expect(StoreUnavailableError.isInstance(incrementError)).toBe(true);
  });
});
