import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createStore } from "@cmp/store";
import {
  type FakeAuthServer,
  findFreePort,
  redisServerAvailable,
  startFakeAuthServer,
  startRedisServer,
  type TestRedisServer,
  writeAuthJson,
} from "@cmp/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ServerConfig } from "../config.js";
import { createSharedTokenStore } from "../state/shared-token-store.js";
import { connectRawRedis, type RawRedis } from "../testing/raw-redis.js";
import type { CommandContext } from "./command-context.js";
import { runLoginCommand } from "./login.js";
import { runLogoutCommand } from "./logout.js";
import { runStatusCommand } from "./status.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));

describe.skipIf(!available)("cmp-server login, status and logout on the shared store (CMP_STORE_URL)", () => {
  let server: TestRedisServer;
  let raw: RawRedis;
  let auth: FakeAuthServer;
  let home: string;
  let out: string[];
  let err: string[];
  let prefixCount = 0;
  let prefix: string;

  function context(shared: Partial<Pick<ServerConfig, "storeUrl" | "storePrefix" | "storeSecret">> = {}) {
    const ctx: CommandContext = {
      home,
      authIssuer: auth.issuer,
      callbackPort: 0,
      callbackPortIsDefault: false,
      codexHome: join(home, "codex"),
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
      stdin: Readable.from([]),
      sharedStore: { storeUrl: server.url, storePrefix: prefix, storeSecret: secret, ...shared },
    };
    return ctx;
  }
  const where = () => `the shared store (CMP_STORE_URL, prefix ${prefix})`;

  beforeAll(async () => {
    server = await startRedisServer();
    raw = await connectRawRedis(server.url);
  }, 60_000);
  afterAll(async () => {
    raw?.close();
    await server?.stop();
  }, 60_000);
  beforeEach(async () => {
    auth = await startFakeAuthServer();
    home = await mkdtemp(join(tmpdir(), "cmp-shared-login-"));
    out = [];
    err = [];
    prefix = `cmd${++prefixCount}`;
  });
  afterEach(async () => {
    await auth.close();
    await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  it("imports a Codex login into the shared store, shows it from any machine, and logs out", async () => {
    const tokens = await auth.issueTokens();
    await writeAuthJson(join(home, "codex"), tokens);
    expect(await runLoginCommand(["--import-codex"], context())).toBe(0);
    expect(err).toEqual([]);
    expect(out).toContain(`Saved to ${where()}.`);
    // Nothing in CMP_HOME: the login is the deployment's, in Redis, sealed.
    expect((await readdir(home)).filter((name) => name !== "codex")).toEqual([]);
    const rows = await raw.dump(`${prefix}:*`);
    expect(Object.keys(rows)).toEqual([
      `${prefix}:secret:logins:default`,
      `${prefix}:secret:meta:secret-check`,
    ]);
    for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token])
      expect(JSON.stringify(rows)).not.toContain(token);
    for (const line of [...out, ...err]) {
      for (const token of [tokens.access_token, tokens.refresh_token, tokens.id_token])
        expect(line).not.toContain(token);
    }

    // A replica's token store reads the same login.
    const store = await createStore({ url: server.url, prefix, secret });
    try {
      expect((await createSharedTokenStore(store).get())?.refreshToken).toBe(tokens.refresh_token);
    } finally {
      await store.close();
    }

    // Another machine (another CMP_HOME) with the same URL, prefix and secret sees the login.
    out = [];
    const elsewhere = await mkdtemp(join(tmpdir(), "cmp-shared-login-other-"));
    try {
      expect(await runStatusCommand([], { ...context(), home: elsewhere })).toBe(0);
    } finally {
      await rm(elsewhere, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
    expect(out[0]).toBe("Logged in as user@example.com (pro plan, account acc_test).");
    expect(out[1]).toMatch(/^Access token expires \d{4}-/);

    out = [];
    expect(await runLogoutCommand([], context())).toBe(0);
    expect(out).toEqual([
      `Logged out: removed the login from ${where()} and revoked the token at the issuer.`,
    ]);
    expect(auth.counters.revoke).toBe(1);
    expect(await raw.keys(`${prefix}:secret:logins:*`)).toEqual([]);

    out = [];
    expect(await runStatusCommand([], context())).toBe(1);
    expect(out).toEqual(["not logged in"]);
    expect(await runLogoutCommand([], context())).toBe(0);
    expect(out.at(-1)).toBe("Not logged in; nothing to remove.");
    expect(err).toEqual([]);
  });

  it("refuses another CMP_STORE_SECRET: exit 1, the variable named, nothing read or written", async () => {
    await writeAuthJson(join(home, "codex"), await auth.issueTokens());
    expect(await runLoginCommand(["--import-codex"], context())).toBe(0);
    const before = await raw.dump(`${prefix}:*`);
    const other = new Uint8Array(randomBytes(32));
    const wrong = context({ storeSecret: other });

    err = [];
    out = [];
    expect(await runStatusCommand([], wrong)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^Cannot read the login: .*CMP_STORE_SECRET/);
    expect(await runLogoutCommand([], wrong)).toBe(1);
    expect(err[1]).toMatch(/^Logout failed: .*CMP_STORE_SECRET/);
    await writeAuthJson(join(home, "codex"), await auth.issueTokens({ email: "b@c.d" }));
    expect(await runLoginCommand(["--import-codex"], wrong)).toBe(1);
    expect(err[2]).toMatch(/^Login failed: .*CMP_STORE_SECRET/);
    for (const line of err) {
      expect(line).not.toContain(Buffer.from(other).toString("base64"));
      expect(line).not.toContain(Buffer.from(secret).toString("base64"));
    }
    expect(await raw.dump(`${prefix}:*`)).toEqual(before);
    expect(auth.counters.revoke).toBe(0);
    // The right secret still reads the first login.
    out = [];
    expect(await runStatusCommand([], context())).toBe(0);
    expect(out[0]).toContain("user@example.com");
  });

  it("says the store cannot be reached (exit 1, CMP_STORE_URL named), without the URL's password", async () => {
    const port = await findFreePort();
    const ctx = context({ storeUrl: `redis://:hunter2-password@127.0.0.1:${port}` });
    expect(await runStatusCommand([], ctx)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^Cannot read the login: .*CMP_STORE_URL/);
    expect(err[0]).not.toContain("hunter2");
  }, 30_000);

  it("uses auth.json in CMP_HOME when no CMP_STORE_URL is set", async () => {
    await writeAuthJson(join(home, "codex"), await auth.issueTokens());
    const local = context({ storeUrl: null, storeSecret: null });
    expect(await runLoginCommand(["--import-codex"], local)).toBe(0);
    expect(out).toContain(`Saved to ${join(home, "auth.json")}.`);
    expect(await raw.keys(`${prefix}:*`)).toEqual([]);
  });
});
