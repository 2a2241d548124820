import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type FakeAuthServer, startFakeAuthServer, writeAuthJson } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "./command-context.js";
import { runLogoutCommand } from "./logout.js";
import { runStatusCommand } from "./status.js";

let auth: FakeAuthServer;
let home: string;
let out: string[];
let err: string[];

function context(): CommandContext {
  return {
    home,
    authIssuer: auth.issuer,
    callbackPort: 0,
    callbackPortIsDefault: false,
    codexHome: join(home, "codex"),
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stdin: Readable.from([]),
  };
}

beforeEach(async () => {
  auth = await startFakeAuthServer();
  home = await mkdtemp(join(tmpdir(), "cmp-status-"));
  out = [];
  err = [];
});
afterEach(async () => {
  await auth.close();
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

describe("cmp-server status and logout", () => {
  it("prints not logged in and exits 1 without a login", async () => {
    expect(await runStatusCommand([], context())).toBe(1);
    expect(out).toEqual(["not logged in"]);
  });

  it("shows email, plan and expiry without secrets, then logs out and revokes", async () => {
    const tokens = await auth.issueTokens();
    await writeAuthJson(home, tokens);
    expect(await runStatusCommand([], context())).toBe(0);
    expect(out[0]).toBe("Logged in as user@example.com (pro plan, account acc_test).");
    expect(out[1]).toMatch(/^Access token expires \d{4}-.*\(in (59 min|1 h)\); last refresh /);
    for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
      expect(out.join("\n")).not.toContain(secret);
    }

    out = [];
    expect(await runLogoutCommand([], context())).toBe(0);
    expect(out[0]).toMatch(/^Logged out: removed .*auth\.json and revoked the token at the issuer\.$/);
    expect(auth.counters.revoke).toBe(1);
    out = [];
    expect(await runStatusCommand([], context())).toBe(1);
    expect(out).toEqual(["not logged in"]);
    expect(await runLogoutCommand([], context())).toBe(0);
    expect(out.at(-1)).toBe("Not logged in; nothing to remove.");
  });

  it("logs out even when the issuer is unreachable", async () => {
    await writeAuthJson(home, await auth.issueTokens());
    const ctx = { ...context(), authIssuer: "http://127.0.0.1:9" };
    expect(await runLogoutCommand([], ctx)).toBe(0);
    expect(out[0]).toContain("could not be reached");
    expect(await runStatusCommand([], context())).toBe(1);
  });

  it("names an unreadable auth.json and exits 1", async () => {
    await writeFile(join(home, "auth.json"), "not json");
    expect(await runStatusCommand([], context())).toBe(1);
    expect(err[0]).toContain(join(home, "auth.json"));
  });
});
