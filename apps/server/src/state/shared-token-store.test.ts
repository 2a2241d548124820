import { randomBytes } from "node:crypto";
import { createTokenManager, OAuthError, type StoredLogin, type TokenStore } from "@cmp/oauth";
import { createStore, type Store } from "@cmp/store";
import {
  type FakeAuthServer,
  redisServerAvailable,
  startFakeAuthServer,
  startRedisServer,
  type TestRedisServer,
} from "@cmp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHttpError } from "../errors/map-error.js";
import { connectRawRedis, type RawRedis } from "../testing/raw-redis.js";
import { createSharedTokenStore } from "./shared-token-store.js";

const available = redisServerAvailable();
const secret = new Uint8Array(randomBytes(32));

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe.skipIf(!available)("createSharedTokenStore on a real Redis", () => {
  let server: TestRedisServer;
  let raw: RawRedis;
  let auth: FakeAuthServer;
  const stores: Store[] = [];
  let prefixCount = 0;

  /** A store on the test Redis (a fresh prefix per test, unless two replicas share one). */
  async function open(prefix = `tok${++prefixCount}`, key: Uint8Array = secret): Promise<Store> {
    const store = await createStore({ url: server.url, prefix, secret: key, commandTimeoutMs: 5_000 });
    stores.push(store);
    return store;
  }

  /** A login from the fake issuer whose access token lives `ttlSeconds`. */
  async function issueLogin(ttlSeconds = 3_600, email?: string): Promise<StoredLogin> {
    const tokens = await auth.issueTokens({
      accessTokenTtlSeconds: ttlSeconds,
      ...(email === undefined ? {} : { email }),
    });
    return {
      idToken: tokens.id_token,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accountId: "acc_test",
      lastRefresh: new Date().toISOString(),
    };
  }

  beforeAll(async () => {
    server = await startRedisServer();
    raw = await connectRawRedis(server.url);
    auth = await startFakeAuthServer();
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    raw?.close();
    await auth?.close();
    await server?.stop();
  }, 60_000);

  it("reads null without a login, saves exactly the login's fields, and deletes (twice is fine)", async () => {
    const tokens = createSharedTokenStore(await open());
    expect(await tokens.get()).toBeNull();
    const login = await issueLogin();
    await tokens.set({ ...login, extra: "not a login field" } as StoredLogin);
    expect(await tokens.get()).toEqual(login);
    await tokens.delete();
    expect(await tokens.get()).toBeNull();
    await tokens.delete();
    expect(await tokens.get()).toBeNull();
  });

  it("shares one login between two replicas (two Store instances, same URL, prefix and secret)", async () => {
    const one = createSharedTokenStore(await open("tok-replicas"));
    const two = createSharedTokenStore(await open("tok-replicas"));
    const login = await issueLogin();
    await one.set(login);
    expect(await two.get()).toEqual(login);
    await two.delete();
    expect(await one.get()).toBeNull();
  });

  it("keeps accounts apart: the key is the account's name", async () => {
    const store = await open();
    const first = createSharedTokenStore(store);
    const second = createSharedTokenStore(store, { account: "second" });
    const login = await issueLogin();
    await first.set(login);
    expect(await second.get()).toBeNull();
    expect(await raw.keys(`${store.prefix}:*`)).toEqual([`${store.prefix}:secret:logins:default`]);
  });

  describe("compareAndSet", () => {
    it("saves the rotated login only when the expected refresh token is the stored one", async () => {
      const tokens = createSharedTokenStore(await open());
      const first = await issueLogin();
      const rotated = await issueLogin();
      const later = await issueLogin();
      expect(await tokens.compareAndSet(first.refreshToken, rotated)).toBe(false);
      expect(await tokens.get()).toBeNull();

      await tokens.set(first);
      expect(await tokens.compareAndSet("some-other-refresh-token", rotated)).toBe(false);
      expect(await tokens.get()).toEqual(first);

      expect(await tokens.compareAndSet(first.refreshToken, rotated)).toBe(true);
      expect(await tokens.get()).toEqual(rotated);

      // A replica that still holds the spent token must not overwrite the newer login.
      expect(await tokens.compareAndSet(first.refreshToken, later)).toBe(false);
      expect(await tokens.get()).toEqual(rotated);
    });

    it("lets exactly one of two replicas that race with the same expected token win", async () => {
      const one = createSharedTokenStore(await open("tok-cas-race"));
      const two = createSharedTokenStore(await open("tok-cas-race"));
      const first = await issueLogin();
      await one.set(first);
      const mine = await issueLogin(3_600, "one@example.com");
      const theirs = await issueLogin(3_600, "two@example.com");
      const results = await Promise.all([
        one.compareAndSet(first.refreshToken, mine),
        two.compareAndSet(first.refreshToken, theirs),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await one.get()).toEqual(results[0] ? mine : theirs);
    });
  });

  it("keeps the login sealed in Redis: no token, account or email text in any key or value", async () => {
    const store = await open();
    const tokens = createSharedTokenStore(store);
    const login = await issueLogin(3_600, "sealed-user@example.com");
    await tokens.set(login);
    const rows = await raw.dump(`${store.prefix}:*`);
    expect(Object.keys(rows)).toEqual([`${store.prefix}:secret:logins:default`]);
    const value = rows[`${store.prefix}:secret:logins:default`] ?? "";
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const everything = JSON.stringify(rows);
    const secrets = [login.accessToken, login.refreshToken, login.idToken ?? ""];
    // Each part of each JWT (header, claims, signature), not only the whole token.
    for (const text of secrets.flatMap((token) => [token, ...token.split(".")])) {
      if (text.length >= 8) expect(everything).not.toContain(text);
    }
    for (const word of ["acc_test", "sealed-user@example.com", "accessToken", "refreshToken"]) {
      expect(everything).not.toContain(word);
    }
  });

  it("reads a login sealed with another secret as store_corrupt, and a value that is no login too", async () => {
    const store = await open("tok-other-secret");
    await createSharedTokenStore(store).set(await issueLogin());
    const otherSecret = new Uint8Array(randomBytes(32));
    const other = createSharedTokenStore(await open("tok-other-secret", otherSecret));
    const wrongSecret = await rejectionOf(other.get());
    expect(OAuthError.isInstance(wrongSecret) && wrongSecret.code).toBe("store_corrupt");
    expect(String((wrongSecret as Error).message)).toContain("CMP_STORE_SECRET");

    const garbled = await open();
    await garbled.secretNamespace("logins").set("default", { accessToken: 42 });
    const notALogin = await rejectionOf(createSharedTokenStore(garbled).get());
    expect(OAuthError.isInstance(notALogin) && notALogin.code).toBe("store_corrupt");
    // A corrupt login is answered as "log in again", not as a server fault.
    expect(toHttpError(notALogin).status).toBe(401);
  });

  describe("the refresh lock", () => {
    it("excludes two replicas (two Store instances on one Redis) from each other", async () => {
      const prefix = "tok-lock";
      const replicas = [
        createSharedTokenStore(await open(prefix)),
        createSharedTokenStore(await open(prefix)),
      ];
      const probe = await open(prefix);
      let inside = 0;
      let overlaps = 0;
      let entered = 0;
      const critical = async (tokens: TokenStore) => {
        const release = await tokens.lock!();
        try {
          inside++;
          entered++;
          if (inside > 1) overlaps++;
          // Round trips to Redis while holding the lock: the other replica keeps trying meanwhile.
          for (let i = 0; i < 3; i++) await probe.ping();
          if (inside > 1) overlaps++;
          inside--;
        } finally {
          await release();
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, i) => critical(replicas[i % 2] as TokenStore)));
      expect(entered).toBe(8);
      expect(overlaps).toBe(0);
    });

    it("holds the lock under <prefix>:lock:refresh.<account> until released; other accounts are not blocked", async () => {
      const store = await open();
      const tokens = createSharedTokenStore(store);
      const release = await tokens.lock!();
      const lockKey = `${store.prefix}:lock:refresh.default`;
      expect(await raw.keys(`${store.prefix}:lock:*`)).toEqual([lockKey]);
      // The key holds a random holder token, never login material.
      expect(await raw.get(lockKey)).toMatch(/^[A-Za-z0-9_-]{8,}$/);

      const waiting = createSharedTokenStore(await open(store.prefix)).lock!();
      let waiterHolds = false;
      void waiting.then(() => {
        waiterHolds = true;
      });
      const otherAccount = await createSharedTokenStore(store, { account: "second" }).lock!();
      await otherAccount();
      for (let i = 0; i < 5; i++) await store.ping();
      expect(waiterHolds).toBe(false);

      await release();
      const releaseWaiter = await waiting;
      expect(waiterHolds).toBe(true);
      await releaseWaiter();
      expect(await raw.keys(`${store.prefix}:lock:*`)).toEqual([]);
    });
  });

  it("lets two token managers (two replicas) refresh an expired login once for the deployment", async () => {
    const prefix = "tok-refresh-once";
    const seeded = createSharedTokenStore(await open(prefix));
    const login = await issueLogin(60);
    await seeded.set(login);
    const refreshesBefore = auth.counters.refresh;
    // Both replicas' clocks are past the access token's expiry.
    const later = () => Date.now() + 120_000;
    const managers = await Promise.all(
      [0, 1].map(async () =>
        createTokenManager({
          store: createSharedTokenStore(await open(prefix)),
          issuer: auth.issuer,
          now: later,
        }),
      ),
    );
    const [a, b] = await Promise.all(managers.map((manager) => manager.getAuth()));
    expect(auth.counters.refresh - refreshesBefore).toBe(1);
    expect(a?.accessToken).not.toBe(login.accessToken);
    expect(b?.accessToken).toBe(a?.accessToken);
    const saved = await seeded.get();
    expect(saved?.accessToken).toBe(a?.accessToken);
    expect(saved?.refreshToken).not.toBe(login.refreshToken);
  });

  describe("a store that cannot be reached", () => {
    const operations = (tokens: TokenStore, login: StoredLogin) => ({
      get: () => tokens.get(),
      set: () => tokens.set(login),
      delete: () => tokens.delete(),
      compareAndSet: () => tokens.compareAndSet(login.refreshToken, login),
      lock: () => tokens.lock!(),
    });

    it("fails every operation with OAuthError store_unavailable once the store is closed", async () => {
      const store = await open();
      const tokens = createSharedTokenStore(store);
      const login = await issueLogin();
      await tokens.set(login);
      await store.close();
      for (const [name, run] of Object.entries(operations(tokens, login))) {
        const error = await rejectionOf(run());
        expect(OAuthError.isInstance(error), name).toBe(true);
        expect((error as OAuthError).code, name).toBe("store_unavailable");
        expect((error as OAuthError).retryable, name).toBe(true);
        expect((error as OAuthError).message, name).toContain("CMP_STORE_URL");
      }
    });

    it("fails with store_unavailable (503, retry-after) when Redis is gone, without the URL in the message", async () => {
      const down = await startRedisServer();
      try {
        const store = await createStore({ url: down.url, prefix: "gone", secret, commandTimeoutMs: 1_000 });
        stores.push(store);
        const tokens = createSharedTokenStore(store);
        const login = await issueLogin();
        await tokens.set(login);
        await down.stop();
        for (const [name, run] of Object.entries(operations(tokens, login))) {
          const error = await rejectionOf(run());
          expect(OAuthError.isInstance(error) && error.code, name).toBe("store_unavailable");
          expect((error as Error).message, name).not.toContain(String(down.port));
          const http = toHttpError(error);
          expect(http.status, name).toBe(503);
          expect(http.code, name).toBe("store_unavailable");
          expect(http.headers["retry-after"], name).toBe("5");
        }
      } finally {
        await down.stop();
      }
    }, 60_000);
  });
});
