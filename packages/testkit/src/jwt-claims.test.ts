import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { CODEX_CLIENT_ID } from "./auth-config.js";
import { type FakeAuthServer, startFakeAuthServer } from "./fake-auth-server.js";
import { OPENAI_AUTH_CLAIM } from "./token-claims.js";

let auth: FakeAuthServer | undefined;
afterEach(async () => {
  await auth?.close();
  auth = undefined;
});

describe("tokens", () => {
  it("carry the upstream claim layout and verify against the served JWKS", async () => {
    auth = await startFakeAuthServer();
    const tokens = await auth.issueTokens();
    const jwks = createRemoteJWKSet(new URL(`${auth.issuer}/.well-known/jwks.json`));
    const { payload: access, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: auth.issuer,
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(access[OPENAI_AUTH_CLAIM]).toMatchObject({
      chatgpt_account_id: "acc_test",
      chatgpt_plan_type: "pro",
      chatgpt_user_id: "user-test",
    });
    expect(typeof access.exp).toBe("number");
    const { payload: id } = await jwtVerify(tokens.id_token, jwks, {
      issuer: auth.issuer,
      audience: CODEX_CLIENT_ID,
    });
    expect(id).toMatchObject({ email: "user@example.com", iss: auth.issuer });
    expect(id[OPENAI_AUTH_CLAIM]).toMatchObject({ chatgpt_account_id: "acc_test", chatgpt_plan_type: "pro" });
  });

  it("use the configured account and access-token lifetime", async () => {
    auth = await startFakeAuthServer({
      config: {
        accessTokenTtlSeconds: 60,
        account: { accountId: "acc_other", planType: "plus", email: "x@y.z" },
      },
    });
    const tokens = await auth.issueTokens();
    const access = decodeJwt(tokens.access_token);
    expect((access.exp ?? 0) - (access.iat ?? 0)).toBe(60);
    expect(tokens.expires_in).toBe(60);
    expect(access[OPENAI_AUTH_CLAIM]).toMatchObject({
      chatgpt_account_id: "acc_other",
      chatgpt_plan_type: "plus",
    });
    expect(decodeJwt(tokens.id_token)["email"]).toBe("x@y.z");
  });

  it("expire by the injected clock", async () => {
    let now = Date.parse("2026-11-27T18:00:00Z");
    auth = await startFakeAuthServer({ now: () => now, config: { accessTokenTtlSeconds: 120 } });
    const tokens = await auth.issueTokens();
    expect(await auth.verifyAccessToken(tokens.access_token)).not.toBeNull();
    now += 121_000;
    expect(await auth.verifyAccessToken(tokens.access_token)).toBeNull();
    expect(await auth.checkAccessToken(tokens.access_token)).toEqual({ claims: null, reason: "expired" });
    expect(await auth.checkAccessToken("not-a-jwt")).toEqual({ claims: null, reason: "invalid" });
  });
});
