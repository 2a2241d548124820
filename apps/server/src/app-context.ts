import type { InstructionsModeMemory } from "@cmp/instructions";
import type { CatalogModel, ModelRequest, ResolvedModel } from "@cmp/models";
import type { ReasoningItem } from "@cmp/transform";
import type { Logger } from "pino";
import type { AppConfig, AppDeps } from "./app-deps.js";
import type { ProfileSettings } from "./client-profiles.js";
import type { HttpContext } from "./http/http-context.js";
import type { CmpMetrics } from "./metrics/cmp-metrics.js";
import type { Operations } from "./ops/operations.js";
import type { AccountPool } from "./state/account-pool.js";
import type { ManagementBus } from "./state/management-bus.js";
import type { QuotaTracker } from "./state/quota-tracker.js";
import type { ReasoningCache } from "./state/reasoning-cache.js";
import type { RequestTracker } from "./state/request-tracker.js";
import type { TurnStateStore } from "./state/turn-state-store.js";

/** Shared state and services the routes use; built once per app. */
export interface AppContext {
  config: AppConfig;
  deps: AppDeps;
  logger: Logger;
  now: () => number;
  version: string;
  startedAt: number;
  bus: ManagementBus;
  quota: QuotaTracker;
  tracker: RequestTracker;
  reasoningCache: ReasoningCache<ReasoningItem>;
  /** The backend's `x-codex-turn-state` per conversation, replayed within a turn's tool loop. */
  turnStates: TurnStateStore;
  /** Accounts whose backend rejected custom instructions get `codex` mode from then on. */
  instructionsMode: InstructionsModeMemory;
  /** `resolveModel` with the configured aliases, cached per catalog. */
  resolveModel: (request: ModelRequest, catalog: readonly CatalogModel[]) => ResolvedModel;
  profiles: (pathProfile: string | undefined, header: string | undefined) => ProfileSettings;
  /** The ChatGPT accounts requests are sent with, and which one a request uses. */
  pool: AccountPool;
  /** Whether this request may pin an account with `x-cmp-account`. */
  mayPinAccount: (http: HttpContext) => boolean;
  /** The Prometheus metrics behind `GET /metrics`; the account pool reports retries, failovers, refreshes and quotas to them. */
  metrics: CmpMetrics;
  /** Named API keys, their limits and usage, and the request history (see `ops/operations.ts`). */
  ops: Operations;
}
