import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuthJsonFile } from "./auth-json.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";
import { FAKE_POOL_ACCOUNTS } from "./pool-accounts.js";
import { postResponses } from "./testing/pool-client.js";
import { OPENAI_AUTH_CLAIM } from "./token-claims.js";

const { a, b, c } = FAKE_POOL_ACCOUNTS;

let upstream: FakeUpstream;
let dir: string;
beforeEach(async () => {
  upstream = await startFakeUpstream();
  dir = await mkdtemp(join(tmpdir(), "testkit-pool-"));
});
afterEach(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

function refresh(refreshToken: string): Promise<Response> {
  return fetch(`${upstream.auth.issuer}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: upstream.auth.clientId,
    }),
  });
}

function authClaims(jwt: string): unknown {
  return decodeJwt(jwt)[OPENAI_AUTH_CLAIM];
}

describe("several accounts on the fake auth server", () => {
  it("logs accounts A, B and C into files of their own, with their own ids, emails and plans", async () => {
    for (const [name, account] of Object.entries(FAKE_POOL_ACCOUNTS)) {
      const path = join(dir, "pool", `${name}.json`);
      const login = await upstream.loginAccountInto(path, account);
      expect(login.path).toBe(path);
      expect(login.account).toEqual(account);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const file = JSON.parse(await readFile(path, "utf8")) as AuthJsonFile;
      expect(file.tokens.account_id).toBe(account.accountId);
      expect(file.tokens.refresh_token).toBe(login.tokens.refresh_token);
      for (const token of [file.tokens.id_token, file.tokens.access_token]) {
        expect(authClaims(token)).toMatchObject({
          chatgpt_account_id: account.accountId,
          chatgpt_plan_type: account.planType,
          chatgpt_user_id: account.userId,
        });
      }
      expect(decodeJwt(file.tokens.id_token)["email"]).toBe(account.email);
      const { res } = await postResponses(upstream.codex.baseUrl, {
        accountId: account.accountId,
        tokens: file.tokens,
      });
      expect(res.status).toBe(200);
    }
  });

  it("fills the fields an account leaves out from the configured account", async () => {
    const login = await upstream.loginAccountInto(join(dir, "x.json"), { accountId: "acc_x" });
    expect(login.account).toEqual({
      accountId: "acc_x",
      planType: "pro",
      email: "user@example.com",
      userId: "user-test",
    });
  });

  it("refreshes B's refresh token into B's tokens, not the configured default account's", async () => {
    const loginB = await upstream.auth.issueTokens(b);
    await upstream.auth.issueTokens(c);
    const res = await refresh(loginB.refresh_token);
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { id_token: string; access_token: string };
    expect(authClaims(fresh.access_token)).toMatchObject({
      chatgpt_account_id: b.accountId,
      chatgpt_plan_type: "plus",
    });
    expect(decodeJwt(fresh.id_token)["email"]).toBe(b.email);
  });

  it("revokeAccount: B's refresh grant fails with refresh_token_invalidated, the backend answers 401 token_revoked", async () => {
    const loginB = await upstream.auth.issueTokens(b);
    const loginC = await upstream.auth.issueTokens(c);
    expect(upstream.auth.revokeAccount(b.accountId)).toEqual({ refreshTokens: 1, accessTokens: 1 });

    const refused = await refresh(loginB.refresh_token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: {
        message: "Your refresh token has been invalidated. Please try signing in again.",
        type: "invalid_request_error",
        param: null,
        code: "refresh_token_invalidated",
      },
    });

    const answer = await postResponses(upstream.codex.baseUrl, { accountId: b.accountId, tokens: loginB });
    expect(answer.res.status).toBe(401);
    expect(answer.res.headers.get("content-type")).toContain("application/json");
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        type: "invalid_request_error",
        code: "token_revoked",
        message: "Your authentication token has been revoked.",
        param: null,
      },
    });
    expect(await upstream.auth.checkAccessToken(loginB.access_token)).toEqual({
      claims: null,
      reason: "revoked",
    });
    const last = upstream.codex.requests.at(-1);
    expect(last).toMatchObject({ accountId: b.accountId, authorized: false });

    // Other accounts are untouched.
    const okC = await postResponses(upstream.codex.baseUrl, { accountId: c.accountId, tokens: loginC });
    expect(okC.res.status).toBe(200);
    expect((await refresh(loginC.refresh_token)).status).toBe(200);

    // A new login of B works again.
    const again = await upstream.auth.issueTokens(b);
    const okB = await postResponses(upstream.codex.baseUrl, { accountId: b.accountId, tokens: again });
    expect(okB.res.status).toBe(200);
  });

  it("revokes the refresh tokens a rotation already used too", async () => {
    const loginA = await upstream.auth.issueTokens(a);
    const rotated = (await (await refresh(loginA.refresh_token)).json()) as { refresh_token: string };
    expect(upstream.auth.revokeAccount(a.accountId)).toEqual({ refreshTokens: 2, accessTokens: 2 });
    const res = await refresh(rotated.refresh_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "refresh_token_invalidated" } });
  });
});
