import { type FakeAuthServer, startFakeAuthServer } from "@cmp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryTokenStore } from "./memory-token-store.js";
import { OAuthError } from "./oauth-errors.js";
import { issueStoredLogin } from "./testing/issue-stored-login.js";
import { createTokenManager } from "./token-manager.js";
import type { TokenStore } from "./token-store.js";

let auth: FakeAuthServer;
let clock: number;
const now = () => clock;

beforeEach(async () => {
  auth = await startFakeAuthServer();
  clock = Date.now();
});
afterEach(async () => {
  await auth.close();
});

const unavailable = () =>
  new OAuthError("store_unavailable", "The shared store cannot be reached.", { retryable: true });

/** A memory store standing for a shared one: its own lock, and a switch that makes it unreachable. */
function sharedStore() {
  const inner = createMemoryTokenStore();
  const state = { down: false, locks: 0, revision: 0 };
  const guard = <T>(run: () => Promise<T>): Promise<T> =>
    state.down ? Promise.reject(unavailable()) : run();
  const store: TokenStore = {
    get: () => guard(() => inner.get()),
    set: (login) =>
      guard(async () => {
        state.revision++;
        await inner.set(login);
      }),
    delete: () => guard(() => inner.delete()),
    compareAndSet: (expected, next) =>
      guard(async () => {
        const written = await inner.compareAndSet(expected, next);
        if (written) state.revision++;
        return written;
      }),
    revision: () => guard(async () => String(state.revision)),
    lock: () =>
      guard(async () => {
        state.locks++;
        return async () => {};
      }),
  };
  return { store, state };
}

describe("a token store with its own lock (a shared store)", () => {
  it("refreshes under the store's lock instead of a file lock", async () => {
    const { store, state } = sharedStore();
    const login = await issueStoredLogin(auth, 60, clock);
    await store.set(login);
    const manager = createTokenManager({ store, issuer: auth.issuer, now });
    clock += 61_000;
    const fresh = await manager.getAuth();
    expect(state.locks).toBe(1);
    expect(fresh.accessToken).not.toBe(login.accessToken);
    expect((await store.get())?.accessToken).toBe(fresh.accessToken);
  });

  it("keeps serving a still-valid login while the store is unreachable, and fails only what needs the store", async () => {
    const { store, state } = sharedStore();
    const login = await issueStoredLogin(auth, 600, clock);
    await store.set(login);
    const manager = createTokenManager({ store, issuer: auth.issuer, now, refreshLeadMs: 60_000 });
    expect((await manager.getAuth()).accessToken).toBe(login.accessToken);

    state.down = true;
    for (let i = 0; i < 5; i++) {
      clock += 2_000; // every call is due for a store check
      expect((await manager.getAuth()).accessToken).toBe(login.accessToken);
    }

    clock += 600_000; // expired: a refresh needs the store's lock
    await expect(manager.getAuth()).rejects.toMatchObject({ code: "store_unavailable" });

    state.down = false;
    clock += 2_000;
    const after = await manager.getAuth();
    expect(after.accessToken).not.toBe(login.accessToken);
    expect((await store.get())?.refreshToken).not.toBe(login.refreshToken);
  });
});
