import { randomBytes } from "node:crypto";
import { createStore, type Store } from "@cmp/store";
import {
  FAKE_POOL_ACCOUNTS,
  redisServerAvailable,
  startRedisServer,
  type TestRedisServer,
} from "@cmp/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../testing/eventually.js";
import {
  type PoolFixture,
  type PoolReplica,
  startPoolFixture,
  startPoolReplica,
} from "../testing/pool-harness.js";

const A = FAKE_POOL_ACCOUNTS.a.accountId;

describe.skipIf(!redisServerAvailable())("one pool shared by two replicas over Redis", () => {
  let redis: TestRedisServer | undefined;
  let fixture: PoolFixture | undefined;
  const replicas: PoolReplica[] = [];
  const stores: Store[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  }, 60_000);
  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.close();
    for (const store of stores.splice(0)) await store.close();
    await fixture?.close();
    fixture = undefined;
  });

  it("honours on one replica the cooldown another replica set, and the recovery after the reset", async () => {
    const url = redis?.url as string;
    const secret = new Uint8Array(randomBytes(32));
    fixture = await startPoolFixture();
    for (let i = 0; i < 2; i++) {
      const store = await createStore({ url, prefix: "pool1", secret });
      stores.push(store);
      replicas.push(
        await startPoolReplica(fixture, { config: { accountStrategy: "fill-first" }, store, shared: store }),
      );
    }
    const [one, two] = replicas as [PoolReplica, PoolReplica];
    fixture.upstream.codex.setAccountUsageLimit(A, { resetsInSeconds: 1800 });

    const first = await request(one.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        messages: [{ role: "user", content: "on replica one" }],
      });
    expect(first.status).toBe(200);
    expect(first.headers["x-cmp-account"]).toBe("b");

    // Replica two never met A's limit: it learns the cooldown from the store, and does not try A.
    await eventually(
      () => two.app.context.pool.stateOf("default") === "cooling_down",
      "replica two saw the cooldown",
    );
    const callsOfA = () =>
      fixture?.upstream.codex.requests.filter((r) => r.accountId === A && r.path.endsWith("/responses"))
        .length;
    const before = callsOfA();
    const second = await request(two.app)
      .post("/v1/chat/completions")
      .send({
        model: "gpt-5.4",
        messages: [{ role: "user", content: "on replica two" }],
      });
    expect(second.status).toBe(200);
    expect(second.headers["x-cmp-account"]).toBe("b");
    expect(callsOfA()).toBe(before);
    const status = await request(two.app).get("/v1/status");
    expect(status.body.accounts[0]).toMatchObject({ name: "default", state: "cooling_down" });

    // `cmp-server accounts enable` on any machine clears it for both (a limit reset early).
    await one.app.context.pool.mark("default", null);
    await eventually(
      () => two.app.context.pool.stateOf("default") === "active",
      "replica two saw the recovery",
    );
  });
});
