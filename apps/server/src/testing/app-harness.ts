import { createCodexClient } from "@cmp/codex-client";
import { bundledCatalog } from "@cmp/models";
import { OAuthError } from "@cmp/oauth";
import type { Store } from "@cmp/store";
import { type FakeCodexServer, type ScenarioInput, startFakeCodexServer } from "@cmp/testkit";
import type { Logger } from "pino";
import type { AppConfig, TokenManagerLike } from "../app-deps.js";
import { type CmpApp, createApp } from "../create-app.js";
import { CODEX_CLIENT_VERSION } from "../version.js";

/** A token manager fake: logged in as `acc_test` unless `loggedIn` is false. */
export function fakeTokenManager(
  options: { loggedIn?: boolean } = {},
): TokenManagerLike & { refreshes: number } {
  const fake = {
    refreshes: 0,
    async getAuth() {
      if (options.loggedIn === false) throw new OAuthError("not_logged_in", "Not logged in.");
      return { accessToken: `tok-${fake.refreshes}`, accountId: "acc_test" };
    },
    async refreshAfterUnauthorized() {
      fake.refreshes++;
      return { accessToken: `tok-${fake.refreshes}`, accountId: "acc_test" };
    },
    async getStatus() {
      if (options.loggedIn === false) return null;
      return {
        email: "user@example.com",
        plan: "pro",
        accountId: "acc_test",
        expiresAt: new Date("2026-11-27T20:00:00Z"),
        lastRefresh: new Date("2026-11-27T18:00:00Z"),
        reauthRequired: false,
      };
    },
  };
  return fake;
}

/** An app wired to a fake Codex backend (no auth check), a fixed catalog and instructions. */
export interface Harness {
  app: CmpApp;
  codex: FakeCodexServer;
  tokenManager: ReturnType<typeof fakeTokenManager>;
  /** The JSON bodies the fake backend received for `/responses`. */
  upstreamBodies(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** Starts a {@link Harness}. */
export async function createHarness(
  options: {
    config?: Partial<AppConfig>;
    loggedIn?: boolean;
    scenario?: ScenarioInput;
    idleTimeoutMs?: number;
    shutdownSignal?: AbortSignal;
    logger?: Logger;
    /** The app's clock (default `Date.now`). */
    now?: () => number;
    /** The operator store (`AppDeps.store`: keys, usage, history); default one in memory. The caller closes it. */
    store?: Store;
  } = {},
): Promise<Harness> {
  const codex = await startFakeCodexServer(
    options.scenario === undefined ? {} : { scenario: options.scenario },
  );
  const tokenManager = fakeTokenManager({ loggedIn: options.loggedIn ?? true });
  const codexClient = createCodexClient({
    baseUrl: codex.baseUrl,
    auth: tokenManager,
    userAgent: "chatgpt-max-proxy/test",
    originator: "chatgpt_max_proxy",
    clientVersion: options.config?.clientVersion ?? CODEX_CLIENT_VERSION,
    sleep: async () => {},
    idleTimeoutMs: options.idleTimeoutMs ?? 5_000,
  });
  const app = createApp({
    config: options.config ?? {},
    tokenManager,
    catalog: { get: async () => bundledCatalog },
    instructions: { getBaseInstructions: async () => "BASE INSTRUCTIONS" },
    codexClient,
    version: "0.1.0-test",
    ...(options.shutdownSignal ? { shutdownSignal: options.shutdownSignal } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
  return {
    app,
    codex,
    tokenManager,
    upstreamBodies: () =>
      codex.requests
        .filter((r) => r.path.endsWith("/responses"))
        .map((r) => r.body as Record<string, unknown>),
    close: async () => {
      await app.context.ops.close();
      await codexClient.close();
      await codex.close();
    },
  };
}

/** Splits an SSE body into its `data:` payloads (JSON-parsed, `[DONE]` kept as a string). */
export function sseData(text: string): unknown[] {
  return text
    .split("\n\n")
    .map((frame) => frame.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => line !== undefined)
    .map((line) => line.slice(6))
    .map((data) => (data === "[DONE]" ? data : (JSON.parse(data) as unknown)));
}
