import pino from "pino";
import { describe, expect, it } from "vitest";
import { fakeTokenManager } from "../testing/app-harness.js";
import type { PoolAccount } from "./account-pool.js";
import { AccountPool } from "./account-pool.js";
import { ManagementBus } from "./management-bus.js";

const account = (name: string): PoolAccount => ({ name, tokenManager: fakeTokenManager() });

describe("AccountPool", () => {
  it("picks up accounts logged in or removed while running, keeping each account's counts", async () => {
    const a = account("default");
    const b = account("b");
    let listed: PoolAccount[] = [a];
    const pool = new AccountPool({
      accounts: [a],
      source: { list: async () => listed },
      bus: new ManagementBus(Date.now),
      logger: pino({ level: "silent" }),
      syncIntervalMs: 60_000,
    });
    await pool.ready;
    pool.served(a);
    listed = [a, b];
    await pool.sync();
    expect(pool.accounts().map((x) => x.name)).toEqual(["default", "b"]);
    expect((await pool.status()).map((s) => [s.name, s.requests])).toEqual([
      ["default", 1],
      ["b", 0],
    ]);
    listed = [b];
    await pool.sync();
    expect(pool.accounts()).toEqual([b]);
    await pool.close();
  });

  it("announces a cooldown and its end on the management bus, and refuses a pinned unknown account", async () => {
    let now = 1_000_000;
    const bus = new ManagementBus(() => now);
    const events: unknown[] = [];
    bus.subscribe((event) => events.push(event));
    const pool = new AccountPool({
      accounts: [account("default"), account("b")],
      bus,
      logger: pino({ level: "silent" }),
      now: () => now,
    });
    await pool.ready;
    await pool.mark("b", {
      state: "cooling_down",
      until: now + 50,
      reason: "usage_limit_reached: x",
      at: now,
    });
    expect(pool.stateOf("b")).toBe("cooling_down");
    const b = await pool.choose({ key: "k", exclude: new Set(["default"]) }).catch((e: unknown) => e);
    expect((b as { code?: string }).code).toBe("usage_limit_reached");
    now += 60;
    expect(pool.stateOf("b")).toBe("active");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(events).toEqual([
      { type: "account", data: expect.objectContaining({ name: "b", state: "cooling_down" }) },
      { type: "account", data: expect.objectContaining({ name: "b", state: "active", until: null }) },
    ]);
    const unknown = await pool.choose({ key: "k", pinned: "zed" }).catch((e: unknown) => e);
    expect((unknown as { code?: string; status?: number }).code).toBe("unknown_account");
    await pool.close();
  });
});
