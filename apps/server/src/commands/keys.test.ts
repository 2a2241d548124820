import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { apiKeyListSchema } from "@cmp/protocol";
import { createStore, type Store } from "@cmp/store";
import { redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHarness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import type { CommandContext } from "./command-context.js";
import { runKeysCommand } from "./keys.js";

let home: string;
let out: string[];
let err: string[];
const cleanups: Array<() => Promise<unknown>> = [];

function context(sharedStore?: CommandContext["sharedStore"]): CommandContext {
  return {
    home,
    authIssuer: "http://127.0.0.1:1",
    callbackPort: 0,
    callbackPortIsDefault: false,
    codexHome: join(home, "codex"),
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stdin: Readable.from([]),
    ...(sharedStore ? { sharedStore } : {}),
  };
}

const FIXED_NOW = () => Date.parse("2026-12-05T10:00:00Z");
const keys = (args: string[], sharedStore?: CommandContext["sharedStore"], now = FIXED_NOW) => {
  out = [];
  err = [];
  return runKeysCommand(args, context(sharedStore), { now });
};

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) found.push(...(await filesUnder(path)));
    else found.push(await readFile(path, "utf8"));
  }
  return found;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "cmp-keys-"));
  out = [];
  err = [];
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

describe("cmp-server keys (embedded store under CMP_HOME/store)", () => {
  it("creates a key printed once on stdout alone, lists it, and revokes it", async () => {
    expect(await keys(["list"])).toBe(0);
    expect(out).toEqual(["No named keys. Create one with: cmp-server keys create NAME"]);

    expect(
      await keys([
        "create",
        "team-a",
        "--budget-tokens",
        "100000",
        "--per",
        "week",
        "--rpm",
        "60",
        "--models",
        "gpt-5.4,gpt-5.4-mini",
      ]),
    ).toBe(0);
    expect(out).toHaveLength(1);
    const key = out[0] as string;
    expect(key).toMatch(/^cmp-[A-Za-z0-9_-]{43}$/);
    expect(err.join("\n")).toContain(
      'Created the key "team-a" (no admin; budget 100000 tokens/week; 60 requests/minute; models gpt-5.4, gpt-5.4-mini)',
    );
    expect((await filesUnder(join(home, "store"))).join("\n")).not.toContain(key);

    expect(await keys(["create", "ops", "--admin"])).toBe(0);
    expect(await keys(["list"])).toBe(0);
    expect(out[0]).toMatch(/^NAME\s+CREATED\s+LAST USED\s+REQUESTS/);
    expect(out[1]).toMatch(
      /^team-a\s+2026-12-05 10:00\s+never\s+0\s+0\/0\s+0\/100000 per week\s+60\s+gpt-5.4,gpt-5.4-mini\s+no$/,
    );
    expect(out[2]).toMatch(/^ops\s+.*any\s+yes$/);

    expect(await keys(["list", "--json"])).toBe(0);
    const listed = apiKeyListSchema.parse(JSON.parse(out.join("\n")));
    expect(listed.data[0]).toMatchObject({
      name: "team-a",
      admin: false,
      rpm: 60,
      models: ["gpt-5.4", "gpt-5.4-mini"],
      budget: { tokens: 100_000, per: "week", used: 0, resets_at: "2026-12-07T00:00:00.000Z" },
      period_start: "2026-11-30T00:00:00.000Z",
      last_used_at: null,
    });

    expect(await keys(["revoke", "team-a"])).toBe(0);
    expect(out[0]).toContain('Revoked the key "team-a"');
    expect(await keys(["revoke", "team-a"])).toBe(1);
    expect(err[0]).toBe('There is no key named "team-a".');
    expect(await keys(["create", "ops"])).toBe(1);
    expect(err[0]).toContain('A key named "ops" exists already');
  });

  it("refuses bad usage with exit 2 and the usage text", async () => {
    const cases = [
      [],
      ["rotate"],
      ["create"],
      ["create", "a", "b"],
      ["create", "a", "--per", "year", "--budget-tokens", "5"],
      ["create", "a", "--rpm", "ten"],
      ["create", "a", "--budget-tokens", "0"],
      ["create", "a", "--unknown"],
      ["revoke"],
      ["list", "extra"],
    ];
    for (const args of cases) {
      expect(await keys(args), args.join(" ")).toBe(2);
      expect(err.join("\n")).toContain("cmp-server keys create NAME");
    }
    // Settings the registry refuses (not the parser) are exit 1 with the reason.
    expect(await keys(["create", "bad name"])).toBe(1);
    expect(await keys(["create", "a", "--per", "day"])).toBe(1);
    expect(err[0]).toContain("budget_tokens");
  });

  it("shares the keys with a server on the same CMP_HOME: accepted, counted, and refused once revoked", async () => {
    const store = await createStore({ folder: join(home, "store") });
    cleanups.push(() => store.close());
    const harness = await createHarness({ store });
    cleanups.push(() => harness.close());
    expect(await keys(["create", "cli-made", "--admin"])).toBe(0);
    const key = out[0] as string;
    // The server notices the first key within its cache TTL.
    await eventually(
      async () => (await request(harness.app).get("/v1/models")).status === 401,
      "keys required",
    );
    const chat = await request(harness.app)
      .post("/v1/chat/completions")
      .set("authorization", `Bearer ${key}`)
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] });
    expect(chat.status).toBe(200);
    // The server counts on the real clock: the command reads the same period only on that clock too.
    await eventually(async () => {
      await keys(["list", "--json"], undefined, Date.now);
      return apiKeyListSchema.parse(JSON.parse(out.join("\n"))).data[0]?.usage.requests === 1;
    }, "usage visible to the command");
    // Another key keeps the server closed once this one is gone (with no key left it is open again).
    expect(await keys(["create", "other"])).toBe(0);
    expect(await keys(["revoke", "cli-made"])).toBe(0);
    await eventually(
      async () =>
        (await request(harness.app).get("/v1/models").set("authorization", `Bearer ${key}`)).status === 401,
      "revoked key refused",
      5_000,
    );
  });
});

const redisAvailable = redisServerAvailable();
describe.skipIf(!redisAvailable)("cmp-server keys (shared store, CMP_STORE_URL)", () => {
  let redis: TestRedisServer;
  const secret = new Uint8Array(randomBytes(32));
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  }, 60_000);

  it("creates keys every replica accepts, and a revocation reaches them at once", async () => {
    const shared = { storeUrl: redis.url, storePrefix: "keyscmd", storeSecret: secret };
    const store: Store = await createStore({ url: redis.url, prefix: "keyscmd", secret });
    cleanups.push(() => store.close());
    const harness = await createHarness({ store });
    cleanups.push(() => harness.close());
    expect(await keys(["create", "shared", "--rpm", "100"], shared)).toBe(0);
    const key = out[0] as string;
    await eventually(
      async () => (await request(harness.app).get("/v1/models").set("x-api-key", key)).status === 200,
      "key accepted",
    );
    expect(await keys(["list"], shared)).toBe(0);
    expect(out[1]).toMatch(/^shared\s/);
    expect(await keys(["create", "other"], shared)).toBe(0);
    expect(await keys(["revoke", "shared"], shared)).toBe(0);
    const revokedAt = Date.now();
    await eventually(
      async () => (await request(harness.app).get("/v1/models").set("x-api-key", key)).status === 401,
      "revoked key refused",
    );
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  }, 60_000);
});
