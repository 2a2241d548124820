import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore } from "@cmp/store";
import { FAKE_POOL_ACCOUNTS, type FakeUpstream, startFakeUpstream } from "@cmp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { AccountHealthBoard } from "../state/account-health.js";
import { runAccountsCommand } from "./accounts.js";
import type { CommandContext } from "./command-context.js";
import { runLoginCommand } from "./login.js";

describe("cmp-server accounts and login --account", () => {
  let upstream: FakeUpstream | undefined;
  let home: string | undefined;
  afterEach(async () => {
    await upstream?.close();
    if (home) await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    upstream = undefined;
    home = undefined;
  });

  const setUp = async () => {
    upstream = await startFakeUpstream();
    home = await mkdtemp(join(tmpdir(), "cmp-accounts-"));
    const out: string[] = [];
    const err: string[] = [];
    const codexHome = await mkdtemp(join(home, "codex-"));
    const ctx: CommandContext = {
      home,
      authIssuer: upstream.auth.issuer,
      callbackPort: 0,
      callbackPortIsDefault: false,
      codexHome,
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
      stdin: process.stdin,
    };
    const importAs = async (account: (typeof FAKE_POOL_ACCOUNTS)["a"], name?: string) => {
      await upstream?.loginAccountInto(join(codexHome, "auth.json"), account);
      return runLoginCommand(["--import-codex", ...(name ? ["--account", name] : [])], ctx);
    };
    return { ctx, out, err, importAs, home };
  };

  it("adds named accounts beside the first, refuses a ChatGPT account twice, and lists them without tokens", async () => {
    const { ctx, out, err, importAs } = await setUp();
    expect(await importAs(FAKE_POOL_ACCOUNTS.a)).toBe(0);
    expect(await importAs(FAKE_POOL_ACCOUNTS.b, "work")).toBe(0);
    expect(out.join("\n")).toContain('as account "work"');
    expect(await importAs(FAKE_POOL_ACCOUNTS.a, "again")).toBe(1);
    expect(err.join("\n")).toContain('already logged in as "default"');
    expect(await runLoginCommand(["--account", "Bad Name"], ctx)).toBe(2);
    out.length = 0;
    expect(await runAccountsCommand([], ctx)).toBe(0);
    expect(out).toEqual([
      "default: a@example.com, pro plan; active",
      "work: b@example.com, plus plan; active",
    ]);
  });

  it("disables, enables (clearing a cooldown) and removes an account; running servers read the same store", async () => {
    const { ctx, out, err, importAs, home: dir } = await setUp();
    await importAs(FAKE_POOL_ACCOUNTS.a);
    await importAs(FAKE_POOL_ACCOUNTS.b, "b");
    expect(await runAccountsCommand(["disable", "b"], ctx)).toBe(0);
    const store = await createStore({ folder: join(dir, "store") });
    const board = new AccountHealthBoard({ store });
    await board.load(["b"]);
    expect(board.get("b")?.state).toBe("disabled");
    out.length = 0;
    await runAccountsCommand(["list"], ctx);
    expect(out).toContain("b: b@example.com, plus plan; disabled");
    await board.set("b", {
      state: "cooling_down",
      until: Date.now() + 60_000,
      reason: "usage_limit_reached: x",
      at: Date.now(),
    });
    out.length = 0;
    await runAccountsCommand([], ctx);
    expect(out.join("\n")).toMatch(/b: .*cooling down until .*\n {2}last error: usage_limit_reached: x/);
    expect(await runAccountsCommand(["enable", "b"], ctx)).toBe(0);
    await board.load(["b"]);
    expect(board.get("b")).toBeNull();
    expect(await runAccountsCommand(["remove", "b"], ctx)).toBe(0);
    out.length = 0;
    await runAccountsCommand([], ctx);
    expect(out).toEqual(["default: a@example.com, pro plan; active"]);
    expect(await runAccountsCommand(["remove", "nobody"], ctx)).toBe(1);
    expect(err.at(-1)).toContain('No account named "nobody"');
    expect(await runAccountsCommand(["frobnicate"], ctx)).toBe(2);
    await store.close();
  });
});
