import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCodexClient } from "@cmp/codex-client";
import { createModelCatalog } from "@cmp/models";
import { createTokenManager, DEFAULT_ACCOUNT_NAME, type TokenManager } from "@cmp/oauth";
import { createStore, type Store } from "@cmp/store";
import { FAKE_POOL_ACCOUNTS, type FakeUpstream, startFakeUpstream } from "@cmp/testkit";
import type { AppConfig } from "../app-deps.js";
import { type CmpApp, createApp } from "../create-app.js";
import { createFileAccountDirectory } from "../state/account-directory.js";
import type { PoolAccount } from "../state/account-pool.js";
import { CODEX_CLIENT_VERSION } from "../version.js";

/** A clock the test moves. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock starting at the real time, moved only by `advance`. */
export function testClock(): TestClock {
  let at = Date.now();
  return {
    now: () => at,
    advance: (ms) => {
      at += ms;
    },
  };
}

/** The fake accounts by pool name: `default` is A (auth.json), then `b` and `c` (accounts/*.json). */
export const POOL_LOGINS = {
  default: FAKE_POOL_ACCOUNTS.a,
  b: FAKE_POOL_ACCOUNTS.b,
  c: FAKE_POOL_ACCOUNTS.c,
};

/** A CMP_HOME with the three fake accounts logged in, on one fake upstream. */
export interface PoolFixture {
  upstream: FakeUpstream;
  clock: TestClock;
  home: string;
  close(): Promise<void>;
}

/** Starts the fake upstream (one clock) and logs A, B and C into a fresh CMP_HOME. */
export async function startPoolFixture(): Promise<PoolFixture> {
  const clock = testClock();
  const upstream = await startFakeUpstream({ now: clock.now });
  const home = await mkdtemp(join(tmpdir(), "cmp-pool-"));
  const directory = createFileAccountDirectory(home);
  const files = {
    default: join(home, "auth.json"),
    b: join(home, "accounts", "b.json"),
    c: join(home, "accounts", "c.json"),
  };
  for (const [name, account] of Object.entries(POOL_LOGINS)) {
    await upstream.loginAccountInto(files[name as keyof typeof files], account);
  }
  if ((await directory.names()).length !== 3) throw new Error("the pool fixture's logins were not found");
  return {
    upstream,
    clock,
    home,
    close: async () => {
      await upstream.close();
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/** One server replica (in process) over a {@link PoolFixture}: real token managers, catalog and client. */
export interface PoolReplica {
  app: CmpApp;
  managers: Map<string, TokenManager>;
  close(): Promise<void>;
}

/**
 * Builds an app over the fixture's accounts as `main.ts` wires them (file logins, one token manager per
 * account, the live catalog per account), with `store` as the operator store (embedded or Redis).
 */
export async function startPoolReplica(
  fixture: PoolFixture,
  options: { config?: Partial<AppConfig>; store?: Store; shared?: Store } = {},
): Promise<PoolReplica> {
  const { upstream, clock, home } = fixture;
  const directory = createFileAccountDirectory(home);
  const managers = new Map<string, TokenManager>();
  const accounts: PoolAccount[] = [];
  for (const name of await directory.names()) {
    const manager = createTokenManager({
      store: directory.tokenStore(name),
      issuer: upstream.auth.issuer,
      now: clock.now,
    });
    managers.set(name, manager);
    accounts.push({ name, tokenManager: manager });
  }
  const defaultManager = managers.get(DEFAULT_ACCOUNT_NAME) as TokenManager;
  const cacheDir = await mkdtemp(join(tmpdir(), "cmp-pool-cache-"));
  const catalog = createModelCatalog({
    upstreamUrl: upstream.codex.baseUrl,
    clientVersion: CODEX_CLIENT_VERSION,
    cacheDir,
    auth: defaultManager,
    now: clock.now,
  });
  const codexClient = createCodexClient({
    baseUrl: upstream.codex.baseUrl,
    auth: defaultManager,
    userAgent: "chatgpt-max-proxy/test",
    originator: "chatgpt_max_proxy",
    clientVersion: CODEX_CLIENT_VERSION,
    sleep: async () => {},
    idleTimeoutMs: 10_000,
  });
  const store = options.store ?? (await createStore({ folder: join(home, "store") }));
  const app = createApp({
    config: { overloadRetryBaseMs: 1, ...options.config },
    tokenManager: defaultManager,
    catalog,
    instructions: { getBaseInstructions: async () => "BASE INSTRUCTIONS" },
    codexClient,
    now: clock.now,
    store,
    ...(options.shared ? { sharedState: options.shared } : {}),
    accounts: { initial: accounts },
  });
  await app.context.pool.ready;
  return {
    app,
    managers,
    close: async () => {
      await app.context.pool.close();
      await codexClient.close();
      if (options.store === undefined) await store.close();
      await rm(cacheDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
