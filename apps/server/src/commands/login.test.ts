import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type FakeAuthServer, startFakeAuthServer, writeAuthJson } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "./command-context.js";
import { runLoginCommand } from "./login.js";

let auth: FakeAuthServer;
let home: string;
let out: string[];
let err: string[];

function context(extra: Partial<CommandContext> = {}): CommandContext {
  return {
    home,
    authIssuer: auth.issuer,
    callbackPort: 0,
    callbackPortIsDefault: false,
    codexHome: join(home, "codex"),
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stdin: Readable.from([]),
    ...extra,
  };
}

/** Plays the browser: follows the authorize redirect to the local callback. */
async function browse(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: "manual" });
  const callback = authorize.headers.get("location") ?? "";
  await fetch(callback);
}

function storedSecrets(file: string): Promise<string[]> {
  return readFile(file, "utf8").then((text) => {
    const tokens = (JSON.parse(text) as { tokens: Record<string, string> }).tokens;
    return [tokens["access_token"] ?? "", tokens["refresh_token"] ?? "", tokens["id_token"] ?? ""];
  });
}

beforeEach(async () => {
  auth = await startFakeAuthServer({
    config: { deviceAutoApproveAfterPolls: 1, deviceIntervalSeconds: 0.01 },
  });
  home = await mkdtemp(join(tmpdir(), "cmp-login-"));
  out = [];
  err = [];
});
afterEach(async () => {
  await auth.close();
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

describe("cmp-server login", () => {
  it("logs in with the browser, prints the URL and saves auth.json (0600)", async () => {
    const code = await runLoginCommand([], context({ openBrowser: async (url) => void browse(url) }));
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.some((line) => line.startsWith(`${auth.issuer}/oauth/authorize?`))).toBe(true);
    expect(out).toContain("Logged in as user@example.com (pro plan, account acc_test).");
    const file = join(home, "auth.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const secret of await storedSecrets(file)) expect(out.join("\n")).not.toContain(secret);
  });

  it("logs in with a device code", async () => {
    expect(await runLoginCommand(["--device"], context())).toBe(0);
    expect(out.join("\n")).toContain(`${auth.issuer}/codex/device`);
    expect(out).toContain("Logged in as user@example.com (pro plan, account acc_test).");
  });

  it("logs in from a pasted redirect read on stdin", async () => {
    const stdin = new Readable({ read() {} });
    const print = (line: string) => {
      out.push(line);
      if (line.startsWith(`${auth.issuer}/oauth/authorize?`)) {
        void fetch(line, { redirect: "manual" }).then((r) => stdin.push(`${r.headers.get("location")}\n`));
      }
    };
    expect(await runLoginCommand(["--paste"], context({ stdin, stdout: print }))).toBe(0);
    expect(out.at(-2)).toBe("Logged in as user@example.com (pro plan, account acc_test).");
  });

  it("imports a Codex login, from the default folder or a path, and warns", async () => {
    await writeAuthJson(join(home, "codex"), await auth.issueTokens());
    expect(await runLoginCommand(["--import-codex"], context())).toBe(0);
    expect(out.join("\n")).toMatch(/each refresh logs the other out/);
    const elsewhere = await writeAuthJson(
      join(home, "elsewhere"),
      await auth.issueTokens({ email: "b@c.d" }),
    );
    expect(await runLoginCommand(["--import-codex", elsewhere], context())).toBe(0);
    expect(out.at(-2)).toContain("b@c.d");
  });

  it("fails with one clear line and exit 1 when device login is off", async () => {
    auth.configure({ deviceAuth: "disabled" });
    expect(await runLoginCommand(["--device"], context())).toBe(1);
    expect(err[0]).toMatch(/^Login failed: Device login is not enabled.*security settings/);
  });

  it("moves an unreadable auth.json aside and says so", async () => {
    await writeFile(join(home, "auth.json"), "{broken");
    expect(await runLoginCommand(["--device"], context())).toBe(0);
    expect(err[0]).toMatch(/unreadable; kept it as .*auth\.json\.corrupt-/);
  });

  it("never prints a token, code or verifier, whether the login succeeds or fails", async () => {
    const browser = context({ openBrowser: async (url) => void browse(url) });
    expect(await runLoginCommand(["--device"], context())).toBe(0);
    expect(await runLoginCommand([], browser)).toBe(0);
    const secrets = await storedSecrets(join(home, "auth.json"));
    auth.configure({ tokenEndpoint: "fail500" });
    expect(await runLoginCommand([], browser)).toBe(1);
    expect(err.join("\n")).toMatch(/^Login failed: The login code was refused \(HTTP 500/);
    for (const request of auth.requests) {
      const body = request.body;
      if (typeof body !== "object" || body === null) continue;
      for (const key of ["code", "code_verifier", "authorization_code", "refresh_token", "device_auth_id"]) {
        const value: unknown = (body as Record<string, unknown>)[key];
        if (typeof value === "string") secrets.push(value);
      }
    }
    expect(secrets.length).toBeGreaterThan(6);
    const printed = [...out, ...err].join("\n");
    for (const secret of secrets) expect(printed.includes(secret)).toBe(false);
  });

  it("rejects unknown and conflicting flags with exit 2", async () => {
    expect(await runLoginCommand(["--nope"], context())).toBe(2);
    expect(await runLoginCommand(["--device", "--paste"], context())).toBe(2);
    expect(err).toHaveLength(2);
  });

  it("names an unknown flag, a stray argument or a value given to a plain flag, and logs nothing in", async () => {
    expect(await runLoginCommand(["--device", "--verbose"], context())).toBe(2);
    expect(await runLoginCommand(["-x"], context())).toBe(2);
    expect(await runLoginCommand(["somewhere"], context())).toBe(2);
    expect(await runLoginCommand(["--paste=yes"], context())).toBe(2);
    expect(err).toEqual([
      'unknown option "--verbose"; usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]',
      'unknown option "-x"; usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]',
      'unexpected argument "somewhere"; usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]',
      "--paste takes no value; usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]",
    ]);
    expect(auth.requests).toEqual([]);
  });

  it("takes the Codex path as --import-codex=PATH too, and still refuses a second mode after it", async () => {
    const elsewhere = await writeAuthJson(join(home, "elsewhere"), await auth.issueTokens());
    expect(await runLoginCommand([`--import-codex=${elsewhere}`], context())).toBe(0);
    expect(await runLoginCommand(["--import-codex", "--device"], context())).toBe(2);
    expect(err).toEqual([
      "choose one of --device, --paste, --import-codex; usage: cmp-server login [--account NAME] [--device | --paste | --import-codex [PATH]]",
    ]);
  });
});
