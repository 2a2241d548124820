import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiKeyListSchema, createdApiKeySchema, requestHistoryPageSchema } from "@cmp/protocol";
import { createStore, type Store } from "@cmp/store";
import { redisServerAvailable, startRedisServer, type TestRedisServer } from "@cmp/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import { connectRawRedis, type RawRedis } from "../testing/raw-redis.js";
import { hashApiKey } from "./api-key-secret.js";

const secret = new Uint8Array(randomBytes(32));
const ADMIN = "static-admin-key";
const chat = { model: "gpt-5.4", messages: [{ role: "user", content: "hi" }] };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const harnesses: Harness[] = [];
const stores: Store[] = [];
const folders: string[] = [];

async function replica(store: Store, now?: () => number): Promise<Harness> {
  const harness = await createHarness({ store, config: { apiKeys: [ADMIN] }, ...(now ? { now } : {}) });
  harnesses.push(harness);
  return harness;
}

async function createKey(h: Harness, body: Record<string, unknown>): Promise<string> {
  const res = await request(h.app).post("/v1/management/keys").set(bearer(ADMIN)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return createdApiKeySchema.parse(res.body).key;
}

async function historyOf(
  h: Harness,
  query = "",
): Promise<ReturnType<typeof requestHistoryPageSchema.parse>["data"]> {
  const res = await request(h.app).get(`/v1/management/requests${query}`).set(bearer(ADMIN));
  expect(res.status).toBe(200);
  return requestHistoryPageSchema.parse(res.body).data;
}

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

/** Every file under `dir`, with its text. */
function readTree(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...readTree(path));
    else out.push(`${path}\n${readFileSync(path, "utf8")}`);
  }
  return out;
}

describe("keys and history on the embedded store (files under CMP_HOME/store)", () => {
  async function folderStore(folder: string): Promise<Store> {
    const store = await createStore({ folder });
    stores.push(store);
    return store;
  }

  it("keeps the history across a restart, and only hashes of keys on disk", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cmp-ops-"));
    folders.push(folder);
    const first = await replica(await folderStore(folder));
    const key = await createKey(first, { name: "team", budget_tokens: 50_000, per: "month" });
    expect((await request(first.app).post("/v1/chat/completions").set(bearer(key)).send(chat)).status).toBe(
      200,
    );
    await eventually(async () => (await historyOf(first)).length === 1, "history written");
    await first.close();
    harnesses.splice(harnesses.indexOf(first), 1);
    await stores.pop()?.close();

    const second = await replica(await folderStore(folder));
    const history = await historyOf(second);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ key: "team", status: 200, api: "chat", model: "gpt-5.4" });
    expect(history[0]?.usage?.input).toBeGreaterThan(0);
    const keys = apiKeyListSchema.parse(
      (await request(second.app).get("/v1/management/keys").set(bearer(ADMIN))).body,
    );
    expect(keys.data[0]).toMatchObject({ name: "team", usage: { requests: 1 } });
    expect((await request(second.app).get("/v1/models").set(bearer(key))).status).toBe(200);

    const files = readTree(folder).join("\n");
    expect(files).toContain(hashApiKey(key));
    expect(files).not.toContain(key);
    expect(files).not.toContain(key.slice(4, 24));
  });

  it("refuses a key revoked by another process on the folder within a second (no shared pub/sub: the cache TTL)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cmp-ops-"));
    folders.push(folder);
    const one = await replica(await folderStore(folder));
    const two = await replica(await folderStore(folder));
    const key = await createKey(one, { name: "doomed" });
    await eventually(async () => (await request(two.app).get("/v1/models").set(bearer(key))).status === 200);
    expect((await request(one.app).delete("/v1/management/keys/doomed").set(bearer(ADMIN))).status).toBe(200);
    const revokedAt = Date.now();
    await eventually(async () => (await request(two.app).get("/v1/models").set(bearer(key))).status === 401);
    // The bound is the cache TTL (500 ms); the margin is for a loaded machine.
    expect(Date.now() - revokedAt).toBeLessThan(3_000);
  });
});

const redisAvailable = redisServerAvailable();
describe.skipIf(!redisAvailable)("keys, budgets and history shared by replicas on one Redis", () => {
  let redis: TestRedisServer;
  let raw: RawRedis;
  let prefixes = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = await connectRawRedis(redis.url);
  }, 60_000);
  afterAll(async () => {
    raw?.close();
    await redis?.stop();
  }, 60_000);

  async function redisStore(prefix: string): Promise<Store> {
    const store = await createStore({ url: redis.url, prefix, secret });
    stores.push(store);
    return store;
  }

  it("shares a 1,000-token daily budget between two replicas, refused once spent, accepted when the day turns", async () => {
    const prefix = `budget${++prefixes}`;
    let now = Date.parse("2026-12-05T12:00:00Z");
    const clock = () => now;
    const one = await replica(await redisStore(prefix), clock);
    const two = await replica(await redisStore(prefix), clock);
    const key = await createKey(one, { name: "small", budget_tokens: 1_000, per: "day" });
    await eventually(async () => (await request(two.app).get("/v1/models").set(bearer(key))).status === 200);

    let accepted = 0;
    let refused: request.Response | undefined;
    for (let i = 0; i < 40 && refused === undefined; i += 1) {
      const app = i % 2 === 0 ? one.app : two.app;
      const res = await request(app).post("/v1/chat/completions").set(bearer(key)).send(chat);
      if (res.status === 429) {
        refused = res;
        break;
      }
      expect(res.status).toBe(200);
      accepted += 1;
      // The usage lands when the answer ends; wait for it, so the next check sees it.
      await eventually(async () => {
        const list = apiKeyListSchema.parse(
          (await request(two.app).get("/v1/management/keys").set(bearer(ADMIN))).body,
        );
        return list.data[0]?.usage.requests === accepted;
      }, "usage counted");
    }
    expect(refused?.body.error.code).toBe("budget_exceeded");
    // Requests went through both replicas before the shared budget ran out.
    expect(accepted).toBeGreaterThanOrEqual(2);
    for (const h of [one, two]) {
      const res = await request(h.app).post("/v1/chat/completions").set(bearer(key)).send(chat);
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe("budget_exceeded");
      expect(Number(res.headers["retry-after"])).toBe(12 * 3600);
    }
    now = Date.parse("2026-12-06T00:00:00Z");
    for (const h of [one, two]) {
      expect((await request(h.app).post("/v1/chat/completions").set(bearer(key)).send(chat)).status).toBe(
        200,
      );
    }
    // The counter is one shared hash, with its expiry set.
    const counterKeys = await raw.keys(`${prefix}:counter:usage:key:small:*`);
    expect(counterKeys).toEqual([
      `${prefix}:counter:usage:key:small:day:2026-12-05`,
      `${prefix}:counter:usage:key:small:day:2026-12-06`,
    ]);
    expect(Number(await raw.command("PTTL", counterKeys[0] as string))).toBeGreaterThan(0);
  }, 120_000);

  it("refuses a revoked key within one second on every replica", async () => {
    const prefix = `revoke${++prefixes}`;
    const replicas = [
      await replica(await redisStore(prefix)),
      await replica(await redisStore(prefix)),
      await replica(await redisStore(prefix)),
    ];
    const key = await createKey(replicas[0] as Harness, { name: "doomed" });
    for (const h of replicas) {
      await eventually(async () => (await request(h.app).get("/v1/models").set(bearer(key))).status === 200);
    }
    // Each replica now has the key in its cache.
    const revoked = await request((replicas[2] as Harness).app)
      .delete("/v1/management/keys/doomed")
      .set(bearer(ADMIN));
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    const refusedAfter = await Promise.all(
      replicas.map(async (h) => {
        for (;;) {
          const res = await request(h.app).get("/v1/models").set(bearer(key));
          if (res.status === 401) return Date.now() - revokedAt;
          expect(res.status).toBe(200);
          await sleep(20);
        }
      }),
    );
    for (const ms of refusedAfter) expect(ms).toBeLessThan(1_000);
  }, 60_000);

  it("stores only hashes of keys: a scan of every key and value finds no key", async () => {
    const prefix = `scan${++prefixes}`;
    const one = await replica(await redisStore(prefix));
    const keys = [
      await createKey(one, { name: "a", admin: true }),
      await createKey(one, { name: "b", rpm: 5, budget_tokens: 10_000, models: ["gpt-5.4"] }),
    ];
    for (const key of keys) {
      expect((await request(one.app).post("/v1/chat/completions").set(bearer(key)).send(chat)).status).toBe(
        200,
      );
    }
    await eventually(async () => (await historyOf(one)).length === 2, "history written");
    const everything: string[] = [];
    for (const name of await raw.keys(`${prefix}:*`)) {
      const type = await raw.command("TYPE", name);
      const value =
        type === "string"
          ? await raw.get(name)
          : type === "hash"
            ? await raw.command("HGETALL", name)
            : type === "list"
              ? await raw.command("LRANGE", name, "0", "-1")
              : null;
      everything.push(name, JSON.stringify(value));
    }
    const text = everything.join("\n");
    for (const key of keys) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(4, 24));
      expect(text).toContain(hashApiKey(key));
    }
  }, 60_000);

  it("keeps the history across a restart of every replica", async () => {
    const prefix = `history${++prefixes}`;
    const one = await replica(await redisStore(prefix));
    for (let i = 0; i < 3; i += 1) {
      expect((await request(one.app).post("/v1/chat/completions").set(bearer(ADMIN)).send(chat)).status).toBe(
        200,
      );
    }
    await eventually(async () => (await historyOf(one)).length === 3, "history written");
    await one.close();
    harnesses.splice(harnesses.indexOf(one), 1);
    await stores.pop()?.close();
    const restarted = await replica(await redisStore(prefix));
    const history = await historyOf(restarted, "?status=ok&limit=2");
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ api: "chat", status: 200, key: null });
    expect(Date.parse(history[0]?.startedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(history[1]?.startedAt ?? ""),
    );
    expect(await historyOf(restarted, "?since=2999-01-01T00:00:00Z")).toEqual([]);
  }, 60_000);
});
