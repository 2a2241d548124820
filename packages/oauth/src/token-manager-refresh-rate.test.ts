import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryTokenStore } from "./memory-token-store.js";
import type { StoredLogin } from "./stored-login.js";
import { issueStoredLogin } from "./testing/issue-stored-login.js";
import { createTokenManager } from "./token-manager.js";

let auth: FakeAuthServer;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  // The fake issuer's clock is the test's: token lifetimes are measured on it.
  clock = Date.now();
  auth = await startFakeAuthServer({ now });
});
afterEach(async () => {
  await auth.close();
});

const issueLogin = (ttlSeconds: number): Promise<StoredLogin> => issueStoredLogin(auth, ttlSeconds, clock);

/** Calls `getAuth` every `stepMs` of the fake clock for `totalMs`, letting background refreshes land. */
async function traffic(manager: ReturnType<typeof createTokenManager>, totalMs: number, stepMs: number) {
  for (let t = 0; t < totalMs; t += stepMs) {
    clock += stepMs;
    const got = await manager.getAuth();
    expect(await auth.verifyAccessToken(got.accessToken), `a valid token at +${t} ms`).not.toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// Regression (issue 14, attack run): with a 60 s token and the 5-minute lead, every token was already
// due, and the server refreshed non-stop (378 refreshes in 10 s).
describe("how often the token manager refreshes", () => {
  it("keeps the lead under half the token's lifetime: a 60 s token is refreshed about every 30 s", async () => {
    auth.configure({ accessTokenTtlSeconds: 60 });
    const manager = createTokenManager({
      store: createMemoryTokenStore(await issueLogin(60)),
      issuer: auth.issuer,
      now,
      lockPath: null,
    });
    await traffic(manager, 10_000, 50);
    expect(auth.counters.refresh, "no refresh in the first 10 s of a 60 s token").toBe(0);
    await traffic(manager, 120_000, 250);
    expect(auth.counters.refresh).toBeGreaterThanOrEqual(3);
    expect(auth.counters.refresh).toBeLessThanOrEqual(5);
    expect(auth.counters.refreshReused).toBe(0);
  });

  it("refreshes ahead of expiry at most once per minRefreshIntervalMs; an expired token still refreshes at once", async () => {
    // 20 s tokens: due 10 s before expiry, but the next refresh ahead of expiry waits 30 s; so each
    // token is refreshed when it expires (every 20 s), not every 10 s.
    auth.configure({ accessTokenTtlSeconds: 20 });
    const manager = createTokenManager({
      store: createMemoryTokenStore(await issueLogin(20)),
      issuer: auth.issuer,
      now,
      lockPath: null,
    });
    await traffic(manager, 100_000, 100);
    expect(auth.counters.refresh).toBeGreaterThanOrEqual(4);
    expect(auth.counters.refresh).toBeLessThanOrEqual(6);
  });

  it("does not rate-limit the refresh after a backend 401", async () => {
    const manager = createTokenManager({
      store: createMemoryTokenStore(await issueLogin(3600)),
      issuer: auth.issuer,
      now,
      lockPath: null,
    });
    const first = await manager.refreshAfterUnauthorized((await manager.getAuth()).accessToken);
    clock += 1_000;
    const second = await manager.refreshAfterUnauthorized(first.accessToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(auth.counters.refresh).toBe(2);
  });
});
