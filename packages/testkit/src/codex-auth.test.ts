import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeCodexServer } from "./fake-codex-server.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";

const body = JSON.stringify({ model: "gpt-5.4", input: [], store: false, stream: true });

let upstream: FakeUpstream;
let now = Date.now();
beforeAll(async () => {
  upstream = await startFakeUpstream({ auth: { now: () => now } });
});
afterAll(async () => {
  await upstream.close();
});

function post(headers: Record<string, string>, baseUrl = upstream.codex.baseUrl): Promise<Response> {
  return fetch(`${baseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("backend authentication", () => {
  it("accepts a token from the auth server with the matching account id", async () => {
    const { access_token } = await upstream.auth.issueTokens();
    const res = await post({ authorization: `Bearer ${access_token}`, "chatgpt-account-id": "acc_test" });
    expect(res.status).toBe(200);
    await res.text();
  });

  it("answers 401 without a bearer token", async () => {
    const res = await post({ "chatgpt-account-id": "acc_test" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "Unauthorized" });
  });

  it("answers 401 to a token signed by someone else", async () => {
    const other = await startFakeUpstream();
    try {
      const { access_token } = await other.auth.issueTokens();
      const res = await post({ authorization: `Bearer ${access_token}`, "chatgpt-account-id": "acc_test" });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        detail: "Could not parse your authentication token. Please try signing in again.",
      });
    } finally {
      await other.close();
    }
  });

  it("answers 401 token_expired to an expired token", async () => {
    const { access_token } = await upstream.auth.issueTokens({ accessTokenTtlSeconds: 60 });
    now += 61_000;
    const res = await post({ authorization: `Bearer ${access_token}`, "chatgpt-account-id": "acc_test" });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "token_expired" } });
  });

  it("answers 401 to a missing or mismatched ChatGPT-Account-ID", async () => {
    const { access_token } = await upstream.auth.issueTokens();
    const missing = await post({ authorization: `Bearer ${access_token}` });
    expect(missing.status).toBe(401);
    const mismatched = await post({
      authorization: `Bearer ${access_token}`,
      "chatgpt-account-id": "acc_other",
    });
    expect(mismatched.status).toBe(401);
    expect(await mismatched.text()).not.toContain(access_token);
  });

  it("checks before validating, and also guards /models", async () => {
    const res = await fetch(`${upstream.codex.baseUrl}/models?client_version=0.146.0`);
    expect(res.status).toBe(401);
  });

  it("without an auth server accepts any non-empty bearer", async () => {
    const codex = await startFakeCodexServer();
    try {
      const ok = await post(
        { authorization: "Bearer anything", "chatgpt-account-id": "acc_x" },
        codex.baseUrl,
      );
      expect(ok.status).toBe(200);
      await ok.text();
      expect(
        (await post({ authorization: "Bearer ", "chatgpt-account-id": "acc_x" }, codex.baseUrl)).status,
      ).toBe(401);
    } finally {
      await codex.close();
    }
  });
});
