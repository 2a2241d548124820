import { FAKE_POOL_ACCOUNTS, loadBundledCatalog, usageLimitStreamEvents } from "@cmp/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { runAccountsCommand } from "../commands/accounts.js";
import { sseData } from "../testing/app-harness.js";
import {
  type PoolFixture,
  type PoolReplica,
  startPoolFixture,
  startPoolReplica,
} from "../testing/pool-harness.js";

const A = FAKE_POOL_ACCOUNTS.a.accountId;
const B = FAKE_POOL_ACCOUNTS.b.accountId;
const C = FAKE_POOL_ACCOUNTS.c.accountId;

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-5.4",
  messages: [{ role: "user", content }],
  ...extra,
});

describe("the account pool (three accounts on the fake backend)", () => {
  let fixture: PoolFixture | undefined;
  const replicas: PoolReplica[] = [];
  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.close();
    await fixture?.close();
    fixture = undefined;
  });
  const start = async (config: Parameters<typeof startPoolReplica>[1] = {}) => {
    fixture = await startPoolFixture();
    const replica = await startPoolReplica(fixture, config);
    replicas.push(replica);
    return { fixture, replica, app: replica.app };
  };
  const accountsSeen = (f: PoolFixture) =>
    f.upstream.codex.requests
      .filter((r) => r.path.endsWith("/responses") && r.authorized)
      .map((r) => r.accountId);

  it("moves to B when A hits its limit mid-run, with no failed request, and uses A again after its reset", async () => {
    const { fixture: f, app } = await start({ config: { accountStrategy: "fill-first" } });
    f.upstream.codex.setAccountUsageLimit(A, { afterRequests: 2, resetsInSeconds: 3600 });
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await request(app)
        .post("/v1/chat/completions")
        .send(chat(`hello ${i}`));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      served.push(res.headers["x-cmp-account"] as string);
    }
    expect(served).toEqual(["default", "default", "b", "b", "b", "b"]);
    const status = await request(app).get("/v1/status");
    const a = status.body.accounts.find((x: { name: string }) => x.name === "default");
    expect(a.state).toBe("cooling_down");
    expect(Date.parse(a.cooldown_until) - f.clock.now()).toBeGreaterThan(3_500_000);
    // After the reset A serves again (fill-first: the first usable account).
    f.clock.advance(3_601_000);
    const after = await request(app).post("/v1/chat/completions").send(chat("after the reset"));
    expect(after.status).toBe(200);
    expect(after.headers["x-cmp-account"]).toBe("default");
    expect(accountsSeen(f).at(-1)).toBe(A);
  });

  it("ends a stream that started on A with an error event instead of switching, then serves on B", async () => {
    const { fixture: f, app } = await start({ config: { accountStrategy: "fill-first" } });
    // The backend's stream fails with the limit after some output reached the client (paced, so the
    // first text is out before the failure arrives).
    f.upstream.codex.setScenario((req) =>
      req.accountId === A
        ? {
            events: usageLimitStreamEvents({
              model: req.model,
              planType: "pro",
              resetsAt: Math.floor((req.nowMs ?? Date.now()) / 1000) + 600,
              nowMs: req.nowMs ?? Date.now(),
            }),
            eventDelayMs: 200,
          }
        : "text",
    );
    const res = await request(app)
      .post("/v1/chat/completions")
      .send(chat("stream", { stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers["x-cmp-account"]).toBe("default");
    const events = sseData(res.text);
    expect(events.at(-1)).toBe("[DONE]");
    const error = events.at(-2) as { error?: { code?: string } };
    expect(error.error?.code).toBe("usage_limit_reached");
    const text = events
      .slice(0, -2)
      .map((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? "")
      .join("");
    expect(text.length).toBeGreaterThan(0);
    expect(accountsSeen(f).filter((id) => id !== A)).toEqual([]);
    // A answers the next request with the limit itself (HTTP 429): it moves to B, and A cools down.
    f.upstream.codex.setScenario(null);
    f.upstream.codex.setAccountUsageLimit(A, { resetsInSeconds: 600 });
    const next = await request(app).post("/v1/chat/completions").send(chat("next"));
    expect(next.status).toBe(200);
    expect(next.headers["x-cmp-account"]).toBe("b");
  });

  it("answers one 429 naming every reset, with the earliest Retry-After, when every account is spent", async () => {
    const { fixture: f, app } = await start();
    f.upstream.codex.setAccountUsageLimit(A, { resetsInSeconds: 3000 });
    f.upstream.codex.setAccountUsageLimit(B, { resetsInSeconds: 1200 });
    f.upstream.codex.setAccountUsageLimit(C, { resetsInSeconds: 7200 });
    const first = await request(app).post("/v1/chat/completions").send(chat("spent"));
    expect(first.status).toBe(429);
    expect(first.body.error.code).toBe("usage_limit_reached");
    for (const name of ["default", "b", "c"])
      expect(first.body.error.message).toContain(`${name}: limit reached, resets`);
    expect(Number(first.headers["retry-after"])).toBeGreaterThanOrEqual(1199);
    expect(Number(first.headers["retry-after"])).toBeLessThanOrEqual(1201);
    // Now known to be spent: the next request is refused without a backend call.
    const calls = f.upstream.codex.requests.length;
    const again = await request(app).post("/v1/chat/completions").send(chat("again"));
    expect(again.status).toBe(429);
    expect(f.upstream.codex.requests.length).toBe(calls);
  });

  it("keeps a 20-turn conversation on one account while it is usable", async () => {
    const { fixture: f, app } = await start();
    const messages: { role: string; content: string }[] = [{ role: "system", content: "be brief" }];
    const others = [chat("other conversation 1"), chat("other conversation 2")];
    for (let turn = 0; turn < 20; turn++) {
      messages.push({ role: "user", content: `turn ${turn}` });
      const res = await request(app).post("/v1/chat/completions").send({ model: "gpt-5.4", messages });
      expect(res.status).toBe(200);
      messages.push({ role: "assistant", content: res.body.choices[0].message.content });
      // Other conversations in between move the round-robin of ties; this one must not move.
      await request(app)
        .post("/v1/chat/completions")
        .send(others[turn % 2]);
    }
    const key = f.upstream.codex.requests.find(
      (r) => r.authorized && JSON.stringify(r.body).includes("turn 19"),
    )?.sessionId;
    expect(key).toBeDefined();
    expect(f.upstream.codex.accountsBySession().get(key as string)).toHaveLength(1);
  });

  it("marks B as needing a login when its token is revoked; A and C keep serving; `accounts` says why", async () => {
    const { fixture: f, app } = await start({ config: { accountStrategy: "round-robin" } });
    f.upstream.auth.revokeAccount(B);
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await request(app)
        .post("/v1/chat/completions")
        .send(chat(`rr ${i}`));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      served.push(res.headers["x-cmp-account"] as string);
    }
    expect(served).not.toContain("b");
    expect(new Set(served)).toEqual(new Set(["default", "c"]));
    const status = await request(app).get("/v1/status");
    const b = status.body.accounts.find((x: { name: string }) => x.name === "b");
    expect(b.state).toBe("needs_login");
    expect(b.last_error).toMatch(/token_revoked|reauth_required/);
    const out: string[] = [];
    const code = await runAccountsCommand([], {
      home: f.home,
      authIssuer: f.upstream.auth.issuer,
      callbackPort: 0,
      callbackPortIsDefault: false,
      codexHome: f.home,
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      stdin: process.stdin,
    });
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/^b: b@example.com, plus plan; needs login$/m);
    expect(text).toMatch(/last error: (token_revoked|reauth_required)/);
    expect(text).not.toMatch(/eyJ/);
  });

  it("routes a model that only B's plan offers to B", async () => {
    const { fixture: f, app } = await start();
    const catalog = loadBundledCatalog() as { models: { slug: string }[] };
    const slug = catalog.models.map((m) => m.slug).find((s) => s !== "gpt-5.4") as string;
    f.upstream.codex.setPlanModels({ onlyFor: { [slug]: ["plus"] } });
    for (let i = 0; i < 3; i++) {
      const res = await request(app)
        .post("/v1/chat/completions")
        .send(chat(`only b ${i}`, { model: slug }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers["x-cmp-account"]).toBe("b");
    }
    expect(accountsSeen(f).every((id) => id === B)).toBe(true);
  });
});
