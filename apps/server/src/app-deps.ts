import type { CodexClient } from "@cmp/codex-client";
import type { AccountAuth } from "@cmp/core";
import type { CatalogModel } from "@cmp/models";
import type { TokenManager } from "@cmp/oauth";
import type { Store } from "@cmp/store";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";
import type { CmpMetrics } from "./metrics/cmp-metrics.js";
import type { AccountSource, PoolAccount } from "./state/account-pool.js";
import type { SharedMap } from "./state/shared-map.js";
import { CODEX_CLIENT_VERSION } from "./version.js";

/**
 * What the server needs from `@cmp/oauth`'s token manager (tests pass a fake; `on` and
 * `getLoginError` are optional for them). The types are oauth's own.
 */
export type TokenManagerLike = Pick<TokenManager, "getAuth" | "refreshAfterUnauthorized" | "getStatus"> &
  Partial<Pick<TokenManager, "on" | "getLoginError">>;

/** What the server needs from `@cmp/models`' catalog. */
export interface CatalogLike {
  get(auth?: AccountAuth): Promise<readonly CatalogModel[]>;
  noteModelsEtag?(etag: string | null | undefined, auth?: AccountAuth): Promise<void>;
}

/** What the server needs from `@cmp/instructions`' provider. */
export interface InstructionsLike {
  getBaseInstructions(model: CatalogModel): Promise<string>;
}

/**
 * Settings of the app that have no environment variable (yet): the defaults serve everyone, and tests
 * shorten them.
 */
export interface AppTuning {
  /**
   * How many times a request the backend refused as overloaded (`server_is_overloaded`, `slow_down`,
   * also as an event inside a 200 stream) is sent again, while nothing has reached the client (default 2).
   */
  overloadRetries: number;
  /** First wait before such a retry in ms, doubled per retry, with jitter (default 500). */
  overloadRetryBaseMs: number;
}

/** The part of the configuration the app itself uses. */
export type AppConfig = AppTuning &
  Pick<
    ServerConfig,
    | "host"
    | "apiKeys"
    | "dashboardApiKey"
    | "corsOrigins"
    | "bodyLimitBytes"
    | "instructionsMode"
    | "accountStrategy"
    | "reasoningOutput"
    | "clientProfiles"
    | "backgroundModel"
    | "modelAliases"
    | "keepAliveMs"
    | "clientVersion"
    | "metricsPublic"
    | "historySize"
    | "logBodies"
  >;

/**
 * Defaults of {@link AppConfig}: loopback, no keys, no CORS, 50 MB bodies, 15 s keep-alives, the default
 * Codex client version.
 */
export const DEFAULT_APP_CONFIG: AppConfig = {
  host: "127.0.0.1",
  apiKeys: [],
  dashboardApiKey: null,
  corsOrigins: [],
  bodyLimitBytes: 50 * 1024 * 1024,
  instructionsMode: "client",
  accountStrategy: "sticky",
  reasoningOutput: "fields",
  clientProfiles: [],
  backgroundModel: null,
  modelAliases: {},
  keepAliveMs: 15_000,
  clientVersion: CODEX_CLIENT_VERSION,
  overloadRetries: 2,
  overloadRetryBaseMs: 500,
  metricsPublic: false,
  historySize: 1_000,
  logBodies: false,
};

/** Everything `createApp` is built from; upstream access, tokens, clock and logger are injected. */
export interface AppDeps {
  config?: Partial<AppConfig>;
  tokenManager: TokenManagerLike;
  catalog: CatalogLike;
  instructions: InstructionsLike;
  codexClient: Pick<CodexClient, "createResponse" | "compact">;
  /** pino logger; default: silent. */
  logger?: Logger;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
  /** Aborted when the server shuts down: endless streams (the management stream) end at once. */
  shutdownSignal?: AbortSignal;
  /** Reported by `/health` and `GET /`. */
  version?: string;
  /**
   * The store several replicas share (`CMP_STORE_URL`; a `@cmp/store` `Store` satisfies it): reasoning,
   * turn states and the latest quota are kept there too. Absent: all of it stays in this process.
   */
  sharedState?: { namespace(name: string): SharedMap };
  /**
   * The store of what operators manage (the account pool's settings and cooldowns, API keys, usage,
   * request history): the shared Redis store with `CMP_STORE_URL`, else an embedded one with files
   * under `CMP_HOME/store`. Absent (tests): those features keep their state in memory.
   */
  store?: Store;
  /**
   * The accounts of the pool (`cmp-server login --account NAME`): the ones at start, `default` (whose
   * token manager is `tokenManager`) first, and where to re-read them while running. Absent: one
   * account, `default`, with `tokenManager`.
   */
  accounts?: { initial: readonly PoolAccount[]; source?: AccountSource };
  /**
   * The Prometheus metrics (`GET /metrics`), when made before the app so the account pool can report
   * to them too; default: the app makes its own.
   */
  metrics?: CmpMetrics;
}
