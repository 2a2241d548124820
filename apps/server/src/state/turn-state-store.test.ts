import { describe, expect, it } from "vitest";
import { TurnStateStore } from "./turn-state-store.js";

describe("TurnStateStore", () => {
  it("replays a state within the turn and forgets it when a new turn starts", async () => {
    const store = new TurnStateStore();
    expect(await store.forRequest("conv", false)).toBeUndefined();
    store.remember("conv", "ts_1");
    expect(await store.forRequest("conv", true)).toBe("ts_1");
    expect(await store.forRequest("other", true)).toBeUndefined();
    expect(await store.forRequest("conv", false)).toBeUndefined();
    expect(await store.forRequest("conv", true)).toBeUndefined();
  });

  it("expires states by the injected clock, counted from the last remember", async () => {
    let now = 0;
    const store = new TurnStateStore({ ttlMs: 1_000, now: () => now });
    store.remember("conv", "ts_1");
    now = 999;
    expect(await store.forRequest("conv", true)).toBe("ts_1");
    now = 1_000;
    expect(await store.forRequest("conv", true)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("stays bounded, forgetting the least recently remembered conversation", async () => {
    const store = new TurnStateStore({ maxEntries: 2 });
    store.remember("a", "1");
    store.remember("b", "2");
    store.remember("a", "1b");
    store.remember("c", "3");
    expect(store.size).toBe(2);
    expect(await store.forRequest("b", true)).toBeUndefined();
    expect(await store.forRequest("a", true)).toBe("1b");
  });
});
