import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CODEX_CLIENT_ID } from "./auth-config.js";
import { type FakeAuthServer, startFakeAuthServer } from "./fake-auth-server.js";
import { computeS256Challenge } from "./pkce.js";
import { createSigningKey, type SigningKey } from "./signing-key.js";
import { pick } from "./testing/pick.js";

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

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${auth.issuer}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function requestCode(): Promise<{ device_auth_id: string; user_code: string; interval: string }> {
  const res = await postJson("/api/accounts/deviceauth/usercode", { client_id: CODEX_CLIENT_ID });
  expect(res.status).toBe(200);
  return (await res.json()) as { device_auth_id: string; user_code: string; interval: string };
}

function poll(code: { device_auth_id: string; user_code: string }): Promise<Response> {
  return postJson("/api/accounts/deviceauth/token", {
    device_auth_id: code.device_auth_id,
    user_code: code.user_code,
  });
}

describe("device-code login", () => {
  it("issues a user code, answers 403 while pending, then the code and verifier after approveDevice", async () => {
    const code = await requestCode();
    expect(code.user_code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(code.interval).toBe("5");
    expect(auth.pendingDeviceCodes()).toEqual([code.user_code]);
    expect((await poll(code)).status).toBe(403);

    expect(auth.approveDevice(code.user_code)).toBe(true);
    const res = await poll(code);
    expect(res.status).toBe(200);
    const grant = (await res.json()) as {
      authorization_code: string;
      code_challenge: string;
      code_verifier: string;
    };
    expect(computeS256Challenge(grant.code_verifier)).toBe(grant.code_challenge);

    const token = await fetch(`${auth.issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: grant.authorization_code,
        redirect_uri: `${auth.issuer}/deviceauth/callback`,
        client_id: CODEX_CLIENT_ID,
        code_verifier: grant.code_verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    expect(pick(await token.json(), "token_type")).toBe("Bearer");
    expect(auth.counters).toMatchObject({ deviceCodes: 1, devicePolls: 2, authorizationCode: 1 });
  });

  it("auto-approves on the Nth poll when configured", async () => {
    auth.configure({ deviceAutoApproveAfterPolls: 3, deviceIntervalSeconds: 1 });
    const code = await requestCode();
    expect(code.interval).toBe("1");
    expect((await poll(code)).status).toBe(403);
    expect((await poll(code)).status).toBe(403);
    expect((await poll(code)).status).toBe(200);
  });

  it("answers 404 on the usercode endpoint when device login is disabled", async () => {
    auth.configure({ deviceAuth: "disabled" });
    const res = await postJson("/api/accounts/deviceauth/usercode", { client_id: CODEX_CLIENT_ID });
    expect(res.status).toBe(404);
  });

  it("reports a denied login as access_denied", async () => {
    const code = await requestCode();
    expect(auth.denyDevice(code.user_code)).toBe(true);
    const res = await poll(code);
    expect(res.status).toBe(400);
    expect(pick(await res.json(), "error", "code")).toBe("access_denied");
  });

  it("approves through the device page and lands on the callback page", async () => {
    const code = await requestCode();
    const page = await fetch(`${auth.issuer}/codex/device`);
    expect(await page.text()).toContain('name="user_code"');
    const res = await fetch(`${auth.issuer}/codex/device`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ user_code: code.user_code.toLowerCase() }).toString(),
      redirect: "manual",
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/deviceauth/callback");
    expect((await fetch(`${auth.issuer}/deviceauth/callback`)).status).toBe(200);
    expect((await poll(code)).status).toBe(200);
  });

  it("returns false for an unknown user code", () => {
    expect(auth.approveDevice("NOPE-NOPE")).toBe(false);
  });
});
