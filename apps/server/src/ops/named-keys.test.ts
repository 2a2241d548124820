import { apiKeyListSchema, createdApiKeySchema, requestHistoryPageSchema } from "@cmp/protocol";
import request from "supertest";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HttpContext } from "../http/http-context.js";
import { createHarness, type Harness } from "../testing/app-harness.js";
import { eventually } from "../testing/eventually.js";
import { REDACTED } from "./redact-secrets.js";
import {
  isAdminRequest,
  mayPinAccount,
  OPEN_IDENTITY,
  requestKeyName,
  STATIC_IDENTITY,
  setRequestIdentity,
} from "./request-identity.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const chat = (model = "gpt-5.4") => ({ model, messages: [{ role: "user", content: "hi" }] });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Creates a key through the HTTP API (as `admin`, or on an open server) and returns it. */
async function createKey(h: Harness, body: Record<string, unknown>, admin?: string): Promise<string> {
  const req = request(h.app).post("/v1/management/keys");
  if (admin) req.set(bearer(admin));
  const res = await req.send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return createdApiKeySchema.parse(res.body).key;
}

describe("named API keys", () => {
  it("requires a key once a named key exists, even without CMP_API_KEYS", async () => {
    harness = await createHarness();
    expect((await request(harness.app).get("/v1/models")).status).toBe(200);
    const key = await createKey(harness, { name: "ci", admin: true });
    expect(key).toMatch(/^cmp-[A-Za-z0-9_-]{43}$/);
    const missing = await request(harness.app).get("/v1/models");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("missing_api_key");
    const wrong = await request(harness.app)
      .get("/v1/models")
      .set(bearer(`cmp-${"A".repeat(43)}`));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_api_key");
    expect((await request(harness.app).get("/v1/models").set("x-api-key", key)).status).toBe(200);
    // Public paths stay public.
    expect((await request(harness.app).get("/health")).status).toBe(200);
  });

  it("opens a loopback server without CMP_API_KEYS again once its last named key is revoked", async () => {
    harness = await createHarness();
    const key = await createKey(harness, { name: "only", admin: true });
    expect((await request(harness.app).get("/v1/models")).status).toBe(401);
    expect((await request(harness.app).delete("/v1/management/keys/only").set(bearer(key))).status).toBe(200);
    expect((await request(harness.app).get("/v1/models")).status).toBe(200);
  });

  it("keeps CMP_API_KEYS and CMP_API_KEY working as full-access keys next to named ones", async () => {
    harness = await createHarness({ config: { apiKeys: ["static-key"], dashboardApiKey: "dash-key" } });
    const named = await createKey(harness, { name: "user" }, "static-key");
    for (const key of ["static-key", "dash-key"]) {
      expect((await request(harness.app).get("/v1/management/keys").set(bearer(key))).status, key).toBe(200);
    }
    expect((await request(harness.app).get("/v1/models").set(bearer(named))).status).toBe(200);
  });

  it("gives non-admin keys 403 on every management route, and admin keys access", async () => {
    harness = await createHarness();
    const admin = await createKey(harness, { name: "ops", admin: true });
    const user = await createKey(harness, { name: "user" }, admin);
    const routes: Array<[string, string]> = [
      ["get", "/v1/management/keys"],
      ["post", "/v1/management/keys"],
      ["delete", "/v1/management/keys/ops"],
      ["get", "/v1/management/requests"],
      ["get", "/v1/management/events"],
    ];
    for (const [method, path] of routes) {
      const res = await (request(harness.app) as unknown as Record<string, (p: string) => request.Test>)
        [method]?.(path)
        .set(bearer(user))
        .send({ name: "x" });
      expect(res?.status, `${method} ${path}`).toBe(403);
      expect(res?.body.error.code).toBe("admin_required");
    }
    expect((await request(harness.app).get("/v1/models").set(bearer(user))).status).toBe(200);
    const list = await request(harness.app).get("/v1/management/keys").set(bearer(admin));
    expect(list.status).toBe(200);
    const parsed = apiKeyListSchema.parse(list.body);
    expect(parsed.data.map((info) => [info.name, info.admin])).toEqual([
      ["ops", true],
      ["user", false],
    ]);
  });

  it("refuses a model the key may not use (403 model_not_allowed), and records it", async () => {
    harness = await createHarness();
    const admin = await createKey(harness, { name: "ops", admin: true });
    const mini = await createKey(harness, { name: "mini-only", models: ["gpt-5.4-mini"] }, admin);
    const refused = await request(harness.app)
      .post("/v1/chat/completions")
      .set(bearer(mini))
      .send(chat("gpt-5.4"));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "model_not_allowed", param: "model" });
    expect(refused.body.error.message).toContain("gpt-5.4-mini");
    const allowed = await request(harness.app)
      .post("/v1/chat/completions")
      .set(bearer(mini))
      .send(chat("GPT-5.4-mini"));
    expect(allowed.status).toBe(200);
    await eventually(async () => {
      const page = await request(harness!.app)
        .get("/v1/management/requests?key=mini-only")
        .set(bearer(admin));
      return page.body.data?.length === 2;
    }, "history of mini-only");
    const page = await request(harness.app)
      .get("/v1/management/requests?key=mini-only&status=4xx")
      .set(bearer(admin));
    const entries = requestHistoryPageSchema.parse(page.body).data;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ key: "mini-only", status: 403, errorCode: "model_not_allowed" });
  });

  it("answers 429 rate_limit_exceeded over the requests per minute, with Retry-After", async () => {
    let now = Date.parse("2026-12-05T10:00:10Z");
    harness = await createHarness({ now: () => now });
    const admin = await createKey(harness, { name: "ops", admin: true });
    const slow = await createKey(harness, { name: "slow", rpm: 2 }, admin);
    for (let i = 0; i < 2; i += 1) {
      expect(
        (await request(harness.app).post("/v1/chat/completions").set(bearer(slow)).send(chat())).status,
      ).toBe(200);
    }
    const limited = await request(harness.app).post("/v1/chat/completions").set(bearer(slow)).send(chat());
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limit_exceeded");
    expect(limited.body.error.message).toContain("2 requests per minute");
    expect(limited.headers["retry-after"]).toBe("50");
    // Only the routes that call the backend count.
    expect((await request(harness.app).get("/v1/models").set(bearer(slow))).status).toBe(200);
    now += 60_000;
    expect(
      (await request(harness.app).post("/v1/chat/completions").set(bearer(slow)).send(chat())).status,
    ).toBe(200);
  });

  it("refuses a spent daily budget with 429 budget_exceeded until the UTC day turns (fake clock)", async () => {
    let now = Date.parse("2026-12-05T22:00:00Z");
    harness = await createHarness({ now: () => now });
    const admin = await createKey(harness, { name: "ops", admin: true });
    const small = await createKey(harness, { name: "small", budget_tokens: 1_000, per: "day" }, admin);
    let refused: request.Response | undefined;
    for (let i = 0; i < 30 && refused === undefined; i += 1) {
      const res = await request(harness.app).post("/v1/chat/completions").set(bearer(small)).send(chat());
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
      // Usage is counted when the answer ended: let it land before the next check.
      await eventually(async () => {
        const list = apiKeyListSchema.parse(
          (await request(harness!.app).get("/v1/management/keys").set(bearer(admin))).body,
        );
        return (
          list.data.find((info) => info.name === "small")?.usage.requests === i + (res.status === 429 ? 0 : 1)
        );
      }, "usage counted");
    }
    expect(refused?.body.error.code).toBe("budget_exceeded");
    expect(refused?.body.error.message).toContain("2026-12-06T00:00:00.000Z");
    expect(refused?.headers["retry-after"]).toBe("7200");
    const info = apiKeyListSchema
      .parse((await request(harness.app).get("/v1/management/keys").set(bearer(admin))).body)
      .data.find((key) => key.name === "small");
    expect(info?.budget?.used).toBeGreaterThanOrEqual(1_000);
    expect(info?.budget?.resets_at).toBe("2026-12-06T00:00:00.000Z");
    now = Date.parse("2026-12-06T00:00:01Z");
    expect(
      (await request(harness.app).post("/v1/chat/completions").set(bearer(small)).send(chat())).status,
    ).toBe(200);
  });

  it("refuses a revoked key at once on the replica that revoked it", async () => {
    harness = await createHarness();
    const admin = await createKey(harness, { name: "ops", admin: true });
    const doomed = await createKey(harness, { name: "doomed" }, admin);
    expect((await request(harness.app).get("/v1/models").set(bearer(doomed))).status).toBe(200);
    const revoked = await request(harness.app).delete("/v1/management/keys/doomed").set(bearer(admin));
    expect(revoked.status).toBe(200);
    expect((await request(harness.app).get("/v1/models").set(bearer(doomed))).status).toBe(401);
    const again = await request(harness.app).delete("/v1/management/keys/doomed").set(bearer(admin));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("key_not_found");
  });

  it("validates key settings (400) and refuses a taken name (409)", async () => {
    harness = await createHarness();
    const admin = await createKey(harness, { name: "ops", admin: true });
    const cases: Array<Record<string, unknown>> = [
      { name: "bad name" },
      { name: "x", per: "week" },
      { name: "x", budget_tokens: -1 },
      { name: "x", rpm: 1.5 },
      { name: "x", per: "year", budget_tokens: 5 },
      { name: "x", models: [] },
      { name: "x", unknown: true },
    ];
    for (const body of cases) {
      const res = await request(harness.app).post("/v1/management/keys").set(bearer(admin)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const taken = await request(harness.app)
      .post("/v1/management/keys")
      .set(bearer(admin))
      .send({ name: "ops" });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("key_exists");
  });

  it("keeps request bodies in the history only with CMP_LOG_BODIES=1, with secrets redacted", async () => {
    harness = await createHarness({ config: { logBodies: true } });
    const secret = `sk-${"s".repeat(40)}`;
    const sent = await request(harness.app)
      .post("/v1/chat/completions")
      .send({ model: "gpt-5.4", messages: [{ role: "user", content: `my key is ${secret}` }] });
    expect(sent.status).toBe(200);
    let body: unknown;
    await eventually(async () => {
      const page = await request(harness!.app).get("/v1/management/requests");
      body = page.body.data?.[0]?.body;
      return body !== undefined;
    }, "history entry with body");
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(body).toMatchObject({ messages: [{ content: `my key is ${REDACTED}` }] });
    await harness.close();
    harness = await createHarness();
    await request(harness.app).post("/v1/chat/completions").send(chat());
    await eventually(
      async () => (await request(harness!.app).get("/v1/management/requests")).body.data?.length === 1,
    );
    const page = await request(harness.app).get("/v1/management/requests");
    expect(page.body.data[0]).not.toHaveProperty("body");
    expect(page.body.data[0]).toMatchObject({ api: "chat", status: 200, key: null, model: "gpt-5.4" });
  });

  it("counts every finished request per pool account and per model (UTC days), keys or not", async () => {
    const now = Date.parse("2026-12-05T08:00:00Z");
    harness = await createHarness({ now: () => now });
    expect((await request(harness.app).post("/v1/chat/completions").send(chat())).status).toBe(200);
    const { usage } = harness.app.context.ops;
    await eventually(
      async () => (await usage.dayUsage("model", "gpt-5.4", now)).requests === 1,
      "model usage",
    );
    const history = (await request(harness.app).get("/v1/management/requests")).body.data;
    const account = history[0]?.account as string;
    expect(account).toBeTruthy();
    const perAccount = await usage.dayUsage("account", account, now);
    expect(perAccount.requests).toBe(1);
    expect(perAccount.input).toBeGreaterThan(0);
    expect((await usage.dayUsage("account", account, now + 86_400_000)).requests).toBe(0);
  });

  it("reads the key registry at most about twice a second without named keys, never per request", async () => {
    harness = await createHarness();
    const list = vi.spyOn(harness.app.context.ops.registry, "list");
    const started = Date.now();
    for (let i = 0; i < 40; i += 1) expect((await request(harness.app).get("/v1/models")).status).toBe(200);
    const elapsed = Date.now() - started;
    expect(list.mock.calls.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 500));
    expect(list.mock.calls.length).toBeLessThan(40);
  });
});

describe("isAdminRequest and mayPinAccount", () => {
  it("allow an open server, CMP_API_KEYS keys and admin named keys; not user keys nor unchecked requests", () => {
    const context = () => ({}) as HttpContext;
    const base = {
      hash: "00",
      created_at: "2026-12-05T00:00:00.000Z",
      models: null,
      rpm: null,
      budget: null,
    };
    const cases: Array<[HttpContext, boolean, string | null]> = [];
    const open = context();
    setRequestIdentity(open, OPEN_IDENTITY);
    cases.push([open, true, null]);
    const unnamed = context();
    setRequestIdentity(unnamed, STATIC_IDENTITY);
    cases.push([unnamed, true, null]);
    const admin = context();
    setRequestIdentity(admin, { kind: "named", key: { ...base, name: "ops", admin: true } });
    cases.push([admin, true, "ops"]);
    const user = context();
    setRequestIdentity(user, { kind: "named", key: { ...base, name: "user", admin: false } });
    cases.push([user, false, "user"]);
    cases.push([context(), false, null]);
    for (const [http, allowed, name] of cases) {
      expect(isAdminRequest(http)).toBe(allowed);
      expect(mayPinAccount(http)).toBe(allowed);
      expect(requestKeyName(http)).toBe(name);
    }
  });
});
