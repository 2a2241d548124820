import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodeOf, postChat } from "../harness/chat-request.js";
import { sendRequest } from "../harness/http-request.js";
import { type ProxyFixture, type ProxyFixtureOptions, startProxyFixture } from "../harness/proxy-fixture.js";
import { checkReply } from "../harness/reply-check.js";
import { recordCategory } from "../summary.js";

let fixture: ProxyFixture | undefined;
let tried = 0;
let failed = 0;

async function start(options: ProxyFixtureOptions): Promise<ProxyFixture> {
  fixture = await startProxyFixture(options);
  return fixture;
}

afterEach(async () => {
  const leaks = await fixture?.close();
  fixture = undefined;
  expect(leaks ?? []).toEqual([]);
});

/** Runs one fault case, counting it for the summary. */
function fault(name: string, body: () => Promise<void>, timeoutMs = 60_000): void {
  it(
    name,
    async () => {
      tried += 1;
      try {
        await body();
      } catch (error) {
        failed += 1;
        throw error;
      } finally {
        if (name.startsWith("LAST"))
          recordCategory({
            category: "faults: login (token endpoint, upstream 401)",
            cases: tried,
            failures: failed,
          });
      }
    },
    timeoutMs,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readAuth = (path: string) => readFileSync(path, "utf8");

const refreshGrants = (f: ProxyFixture) =>
  f.upstream.auth.requests.filter(
    (r) => r.path === "/oauth/token" && (r.body as { grant_type?: string })?.grant_type === "refresh_token",
  );

async function untilOk(f: ProxyFixture, deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const res = await postChat(f.server.baseUrl);
    if (res.status === 200 || Date.now() > end) return res.status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("login faults: the login survives, the client gets a clear error, no refresh loop", () => {
  fault(
    "token endpoint fails (500) while an expired token is refreshed → 503 auth_unavailable, login kept, recovers",
    async () => {
      const f = await start({ accessTokenTtlSeconds: -60 });
      const before = readFileSync(f.authPath, "utf8");
      f.upstream.auth.configure({ tokenEndpoint: "fail500" });
      const res = await postChat(f.server.baseUrl);
      expect(checkReply(res, "chat", f.secrets)).toEqual([]);
      expect(res.status).toBe(503);
      expect(errorCodeOf(res)).toBe("auth_unavailable");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(readFileSync(f.authPath, "utf8"), "auth.json untouched").toBe(before);
      f.upstream.auth.configure({ tokenEndpoint: "ok" });
      expect(await untilOk(f, 40_000)).toBe(200);
      expect(f.upstream.auth.counters.refresh).toBe(1);
    },
  );

  fault(
    "token endpoint hangs during the refresh → 503 auth_unavailable after the refresh timeout, login kept, recovers",
    async () => {
      const f = await start({ accessTokenTtlSeconds: -60 });
      const before = readFileSync(f.authPath, "utf8");
      f.upstream.auth.configure({ tokenEndpoint: "timeout" });
      const res = await postChat(f.server.baseUrl, { timeoutMs: 45_000 });
      expect(checkReply(res, "chat", f.secrets)).toEqual([]);
      expect(res.status).toBe(503);
      expect(errorCodeOf(res)).toBe("auth_unavailable");
      expect(readFileSync(f.authPath, "utf8"), "auth.json untouched").toBe(before);
      f.upstream.auth.configure({ tokenEndpoint: "ok" });
      expect(await untilOk(f, 40_000)).toBe(200);
    },
    120_000,
  );

  fault(
    "token endpoint fails while the token is still valid → requests keep working with the current token",
    async () => {
      const f = await start({ accessTokenTtlSeconds: 120 });
      const before = readFileSync(f.authPath, "utf8");
      f.upstream.auth.configure({ tokenEndpoint: "fail503" });
      for (let i = 0; i < 3; i += 1) {
        const res = await postChat(f.server.baseUrl);
        expect(res.status).toBe(200);
      }
      expect(readFileSync(f.authPath, "utf8")).toBe(before);
    },
  );

  fault(
    "refresh token invalidated at the issuer → 401 reauth_required naming the login command, auth.json kept",
    async () => {
      const f = await start({ accessTokenTtlSeconds: -60 });
      f.upstream.auth.configure({ tokenEndpoint: "refresh_token_invalidated" });
      for (let i = 0; i < 3; i += 1) {
        const res = await postChat(f.server.baseUrl);
        expect(checkReply(res, "chat", f.secrets)).toEqual([]);
        expect(res.status).toBe(401);
        expect(errorCodeOf(res)).toBe("reauth_required");
        expect(res.text).toContain("cmp-server login");
      }
      expect(refreshGrants(f).length, "a refused refresh token is not retried").toBe(1);
      expect(() => JSON.parse(readFileSync(f.authPath, "utf8"))).not.toThrow();
    },
  );

  fault(
    "upstream answers 401 to every request → 401 reauth_required, at most one refresh per request, no reuse",
    async () => {
      const f = await start({});
      f.upstream.codex.setScenario({
        status: 401,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ detail: "Unauthorized" }),
      });
      for (let i = 0; i < 4; i += 1) {
        const res = await postChat(f.server.baseUrl, { stream: i % 2 === 1 });
        expect(checkReply(res, "chat", f.secrets)).toEqual([]);
        expect(res.status).toBe(401);
        expect(errorCodeOf(res)).toBe("reauth_required");
      }
      const grants = refreshGrants(f);
      expect(grants.length).toBeLessThanOrEqual(4);
      const used = grants.map((g) => (g.body as { refresh_token?: string }).refresh_token);
      expect(new Set(used).size, "each refresh used a fresh refresh token").toBe(used.length);
      expect(f.upstream.auth.counters.refresh).toBe(grants.length);
    },
  );

  fault(
    "upstream rejects the token once (revoked early) → one refresh, the request is replayed and succeeds",
    async () => {
      const f = await start({});
      let first = true;
      f.upstream.codex.setScenario(() => {
        if (first) {
          first = false;
          return {
            status: 401,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ detail: "token revoked" }),
          };
        }
        return "text";
      });
      const res = await postChat(f.server.baseUrl);
      expect(res.status).toBe(200);
      expect(f.upstream.auth.counters.refresh).toBe(1);
    },
  );

  // Issue 14, break 3: the token endpoint answered after 16 s, the server had given up at 15 s, the
  // issuer had already rotated the refresh token, and every later request was 401 reauth_required.
  fault(
    "token endpoint answers after the refresh timeout (rotating on receipt) → a retryable 503, the late answer is saved, the next request succeeds, no reuse",
    async () => {
      const f = await start({ accessTokenTtlSeconds: -60 });
      const before = readAuth(f.authPath);
      f.upstream.auth.configure({ tokenEndpoint: "slow", tokenEndpointDelayMs: 17_000 });
      const res = await postChat(f.server.baseUrl, { timeoutMs: 45_000 });
      expect(checkReply(res, "chat", f.secrets)).toEqual([]);
      expect(res.status).toBe(503);
      expect(errorCodeOf(res)).toBe("auth_unavailable");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      f.upstream.auth.configure({ tokenEndpoint: "ok" });
      const end = Date.now() + 20_000;
      while (readAuth(f.authPath) === before && Date.now() < end) await sleep(200);
      expect(readAuth(f.authPath), "the late answer was saved").not.toBe(before);
      const next = await postChat(f.server.baseUrl);
      expect(next.status, next.text.slice(0, 200)).toBe(200);
      expect(f.upstream.auth.counters.refresh).toBe(1);
      expect(f.upstream.auth.counters.refreshReused, "the issuer saw no reuse").toBe(0);
      expect(refreshGrants(f)).toHaveLength(1);
    },
    90_000,
  );

  // Issue 14: a 60 s token with the 5-minute lead was refreshed non-stop (378 refreshes in 10 s).
  fault("a 60 s access token → no refresh storm: none in its first 10 s", async () => {
    const f = await start({ accessTokenTtlSeconds: 60 });
    f.upstream.auth.configure({ accessTokenTtlSeconds: 60 });
    const end = Date.now() + 10_000;
    let sent = 0;
    while (Date.now() < end) {
      const res = await postChat(f.server.baseUrl);
      expect(res.status).toBe(200);
      sent += 1;
    }
    expect(sent).toBeGreaterThan(10);
    expect(f.upstream.auth.counters.refresh).toBe(0);
  });

  // Issue 14: a stray auth.json.lock (here a file, as another tool leaves it) made every request with an
  // expired token a 503 until someone deleted it.
  fault(
    "a stray auth.json.lock left by a dead process → taken over, the expired token is refreshed",
    async () => {
      const f = await start({
        accessTokenTtlSeconds: -60,
        beforeStart: (home) => {
          const lock = join(home, "auth.json.lock");
          writeFileSync(lock, "");
          const old = new Date(Date.now() - 60_000);
          utimesSync(lock, old, old);
        },
      });
      const res = await postChat(f.server.baseUrl);
      expect(res.status, res.text.slice(0, 200)).toBe(200);
      expect(f.upstream.auth.counters.refresh).toBe(1);
    },
  );

  // Issue 14: a corrupt auth.json was only "not logged in" in the status, and the client message
  // repeated itself.
  fault(
    "corrupt auth.json → 401 reauth_required saying it once, one warning in the log, login_error in /v1/status",
    async () => {
      const f = await start({
        login: "none",
        beforeStart: (home) => writeFileSync(join(home, "auth.json"), "{broken"),
      });
      for (let i = 0; i < 5; i += 1) {
        const res = await postChat(f.server.baseUrl);
        expect(checkReply(res, "chat", f.secrets)).toEqual([]);
        expect(res.status).toBe(401);
        expect(errorCodeOf(res)).toBe("reauth_required");
        expect(res.text.match(/cmp-server login/g)).toHaveLength(1);
        expect(res.text).not.toContain(f.home);
      }
      const status = await sendRequest({ baseUrl: f.server.baseUrl, path: "/v1/status", method: "GET" });
      const body = JSON.parse(status.text) as { logged_in: boolean; login_error: string | null };
      expect(body.logged_in).toBe(false);
      expect(body.login_error).toMatch(/^store_corrupt: /);
      expect(body.login_error).not.toContain(f.home);
      expect(body.login_error).not.toContain("{broken");
      for (let i = 0; i < 50 && !f.logs().includes("cannot be read"); i += 1) await sleep(100);
      expect(f.logs().match(/the saved ChatGPT login cannot be read/g)).toHaveLength(1);
    },
  );

  fault("LAST: 24 concurrent requests with an expired token → exactly one refresh, all succeed", async () => {
    const f = await start({ accessTokenTtlSeconds: -60 });
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => postChat(f.server.baseUrl, { stream: i % 2 === 0 })),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(f.upstream.auth.counters.refresh).toBe(1);
  });
});
