import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeCodexServer } from "./fake-codex-server.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";
import { FAKE_POOL_ACCOUNTS } from "./pool-accounts.js";
import { parseSseFrames } from "./testing/parse-sse-frames.js";
import { pick } from "./testing/pick.js";
import { accountHeaders, type PoolLogin, postResponses, responsesBody } from "./testing/pool-client.js";
import type { FakeAccount } from "./token-claims.js";

const { a, b, c } = FAKE_POOL_ACCOUNTS;
const START = Date.UTC(2026, 11, 1, 12, 0, 0);
const START_S = START / 1000;

let clock = START;
let upstream: FakeUpstream;
let logins: Record<"a" | "b" | "c", PoolLogin>;

beforeEach(async () => {
  clock = START;
  // Week-long access tokens: the tests move the clock hours ahead.
  upstream = await startFakeUpstream({
    now: () => clock,
    auth: { config: { accessTokenTtlSeconds: 7 * 86_400 } },
  });
  const login = async (account: FakeAccount): Promise<PoolLogin> => ({
    accountId: account.accountId,
    tokens: await upstream.auth.issueTokens(account),
  });
  logins = { a: await login(a), b: await login(b), c: await login(c) };
});
afterEach(async () => {
  await upstream.close();
});

const post = (login: PoolLogin, options: Parameters<typeof postResponses>[2] = {}) =>
  postResponses(upstream.codex.baseUrl, login, options);

async function getModels(login: PoolLogin): Promise<{ res: Response; slugs: string[] }> {
  const res = await fetch(`${upstream.codex.baseUrl}/models?client_version=0.999.0`, {
    headers: accountHeaders(login),
  });
  const body = (await res.json()) as { models?: { slug: string }[] };
  return { res, slugs: (body.models ?? []).map((m) => m.slug) };
}

function usageLimitBody(planType: string, resetsAt: number, nowS: number) {
  return {
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: planType,
      resets_at: resetsAt,
      resets_in_seconds: resetsAt - nowS,
    },
  };
}

describe("per-account quota", () => {
  it("sends an account its own quota headers and plan type; other accounts keep the shared quota", async () => {
    upstream.codex.setAccountQuota(a.accountId, {
      primary: { usedPercent: 12.5, resetAt: START_S + 900 },
      secondary: { usedPercent: 3 },
      planType: "pro",
    });
    const answerA = await post(logins.a);
    expect(answerA.res.status).toBe(200);
    expect(answerA.res.headers.get("x-codex-primary-used-percent")).toBe("12.5");
    expect(answerA.res.headers.get("x-codex-primary-reset-at")).toBe(String(START_S + 900));
    expect(answerA.res.headers.get("x-codex-primary-reset-after-seconds")).toBe("900");
    expect(answerA.res.headers.get("x-codex-secondary-used-percent")).toBe("3");
    expect(answerA.res.headers.get("x-codex-plan-type")).toBe("pro");
    expect((await getModels(logins.a)).res.headers.get("x-codex-primary-used-percent")).toBe("12.5");

    const answerB = await post(logins.b);
    expect(answerB.res.headers.get("x-codex-primary-used-percent")).toBe("42.5");
    expect(answerB.res.headers.get("x-codex-plan-type")).toBeNull();

    upstream.codex.clearAccount(a.accountId);
    expect((await post(logins.a)).res.headers.get("x-codex-primary-used-percent")).toBe("42.5");
  });
});

describe("per-account usage limit", () => {
  it("refuses every request of the account with the real 429 body and 100 % until the clock passes the reset", async () => {
    upstream.codex.setAccountQuota(b.accountId, { primary: { usedPercent: 97 } });
    upstream.codex.setAccountUsageLimit(b.accountId, { resetsInSeconds: 600 });
    const resetsAt = START_S + 600;

    const limited = await post(logins.b);
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get("content-type")).toBe("application/json");
    expect(limited.text).toBe(JSON.stringify(usageLimitBody("plus", resetsAt, START_S)));
    expect(limited.res.headers.get("x-codex-primary-used-percent")).toBe("100");
    expect(limited.res.headers.get("x-codex-primary-reset-at")).toBe(String(resetsAt));
    expect(limited.res.headers.get("x-codex-primary-reset-after-seconds")).toBe("600");

    // Compaction is refused too; the catalog is still served (with the 100 % headers).
    const compact = await post(logins.b, {
      path: "/responses/compact",
      body: { model: "gpt-5.4", instructions: "", input: [{ type: "compaction_trigger" }] },
    });
    expect(compact.res.status).toBe(429);
    const models = await getModels(logins.b);
    expect(models.res.status).toBe(200);
    expect(models.res.headers.get("x-codex-primary-used-percent")).toBe("100");

    // Another account is served meanwhile.
    expect((await post(logins.a)).res.status).toBe(200);

    clock += 300_000;
    const later = await post(logins.b);
    expect(later.res.status).toBe(429);
    expect(JSON.parse(later.text)).toEqual(usageLimitBody("plus", resetsAt, START_S + 300));
    expect(upstream.codex.accountState(b.accountId).usageLimit).toMatchObject({
      state: "active",
      resetsAt,
    });

    clock += 300_000;
    const after = await post(logins.b);
    expect(after.res.status).toBe(200);
    // The window starts afresh: 0 % with the next reset one window (300 min) later.
    expect(after.res.headers.get("x-codex-primary-used-percent")).toBe("0");
    expect(after.res.headers.get("x-codex-primary-reset-at")).toBe(String(resetsAt + 300 * 60));
    expect(upstream.codex.accountState(b.accountId).usageLimit).toBeNull();
  });

  it("answers 404 with the same body when asked to, and limits the secondary window", async () => {
    upstream.codex.setAccountUsageLimit(c.accountId, {
      status: 404,
      window: "secondary",
      resetsAt: START_S + 86_400,
    });
    const limited = await post(logins.c);
    expect(limited.res.status).toBe(404);
    expect(JSON.parse(limited.text)).toEqual(usageLimitBody("free", START_S + 86_400, START_S));
    expect(limited.res.headers.get("x-codex-secondary-used-percent")).toBe("100");
    expect(limited.res.headers.get("x-codex-secondary-reset-at")).toBe(String(START_S + 86_400));
    expect(limited.res.headers.get("x-codex-primary-used-percent")).toBe("42.5");
  });

  it("afterRequests: serves that many more requests, then the limit holds", async () => {
    upstream.codex.setAccountUsageLimit(a.accountId, { afterRequests: 2, resetsInSeconds: 60 });
    expect(upstream.codex.accountState(a.accountId).usageLimit).toEqual({
      state: "pending",
      remaining: 2,
      resetsAt: null,
      status: 429,
      midStream: false,
      window: "primary",
    });
    expect((await post(logins.a)).res.status).toBe(200);
    expect((await post(logins.a)).res.status).toBe(200);
    clock += 5_000;
    const limited = await post(logins.a);
    expect(limited.res.status).toBe(429);
    // The reset counts from the moment the limit was hit.
    expect(JSON.parse(limited.text)).toEqual(usageLimitBody("pro", START_S + 5 + 60, START_S + 5));
    expect((await post(logins.a)).res.status).toBe(429);
    upstream.codex.setAccountUsageLimit(a.accountId, null);
    expect((await post(logins.a)).res.status).toBe(200);
  });

  it("midStream: the stream that hits the limit has output, then response.failed usage_limit_reached", async () => {
    upstream.codex.setAccountUsageLimit(b.accountId, { midStream: true, afterRequests: 1 });
    expect((await post(logins.b)).res.status).toBe(200);

    const { res, text } = await post(logins.b);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // The stream started before the limit: its headers show the quota as it was.
    expect(res.headers.get("x-codex-primary-used-percent")).toBe("42.5");
    const frames = parseSseFrames(text);
    const types = frames.map((f) => pick(f.data, "type"));
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.failed",
    ]);
    expect(frames.map((f) => pick(f.data, "sequence_number"))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const failed = frames.at(-1)?.data;
    expect(pick(failed, "response", "status")).toBe("failed");
    expect(pick(failed, "response", "id")).toBe(pick(frames[0]?.data, "response", "id"));
    expect(pick(failed, "response", "error")).toEqual({
      code: "usage_limit_reached",
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "plus",
      resets_at: START_S + 3600,
      resets_in_seconds: 3600,
    });

    const next = await post(logins.b);
    expect(next.res.status).toBe(429);
    expect(next.res.headers.get("x-codex-primary-used-percent")).toBe("100");
  });
});

describe("deactivated workspace", () => {
  it("answers every request of the account 402 deactivated_workspace, /models included", async () => {
    upstream.codex.setAccountDeactivated(c.accountId, true);
    const refused = await post(logins.c);
    expect(refused.res.status).toBe(402);
    expect(refused.res.headers.get("content-type")).toBe("application/json");
    expect(refused.text).toBe('{"detail":{"code":"deactivated_workspace"}}');
    const models = await getModels(logins.c);
    expect(models.res.status).toBe(402);
    expect((await post(logins.a)).res.status).toBe(200);
    expect(upstream.codex.accountState(c.accountId).deactivated).toBe(true);

    upstream.codex.setAccountDeactivated(c.accountId, false);
    expect((await post(logins.c)).res.status).toBe(200);
  });
});

describe("per-plan model catalogs", () => {
  beforeEach(() => {
    upstream.codex.setPlanModels({ lacks: { free: ["gpt-5.5"] }, onlyFor: { "gpt-5.6-sol": ["pro"] } });
  });

  it("GET /models lists the caller's plan's models, with that catalog's ETag", async () => {
    const pro = await getModels(logins.a);
    const plus = await getModels(logins.b);
    const free = await getModels(logins.c);
    expect(pro.slugs).toContain("gpt-5.6-sol");
    expect(pro.slugs).toContain("gpt-5.5");
    expect(pro.res.headers.get("etag")).toBe(upstream.codex.catalogEtag());
    expect(plus.slugs).not.toContain("gpt-5.6-sol");
    expect(plus.slugs).toContain("gpt-5.5");
    expect(free.slugs).toEqual(pro.slugs.filter((s) => s !== "gpt-5.6-sol" && s !== "gpt-5.5"));
    const freeEtag = free.res.headers.get("etag");
    expect(freeEtag).not.toBe(upstream.codex.catalogEtag());
    expect(free.res.headers.get("x-models-etag")).toBe(freeEtag);
    expect((await post(logins.c)).res.headers.get("x-models-etag")).toBe(freeEtag);

    upstream.codex.setPlanModels(null);
    expect((await getModels(logins.c)).slugs).toEqual(pro.slugs);
  });

  it("refuses a model the caller's plan lacks with the backend's 400", async () => {
    const refused = await post(logins.c, { body: responsesBody({ model: "gpt-5.5" }) });
    expect(refused.res.status).toBe(400);
    expect(JSON.parse(refused.text)).toEqual({
      detail: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account.",
    });
    expect((await post(logins.a, { body: responsesBody({ model: "gpt-5.5" }) })).res.status).toBe(200);
    expect((await post(logins.c, { body: responsesBody({ model: "gpt-5.4" }) })).res.status).toBe(200);
  });
});

describe("observation", () => {
  it("records the account and session of every request and groups accounts by session", async () => {
    for (let turn = 0; turn < 3; turn += 1) {
      await post(logins.a, { sessionId: "conv-1", body: responsesBody({ prompt_cache_key: "conv-1" }) });
      await post(logins.b, { sessionId: "conv-2", body: responsesBody({ prompt_cache_key: "conv-2" }) });
    }
    // A request with only the body key, and one refused at authorisation: the latter is not counted.
    await post(logins.c, { body: responsesBody({ prompt_cache_key: "conv-3" }) });
    await post({ accountId: a.accountId, tokens: { access_token: "garbage" } }, { sessionId: "conv-2" });

    expect(upstream.codex.requests[0]).toMatchObject({
      accountId: a.accountId,
      authorized: true,
      sessionId: "conv-1",
      promptCacheKey: "conv-1",
    });
    expect(upstream.codex.requests.at(-1)).toMatchObject({ accountId: a.accountId, authorized: false });
    expect(upstream.codex.accountsBySession()).toEqual(
      new Map([
        ["conv-1", [a.accountId]],
        ["conv-2", [b.accountId]],
        ["conv-3", [c.accountId]],
      ]),
    );

    // conv-1 fails over to B.
    await post(logins.b, { sessionId: "conv-1" });
    expect(upstream.codex.accountsBySession().get("conv-1")).toEqual([a.accountId, b.accountId]);
  });
});

describe("the fake clock", () => {
  it("dates the usage-limit scenario's reset from the injected clock", async () => {
    upstream.codex.setScenario("usage-limit");
    const { res, text } = await post(logins.b);
    expect(res.status).toBe(429);
    expect(JSON.parse(text)).toEqual(usageLimitBody("plus", START_S + 3600, START_S));
  });
});

describe("without an auth server", () => {
  it("keys the switches by the ChatGPT-Account-ID header of any bearer", async () => {
    const codex = await startFakeCodexServer({
      now: () => clock,
      planModels: { lacks: { pro: ["gpt-5.4"] } },
    });
    try {
      codex.setAccountUsageLimit("acc_x", { resetsInSeconds: 30 });
      const login = { accountId: "acc_x", tokens: { access_token: "test" } };
      const limited = await postResponses(codex.baseUrl, login);
      expect(limited.res.status).toBe(429);
      expect(JSON.parse(limited.text)).toEqual(usageLimitBody("pro", START_S + 30, START_S));
      const other = await postResponses(codex.baseUrl, {
        accountId: "acc_y",
        tokens: { access_token: "test" },
      });
      expect(other.res.status).toBe(400);
      expect(JSON.parse(other.text)).toEqual({
        detail: "The 'gpt-5.4' model is not supported when using Codex with a ChatGPT account.",
      });
    } finally {
      await codex.close();
    }
  });
});
