import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { CODEX_CLIENT_ID } from "./auth-config.js";
import { type FakeAuthServer, startFakeAuthServer } from "./fake-auth-server.js";
import { computeS256Challenge } from "./pkce.js";
import { createSigningKey, type SigningKey } from "./signing-key.js";
import { makePkce } from "./testing/make-pkce.js";
import { pick } from "./testing/pick.js";

const REDIRECT = "http://localhost:1455/auth/callback";

let auth: FakeAuthServer;
let signingKey: SigningKey;
beforeAll(async () => {
  signingKey = await createSigningKey();
});
beforeEach(async () => {
  auth = await startFakeAuthServer({ signingKey });
});
afterEach(async () => {
  await auth.close();
});

async function authorize(challenge: string, overrides: Record<string, string> = {}): Promise<URL> {
  const url = new URL(`${auth.issuer}/oauth/authorize`);
  const params = {
    response_type: "code",
    client_id: CODEX_CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: "openid profile email offline_access",
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "state-123",
    ...overrides,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "");
}

function postToken(body: Record<string, string>, encoding: "form" | "json" = "form"): Promise<Response> {
  return fetch(`${auth.issuer}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": encoding === "form" ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: encoding === "form" ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

async function login(): Promise<{ access_token: string; refresh_token: string; id_token: string }> {
  const { verifier, challenge } = makePkce();
  const code = (await authorize(challenge)).searchParams.get("code") ?? "";
  const res = await postToken({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    client_id: CODEX_CLIENT_ID,
    code_verifier: verifier,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string; id_token: string };
}

describe("PKCE helper", () => {
  it("matches the RFC 7636 Appendix B vector", () => {
    expect(computeS256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });
});

describe("authorization code flow", () => {
  it("redirects with code and state, and exchanges the code for tokens with the right verifier", async () => {
    const location = await authorize(makePkce().challenge);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("state-123");
    expect(location.searchParams.get("code")).toMatch(/^ac_/);
    const tokens = await login();
    expect(Object.keys(tokens).sort()).toEqual(
      ["access_token", "expires_in", "id_token", "refresh_token", "scope", "token_type"].sort(),
    );
    expect(auth.counters.authorizationCode).toBe(1);
  });

  it("refuses a wrong code_verifier without echoing secrets", async () => {
    const { challenge } = makePkce();
    const code = (await authorize(challenge)).searchParams.get("code") ?? "";
    const wrong = makePkce().verifier;
    const res = await postToken({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: CODEX_CLIENT_ID,
      code_verifier: wrong,
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(pick(JSON.parse(text), "error")).toBe("invalid_grant");
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(code);
    expect(auth.counters.authorizationCode).toBe(0);
  });

  it("refuses a redirect_uri that differs from the authorize step", async () => {
    const { verifier, challenge } = makePkce();
    const code = (await authorize(challenge)).searchParams.get("code") ?? "";
    const res = await postToken({
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://localhost:1457/auth/callback",
      client_id: CODEX_CLIENT_ID,
      code_verifier: verifier,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "invalid_grant",
      error_description: "redirect_uri does not match the authorization request",
    });
  });

  it("refuses another client_id at authorize and token steps", async () => {
    const authorizeRes = await fetch(
      `${auth.issuer}/oauth/authorize?response_type=code&client_id=app_other&redirect_uri=${encodeURIComponent(REDIRECT)}`,
      { redirect: "manual" },
    );
    expect(authorizeRes.status).toBe(400);
    const { verifier, challenge } = makePkce();
    const code = (await authorize(challenge)).searchParams.get("code") ?? "";
    const res = await postToken({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: "app_other",
      code_verifier: verifier,
    });
    expect(res.status).toBe(401);
    expect(pick(await res.json(), "error")).toBe("invalid_client");
  });

  it("accepts a code only once", async () => {
    const { verifier, challenge } = makePkce();
    const code = (await authorize(challenge)).searchParams.get("code") ?? "";
    const body = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: CODEX_CLIENT_ID,
      code_verifier: verifier,
    };
    expect((await postToken(body)).status).toBe(200);
    expect((await postToken(body)).status).toBe(400);
  });

  it("redirects with error=access_denied when told to", async () => {
    auth.configure({ authorizeError: "access_denied" });
    const location = await authorize(makePkce().challenge);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("state-123");
    expect(location.searchParams.has("code")).toBe(false);
  });

  it("refuses an authorize request without an S256 challenge", async () => {
    const location = await authorize("x", { code_challenge_method: "plain" });
    expect(location.searchParams.get("error")).toBe("invalid_request");
  });
});

describe("refresh grant", () => {
  it("rotates refresh tokens; a reused one gets the upstream 401 refresh_token_reused", async () => {
    const first = await login();
    const res1 = await postToken(
      { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: CODEX_CLIENT_ID },
      "json",
    );
    expect(res1.status).toBe(200);
    const second = (await res1.json()) as { refresh_token: string; access_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    const reused = await postToken({
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: CODEX_CLIENT_ID,
    });
    expect(reused.status).toBe(401);
    const text = await reused.text();
    expect(JSON.parse(text)).toEqual({
      error: {
        message:
          "Your refresh token has already been used to generate a new access token. Please try signing in again.",
        type: "invalid_request_error",
        param: null,
        code: "refresh_token_reused",
      },
    });
    expect(text).not.toContain(first.refresh_token);

    const third = await postToken({
      grant_type: "refresh_token",
      refresh_token: second.refresh_token,
      client_id: CODEX_CLIENT_ID,
    });
    expect(third.status).toBe(200);
    expect(auth.counters.refresh).toBe(2);
  });

  it("answers refresh_token_invalidated after /oauth/revoke", async () => {
    const tokens = await login();
    const revoke = await fetch(`${auth.issuer}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        token: tokens.refresh_token,
        token_type_hint: "refresh_token",
        client_id: CODEX_CLIENT_ID,
      }),
    });
    expect(revoke.status).toBe(200);
    expect(auth.counters.revoke).toBe(1);
    const res = await postToken({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: CODEX_CLIENT_ID,
    });
    expect(res.status).toBe(401);
    expect(pick(await res.json(), "error", "code")).toBe("refresh_token_invalidated");
  });

  it("refuses an unknown grant type", async () => {
    const res = await postToken({ grant_type: "password", client_id: CODEX_CLIENT_ID });
    expect(res.status).toBe(400);
    expect(pick(await res.json(), "error")).toBe("unsupported_grant_type");
  });
});

describe("token endpoint faults", () => {
  it.each([
    ["fail500", 500],
    ["fail503", 503],
  ] as const)("%s answers %i with JSON", async (mode, status) => {
    const tokens = await auth.issueTokens();
    auth.configure({ tokenEndpoint: mode });
    const res = await postToken({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: CODEX_CLIENT_ID,
    });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/json");
  });

  it("html answers a Cloudflare-style HTML page", async () => {
    auth.configure({ tokenEndpoint: "html" });
    const res = await postToken({
      grant_type: "refresh_token",
      refresh_token: "x",
      client_id: CODEX_CLIENT_ID,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("Cloudflare");
  });

  it.each(["refresh_token_expired", "refresh_token_invalidated"] as const)(
    "%s refuses refresh grants with that code",
    async (mode) => {
      const tokens = await auth.issueTokens();
      auth.configure({ tokenEndpoint: mode });
      const res = await postToken({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: CODEX_CLIENT_ID,
      });
      expect(res.status).toBe(401);
      expect(pick(await res.json(), "error", "code")).toBe(mode);
    },
  );

  it("timeout holds the request until the client gives up", async () => {
    auth.configure({ tokenEndpoint: "timeout" });
    const res = fetch(`${auth.issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "x", client_id: CODEX_CLIENT_ID }),
      signal: AbortSignal.timeout(300),
    });
    await expect(res).rejects.toThrow();
  });

  it("close() ends a held request instead of hanging", async () => {
    auth.configure({ tokenEndpoint: "timeout" });
    const res = fetch(`${auth.issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "x", client_id: CODEX_CLIENT_ID }),
    });
    await vi.waitFor(() => expect(auth.requests).toHaveLength(1));
    await auth.close();
    await expect(res).rejects.toThrow();
  });

  it("slow uses up the refresh token on receipt and answers after tokenEndpointDelayMs", async () => {
    const tokens = await auth.issueTokens();
    auth.configure({ tokenEndpoint: "slow", tokenEndpointDelayMs: 300 });
    const body = {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: CODEX_CLIENT_ID,
    };
    const started = Date.now();
    const late = postToken(body);
    await vi.waitFor(() => expect(auth.counters.refresh).toBe(1));
    auth.configure({ tokenEndpoint: "ok" });
    const reused = await postToken(body);
    expect(reused.status).toBe(401);
    expect(auth.counters.refreshReused).toBe(1);
    const answer = await late;
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("leaving the timeout mode resets the held requests, whose grants were never processed", async () => {
    const tokens = await auth.issueTokens();
    auth.configure({ tokenEndpoint: "timeout" });
    const body = {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: CODEX_CLIENT_ID,
    };
    const held = postToken(body);
    await vi.waitFor(() => expect(auth.requests).toHaveLength(1));
    auth.configure({ tokenEndpoint: "ok" });
    await expect(held).rejects.toThrow();
    expect((await postToken(body)).status).toBe(200);
    expect(auth.counters.refreshReused).toBe(0);
  });

  it("tokenEndpointFaultTimes limits a fault to N requests", async () => {
    const tokens = await auth.issueTokens();
    auth.configure({ tokenEndpoint: "fail503", tokenEndpointFaultTimes: 1 });
    const body = {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: CODEX_CLIENT_ID,
    };
    expect((await postToken(body)).status).toBe(503);
    expect((await postToken(body)).status).toBe(200);
    expect(auth.config.tokenEndpoint).toBe("ok");
  });
});

describe("recording", () => {
  it("records method, path, headers and parsed body of every request", async () => {
    await postToken({ grant_type: "refresh_token", refresh_token: "rt_x", client_id: CODEX_CLIENT_ID });
    await postToken(
      { grant_type: "refresh_token", refresh_token: "rt_y", client_id: CODEX_CLIENT_ID },
      "json",
    );
    expect(auth.requests).toHaveLength(2);
    expect(auth.requests[0]).toMatchObject({
      method: "POST",
      path: "/oauth/token",
      body: { grant_type: "refresh_token", refresh_token: "rt_x", client_id: CODEX_CLIENT_ID },
    });
    expect(auth.requests[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(auth.requests[1]?.body).toEqual({
      grant_type: "refresh_token",
      refresh_token: "rt_y",
      client_id: CODEX_CLIENT_ID,
    });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await fetch(`${auth.issuer}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
