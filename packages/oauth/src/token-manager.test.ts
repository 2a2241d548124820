import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginFromEnvTokens, seedStoreIfEmpty } from "./env-login.js";
import { createFileTokenStore } from "./file-token-store.js";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import type { StoredLogin } from "./stored-login.js";
import { issueStoredLogin } from "./testing/issue-stored-login.js";
import { collectSecrets, errorMessages, expectNoSecrets, makeTempDir } from "./testing/test-helpers.js";
import { createTokenManager } from "./token-manager.js";
import type { TokenManagerEvent } from "./token-manager-types.js";
import { refreshTokens } from "./token-refresh.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let clock: number;
const now = () => clock;
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  auth = await startFakeAuthServer();
  clock = Date.now();
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(async () => {
  await auth.close();
  await cleanup();
});

const issueLogin = (ttlSeconds: number): Promise<StoredLogin> => issueStoredLogin(auth, ttlSeconds, clock);

const tokenCalls = () => auth.requests.filter((r) => r.path === "/oauth/token").length;

function recordEvents(manager: ReturnType<typeof createTokenManager>): TokenManagerEvent[] {
  const events: TokenManagerEvent[] = [];
  for (const type of ["refreshed", "refresh_failed", "logged_out"] as const)
    manager.on(type, (e) => events.push(e));
  return events;
}

function countingStore(inner: TokenStore): TokenStore & { reads: number; revisions: number } {
  const store = {
    reads: 0,
    revisions: 0,
    get: async () => {
      store.reads += 1;
      return inner.get();
    },
    set: (login: StoredLogin) => inner.set(login),
    delete: () => inner.delete(),
    compareAndSet: (expected: string, next: StoredLogin) => inner.compareAndSet(expected, next),
    revision: () => {
      store.revisions += 1;
      return inner.revision?.() ?? Promise.resolve("");
    },
  };
  return store;
}

describe("token manager", () => {
  it("hands out a fresh token from memory without touching the store on every call", async () => {
    const login = await issueLogin(3600);
    const store = countingStore(createMemoryTokenStore(login));
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    for (let i = 0; i < 50; i++) {
      expect(await manager.getAuth()).toEqual({ accessToken: login.accessToken, accountId: "acc_test" });
    }
    expect(store.reads).toBe(1);
    expect(tokenCalls()).toBe(0);
    // Over ten seconds of steady traffic the store is only asked whether it changed, about once a second.
    const before = store.revisions;
    for (let i = 0; i < 1000; i++) {
      clock += 10;
      await manager.getAuth();
    }
    expect(store.revisions - before).toBeLessThanOrEqual(11);
    expect(store.reads).toBe(1);
  });

  it("refreshes an expired token exactly once for 100 concurrent requests, saving the rotation first", async () => {
    const store = createFileTokenStore({ path: join(dir, "auth.json") });
    const old = await issueLogin(-60);
    await store.set(old);
    const manager = createTokenManager({ store, issuer: auth.issuer, now });
    const events = recordEvents(manager);
    const results = await Promise.all(Array.from({ length: 100 }, () => manager.getAuth()));
    expect(auth.counters.refresh).toBe(1);
    const tokens = new Set(results.map((r) => r.accessToken));
    expect(tokens.size).toBe(1);
    const stored = await store.get();
    expect(stored?.accessToken).toBe(results[0]?.accessToken);
    expect(stored?.refreshToken).not.toBe(old.refreshToken);
    expect(await auth.verifyAccessToken(stored?.accessToken ?? "")).not.toBeNull();
    expect(events.map((e) => e.type)).toEqual(["refreshed"]);
    expectNoSecrets([JSON.stringify(events)], collectSecrets(auth.requests, [old, stored]));
  });

  it("refreshes once across two processes sharing one folder", async () => {
    const path = join(dir, "home", "auth.json");
    const store = createFileTokenStore({ path });
    await store.set(await issueLogin(-60));
    const script = fileURLToPath(new URL("./testing/get-auth-once.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, path, auth.issuer], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines: string[] = [];
    const childDone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const nextLine = () =>
      new Promise<string>((resolve) => {
        const check = () => {
          const line = lines.shift();
          if (line !== undefined) resolve(line);
          else setTimeout(check, 5);
        };
        check();
      });
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      lines.push(...parts);
    });
    try {
      expect(await nextLine()).toBe("ready");
      const manager = createTokenManager({ store: createFileTokenStore({ path }), issuer: auth.issuer });
      await manager.getStatus();
      child.stdin.write("go\n");
      const [mine, theirs] = await Promise.all([manager.getAuth(), nextLine()]);
      await childDone;
      expect(JSON.parse(theirs)).toEqual({ accessToken: mine.accessToken });
      expect(auth.counters.refresh).toBe(1);
      expect((await store.get())?.accessToken).toBe(mine.accessToken);
    } finally {
      child.kill();
    }
  }, 90_000);

  it("serialises refreshes of managers that share a file through the lock", async () => {
    const path = join(dir, "auth.json");
    await createFileTokenStore({ path }).set(await issueLogin(-60));
    const managers = [0, 1, 2].map(() =>
      createTokenManager({ store: createFileTokenStore({ path }), issuer: auth.issuer, now }),
    );
    const results = await Promise.all(managers.flatMap((m) => Array.from({ length: 20 }, () => m.getAuth())));
    expect(auth.counters.refresh).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  it("ends a reused refresh token in reauth_required after one token call, keeping the login", async () => {
    const store = createMemoryTokenStore();
    const login = await issueLogin(-60);
    await store.set(login);
    const rotated = await refreshTokens({ refreshToken: login.refreshToken, issuer: auth.issuer });
    expect(rotated.ok).toBe(true);
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const events = recordEvents(manager);
    const before = tokenCalls();
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => manager.getAuth().catch((e: unknown) => e)),
    );
    const later = await manager.getAuth().catch((e: unknown) => e);
    clock += 60_000;
    const muchLater = await manager.refreshAfterUnauthorized(login.accessToken).catch((e: unknown) => e);
    for (const error of [...errors, later, muchLater]) {
      expect(OAuthError.isInstance(error) && error.code).toBe("reauth_required");
    }
    expect(errorMessages(later)[0]).toContain("refresh_token_reused");
    expect(errorMessages(later)[0]).toContain("cmp-server login");
    expect(tokenCalls() - before).toBe(1);
    expect(await store.get()).toEqual(login);
    expect(events).toMatchObject([{ type: "refresh_failed", code: "reauth_required", retryable: false }]);
    expect((await manager.getStatus())?.reauthRequired).toBe(true);
    expectNoSecrets(
      [...errors.flatMap(errorMessages), JSON.stringify(events)],
      collectSecrets(auth.requests, [login]),
    );

    const fresh = await issueLogin(3600);
    await store.set(fresh);
    clock += 2000;
    expect((await manager.getAuth()).accessToken).toBe(fresh.accessToken);
  });

  it("keeps handing out a still-valid token when a refresh fails transiently, then retries after a backoff", async () => {
    const login = await issueLogin(120);
    // Into the token's refresh lead: half its 120 s lifetime (the lead never exceeds that).
    clock += 61_000;
    const store = createMemoryTokenStore(login);
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const events = recordEvents(manager);
    auth.configure({ tokenEndpoint: "fail500" });
    expect((await manager.getAuth()).accessToken).toBe(login.accessToken);
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ type: "refresh_failed", code: "refresh_failed", retryable: true });
    expect((await manager.getAuth()).accessToken).toBe(login.accessToken);
    expect(tokenCalls()).toBe(1);

    clock += 5 * 60_000;
    const expired = await manager.getAuth().catch((e: unknown) => e);
    expect(OAuthError.isInstance(expired) && expired.code).toBe("refresh_failed");
    expect(OAuthError.isInstance(expired) && expired.retryable).toBe(true);
    expect(tokenCalls()).toBe(2);
    const duringBackoff = await manager.getAuth().catch((e: unknown) => e);
    expect(OAuthError.isInstance(duringBackoff) && duringBackoff.code).toBe("refresh_failed");
    expect(tokenCalls()).toBe(2);

    auth.configure({ tokenEndpoint: "ok" });
    clock += 5_000;
    const renewed = await manager.getAuth();
    expect(renewed.accessToken).not.toBe(login.accessToken);
    expect(auth.counters.refresh).toBe(1);
  });

  it("treats a refresh timeout as retryable", async () => {
    const store = createMemoryTokenStore(await issueLogin(-60));
    auth.configure({ tokenEndpoint: "timeout" });
    const manager = createTokenManager({
      store,
      issuer: auth.issuer,
      now,
      lockPath: null,
      refreshTimeoutMs: 200,
    });
    const error = await manager.getAuth().catch((e: unknown) => e);
    expect(OAuthError.isInstance(error) && error.code).toBe("refresh_failed");
    expect(OAuthError.isInstance(error) && error.retryable).toBe(true);
    expect(errorMessages(error)[0]).toContain("timed out");
  });

  it("after an upstream 401, refreshes once for all callers, or returns the newer token", async () => {
    const login = await issueLogin(3600);
    const store = createMemoryTokenStore(login);
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const stale = (await manager.getAuth()).accessToken;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => manager.refreshAfterUnauthorized(stale)),
    );
    expect(auth.counters.refresh).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(results[0]?.accessToken).not.toBe(stale);
    expect((await manager.refreshAfterUnauthorized(stale)).accessToken).toBe(results[0]?.accessToken);
    expect(auth.counters.refresh).toBe(1);
  });

  it("notices a login, a refresh or a logout made by another process", async () => {
    const path = join(dir, "auth.json");
    const store = createFileTokenStore({ path });
    const other = createFileTokenStore({ path });
    const manager = createTokenManager({ store, issuer: auth.issuer, now });
    const events = recordEvents(manager);
    await expect(manager.getAuth()).rejects.toMatchObject({ code: "not_logged_in" });
    await expect(manager.getStatus()).resolves.toBeNull();
    const first = await issueLogin(3600);
    await other.set(first);
    clock += 1500;
    expect((await manager.getAuth()).accessToken).toBe(first.accessToken);
    const second = await issueLogin(3600);
    await other.set(second);
    expect((await manager.getAuth()).accessToken).toBe(first.accessToken);
    clock += 1500;
    expect((await manager.getAuth()).accessToken).toBe(second.accessToken);
    expect(await manager.getStatus()).toMatchObject({
      email: "user@example.com",
      plan: "pro",
      accountId: "acc_test",
    });
    await other.delete();
    clock += 1500;
    await expect(manager.getAuth()).rejects.toMatchObject({ code: "not_logged_in" });
    expect(events.map((e) => e.type)).toEqual(["logged_out"]);
  });

  it("checks each refreshed id token against the issuer's cached JWKS", async () => {
    const store = createMemoryTokenStore(await issueLogin(-60));
    auth.configure({ accessTokenTtlSeconds: 600 });
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const first = await manager.getAuth();
    clock += 20 * 60_000;
    const second = await manager.getAuth();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(auth.counters.refresh).toBe(2);
    expect(auth.requests.filter((r) => r.path === "/.well-known/jwks.json")).toHaveLength(1);
  });

  it("still refreshes when the issuer's JWKS is unreachable", async () => {
    const store = createMemoryTokenStore(await issueLogin(-60));
    const jwksDown: typeof fetch = (input, init) =>
      String(input).endsWith("/.well-known/jwks.json")
        ? Promise.reject(new TypeError("fetch failed"))
        : fetch(input, init);
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null, fetch: jwksDown });
    const renewed = await manager.getAuth();
    expect((await store.get())?.accessToken).toBe(renewed.accessToken);
    expect(auth.counters.refresh).toBe(1);
  });

  it("refuses a refreshed id token signed by another key: reauth_required, old login kept, no retry loop", async () => {
    const impostor = await startFakeAuthServer();
    try {
      const login = await issueLogin(-60);
      const store = createMemoryTokenStore(login);
      const otherKeys: typeof fetch = (input, init) =>
        String(input).endsWith("/.well-known/jwks.json")
          ? fetch(`${impostor.issuer}/.well-known/jwks.json`, init)
          : fetch(input, init);
      const manager = createTokenManager({
        store,
        issuer: auth.issuer,
        now,
        lockPath: null,
        fetch: otherKeys,
      });
      const events = recordEvents(manager);
      const error = await manager.getAuth().catch((e: unknown) => e);
      expect(OAuthError.isInstance(error) && error.code).toBe("reauth_required");
      expect(errorMessages(error)[0]).toContain("not signed by the issuer");
      await expect(manager.getAuth()).rejects.toMatchObject({ code: "reauth_required" });
      expect(tokenCalls()).toBe(1);
      expect(await store.get()).toEqual(login);
      expect(events).toMatchObject([{ type: "refresh_failed", code: "reauth_required", retryable: false }]);
      expectNoSecrets(errorMessages(error), collectSecrets(auth.requests, [login]));
    } finally {
      await impostor.close();
    }
  });

  it("seeds the store from environment tokens only when it is empty, then keeps the rotated ones", async () => {
    const issued = await issueLogin(-60);
    const envLogin = createLoginFromEnvTokens({
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
    });
    expect(envLogin?.accountId).toBe("acc_test");
    expect(createLoginFromEnvTokens({ accessToken: issued.accessToken })).toBeNull();
    const store = createFileTokenStore({ path: join(dir, "auth.json") });
    expect(await seedStoreIfEmpty(store, envLogin)).toBe(true);
    const manager = createTokenManager({ store, issuer: auth.issuer, now });
    const renewed = await manager.getAuth();
    const stored = await store.get();
    expect(stored?.accessToken).toBe(renewed.accessToken);
    expect(stored?.idToken).toBeTruthy();
    expect(await seedStoreIfEmpty(store, envLogin)).toBe(false);
    expect((await store.get())?.refreshToken).toBe(stored?.refreshToken);
  });

  // Regression (reliability suite, faults/disk-faults "disk full"): the issuer had already rotated the
  // refresh token, the save failed, the new login was dropped, and the next refresh hit
  // refresh_token_reused: the login was lost for good.
  it("keeps a refreshed login the store cannot save, serves it, and saves it once the store works again", async () => {
    const old = await issueLogin(-60);
    const inner = createMemoryTokenStore(old);
    let diskFull = true;
    const store: TokenStore = {
      get: () => inner.get(),
      set: (login) => inner.set(login),
      delete: () => inner.delete(),
      compareAndSet: async (expected, next) => {
        if (diskFull) throw new OAuthError("store_write_failed", "Cannot write auth.json: the disk is full.");
        return inner.compareAndSet(expected, next);
      },
    };
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const events = recordEvents(manager);

    const served = await manager.getAuth();
    expect(served.accessToken).not.toBe(old.accessToken);
    expect(auth.counters.refresh).toBe(1);
    expect(events.map((e) => e.type)).toEqual(["refresh_failed", "refreshed"]);
    expect(events[0]).toMatchObject({ type: "refresh_failed", retryable: true });
    expect((events[0] as { message: string }).message).toContain("kept in memory");
    expect(await inner.get(), "the stored login is unchanged while the disk is full").toEqual(old);

    // Later calls, forced re-reads and an upstream 401 for an older token never fall back to the
    // stored (already rotated) refresh token.
    for (let i = 0; i < 3; i++) {
      clock += 2000;
      expect((await manager.getAuth()).accessToken).toBe(served.accessToken);
    }
    expect((await manager.refreshAfterUnauthorized(old.accessToken)).accessToken).toBe(served.accessToken);
    expect(auth.counters.refresh).toBe(1);

    diskFull = false;
    clock += 2000;
    expect((await manager.getAuth()).accessToken).toBe(served.accessToken);
    const saved = await inner.get();
    expect(saved?.accessToken).toBe(served.accessToken);
    const reused = auth.requests
      .filter((r) => r.path === "/oauth/token")
      .map((r) => (r.body as { refresh_token?: string }).refresh_token);
    expect(new Set(reused).size).toBe(reused.length);
    expect(
      (await refreshTokens({ refreshToken: saved?.refreshToken ?? "", issuer: auth.issuer })).ok,
      "the saved refresh token is the live one",
    ).toBe(true);
  });

  it("refreshes again on top of an unsaved login, replacing the older stored one", async () => {
    const old = await issueLogin(-60);
    const inner = createMemoryTokenStore(old);
    let diskFull = true;
    const store: TokenStore = {
      get: () => inner.get(),
      set: (login) => inner.set(login),
      delete: () => inner.delete(),
      compareAndSet: async (expected, next) => {
        if (diskFull) throw new OAuthError("store_write_failed", "Cannot write auth.json: the disk is full.");
        return inner.compareAndSet(expected, next);
      },
    };
    const manager = createTokenManager({ store, issuer: auth.issuer, now, lockPath: null });
    const first = await manager.getAuth();
    const second = await manager.refreshAfterUnauthorized(first.accessToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(auth.counters.refresh).toBe(2);
    diskFull = false;
    clock += 2000;
    await manager.getAuth();
    expect((await inner.get())?.accessToken).toBe(second.accessToken);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
