import { join } from "node:path";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileTokenStore } from "./file-token-store.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import type { StoredLogin } from "./stored-login.js";
import { issueStoredLogin } from "./testing/issue-stored-login.js";
import { makeTempDir } from "./testing/test-helpers.js";
import { createTokenManager } from "./token-manager.js";
import type { TokenManagerEvent } from "./token-manager-types.js";

let auth: FakeAuthServer;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  auth = await startFakeAuthServer();
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await auth.close();
  await cleanup();
});

const issueLogin = (ttlSeconds: number): Promise<StoredLogin> => issueStoredLogin(auth, ttlSeconds);

const refreshGrants = () =>
  auth.requests.filter(
    (r) => r.path === "/oauth/token" && (r.body as { grant_type?: string }).grant_type === "refresh_token",
  );

// Regression (issue 14, attack run): the token endpoint answered after 16 s, the manager had given up at
// 15 s, the issuer had already rotated the refresh token, and every later request was 401
// reauth_required (refresh_token_reused): the login was lost.
describe("a refresh whose answer comes after the caller gave up", () => {
  it("still saves the rotated login: the next call gets it without another grant, and nothing is reused", async () => {
    const old = await issueLogin(-60);
    const store = createFileTokenStore({ path: join(dir, "auth.json") });
    await store.set(old);
    auth.configure({ tokenEndpoint: "slow", tokenEndpointDelayMs: 600 });
    const manager = createTokenManager({ store, issuer: auth.issuer, refreshTimeoutMs: 150 });
    const events: TokenManagerEvent[] = [];
    manager.on("refreshed", (e) => events.push(e));

    const first = await manager.getAuth().catch((e: unknown) => e);
    expect(OAuthError.isInstance(first) && first.code).toBe("refresh_failed");
    expect(OAuthError.isInstance(first) && first.retryable).toBe(true);
    expect((first as Error).message).toContain("goes on in the background");

    await manager.drain();
    const saved = await store.get();
    expect(saved?.refreshToken, "the rotated refresh token is saved").not.toBe(old.refreshToken);
    expect(events.map((e) => e.type)).toEqual(["refreshed"]);

    auth.configure({ tokenEndpoint: "ok" });
    const next = await manager.getAuth();
    expect(next.accessToken).toBe(saved?.accessToken);
    expect(await auth.verifyAccessToken(next.accessToken)).not.toBeNull();
    expect(refreshGrants()).toHaveLength(1);
    expect(auth.counters.refreshReused).toBe(0);
  });

  it("lets callers that arrive while it is pending wait for it (bounded) instead of sending a second grant", async () => {
    const store = createMemoryTokenStore(await issueLogin(-60));
    auth.configure({ tokenEndpoint: "slow", tokenEndpointDelayMs: 500 });
    const manager = createTokenManager({ store, issuer: auth.issuer, lockPath: null, refreshTimeoutMs: 100 });
    const early = await Promise.all([1, 2, 3].map(() => manager.getAuth().catch((e: unknown) => e)));
    for (const error of early) expect(error).toMatchObject({ code: "refresh_failed", retryable: true });
    // A caller that waits long enough gets the refreshed token of the same grant.
    const patient = createTokenManager({ store, issuer: auth.issuer, lockPath: null });
    await manager.drain();
    expect((await manager.getAuth()).accessToken).toBe((await patient.getAuth()).accessToken);
    expect(refreshGrants()).toHaveLength(1);
    expect(auth.counters.refreshReused).toBe(0);
  });

  it("gives a grant that is never answered up after refreshAnswerTimeoutMs, then refreshes again", async () => {
    const store = createMemoryTokenStore(await issueLogin(-60));
    auth.configure({ tokenEndpoint: "timeout" });
    const manager = createTokenManager({
      store,
      issuer: auth.issuer,
      lockPath: null,
      refreshTimeoutMs: 100,
      refreshAnswerTimeoutMs: 400,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    await expect(manager.getAuth()).rejects.toMatchObject({ code: "refresh_failed" });
    await manager.drain();
    auth.configure({ tokenEndpoint: "ok" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const renewed = await manager.getAuth();
    expect(await auth.verifyAccessToken(renewed.accessToken)).not.toBeNull();
    expect(auth.counters.refreshReused).toBe(0);
  });
});
