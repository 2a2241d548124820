import type { IncomingMessage, ServerResponse } from "node:http";
import { createInstructionsModeMemory } from "@cmp/instructions";
import { createMemoryStore } from "@cmp/store";
import express from "express";
import pino from "pino";
import type { AppContext } from "./app-context.js";
import { type AppDeps, DEFAULT_APP_CONFIG } from "./app-deps.js";
import { createProfileResolver } from "./client-profiles.js";
import { ANTHROPIC_ERROR_DIALECT } from "./http/anthropic-error-dialect.js";
import type { ErrorDialect } from "./http/error-dialect.js";
import { expressErrorHandler, expressRoute } from "./http/express-route.js";
import { OLLAMA_ERROR_DIALECT } from "./http/ollama-error-dialect.js";
import { createRequestPipeline } from "./http/request-pipeline.js";
import type { RouteHandler } from "./http/route-handler.js";
import { createMetrics, DEFAULT_ACCOUNT } from "./metrics/cmp-metrics.js";
import { Operations } from "./ops/operations.js";
import { mayPinAccount } from "./ops/request-identity.js";
import { handleChatCompletions } from "./routes/chat-completions-route.js";
import { handleCompact } from "./routes/compact-route.js";
import { handleCountTokens } from "./routes/count-tokens-route.js";
import { handleCreateKey, handleListKeys, handleRevokeKey } from "./routes/management-keys-route.js";
import { handleRequestHistory } from "./routes/management-requests-route.js";
import { handleManagementEvents } from "./routes/management-route.js";
import { handleMessages } from "./routes/messages-route.js";
import { handleAbout, handleHealth } from "./routes/meta-routes.js";
import { handleMetrics } from "./routes/metrics-route.js";
import { handleGetModel, handleListModels } from "./routes/models-routes.js";
import { handleOllamaChat, handleOllamaGenerate } from "./routes/ollama-chat-route.js";
import {
  handleOllamaPs,
  handleOllamaShow,
  handleOllamaTags,
  handleOllamaVersion,
} from "./routes/ollama-models-route.js";
import { ollamaRootRoute } from "./routes/ollama-port.js";
import { handleResponses } from "./routes/responses-route.js";
import { handleStatus } from "./routes/status-route.js";
import { registerNotFound, registerRefusals } from "./routes/unsupported-routes.js";
import { AccountPool } from "./state/account-pool.js";
import { ManagementBus } from "./state/management-bus.js";
import { createModelResolver } from "./state/model-resolver.js";
import { QuotaTracker } from "./state/quota-tracker.js";
import { ReasoningCache } from "./state/reasoning-cache.js";
import { RequestTracker } from "./state/request-tracker.js";
import { TurnStateStore } from "./state/turn-state-store.js";

/**
 * The server's request listener (for `http.createServer`, or supertest) plus the state behind
 * `/v1/status` and the management stream.
 */
export type CmpApp = ((req: IncomingMessage, res: ServerResponse) => void) & { readonly context: AppContext };

/** The API routes that read a JSON body and call the backend: answered by the pipeline itself. */
const JSON_ROUTES = new Map<string, RouteHandler>([
  ["/v1/chat/completions", handleChatCompletions],
  ["/v1/responses", handleResponses],
  ["/v1/responses/compact", handleCompact],
  ["/api/chat", handleOllamaChat],
  ["/api/generate", handleOllamaGenerate],
  ["/api/show", handleOllamaShow],
  ["/v1/messages", handleMessages],
  ["/v1/messages/count_tokens", handleCountTokens],
]);

/**
 * The front doors that are not OpenAI's, by path prefix: their errors (also a refused key or an unknown
 * path under the prefix) take that API's shape. Every other path answers OpenAI's.
 */
const ERROR_DIALECTS: ReadonlyArray<readonly [prefix: string, dialect: ErrorDialect]> = [
  ["/api/", OLLAMA_ERROR_DIALECT],
  ["/v1/messages", ANTHROPIC_ERROR_DIALECT],
];

const errorDialectFor = (path: string): ErrorDialect | undefined => {
  for (const [prefix, dialect] of ERROR_DIALECTS) if (path.startsWith(prefix)) return dialect;
  return undefined;
};

const PUBLIC_PATHS = new Set(["/health", "/v1/health"]);
/** `GET /metrics` after path normalisation (`/metrics` becomes `/v1/metrics`). */
const METRICS_PATH = "/v1/metrics";
const isPublic = (method: string, path: string) =>
  PUBLIC_PATHS.has(path) || ((method === "GET" || method === "HEAD") && (path === "/" || path === "/v1"));

/**
 * Builds the server: the request pipeline (Host check on loopback, CORS only when configured, API keys,
 * the JSON API routes) in front of an Express 5 router for the small GET and management routes, JSON
 * 404/405 answers and one error writer. Upstream client, token manager, catalog, clock and logger
 * come from `deps`.
 */
export function createApp(deps: AppDeps): CmpApp {
  const config = { ...DEFAULT_APP_CONFIG, ...deps.config };
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? pino({ level: "silent" });
  const bus = new ManagementBus(now);
  // With a shared store, the state a replica's next request may need lives there too; a store that
  // cannot answer only costs a miss (logged at debug), never a request.
  const shared = deps.sharedState;
  const onSharedFailure = (error: unknown, doing: string) =>
    logger.debug(
      { err: error instanceof Error ? error.message : String(error) },
      `shared store: could not ${doing}`,
    );
  const ctx: AppContext = {
    config,
    deps,
    logger,
    now,
    version: deps.version ?? "0.0.0",
    startedAt: now(),
    bus,
    quota: new QuotaTracker(bus, { logger, shared: shared?.namespace("quota"), onSharedFailure }),
    tracker: new RequestTracker(bus, now),
    reasoningCache: new ReasoningCache({ now, shared: shared?.namespace("reasoning"), onSharedFailure }),
    turnStates: new TurnStateStore({ now, shared: shared?.namespace("turn-state"), onSharedFailure }),
    instructionsMode: createInstructionsModeMemory({ now }),
    resolveModel: createModelResolver(config.modelAliases),
    profiles: createProfileResolver(config.clientProfiles),
    pool: new AccountPool({
      accounts: deps.accounts?.initial ?? [{ name: "default", tokenManager: deps.tokenManager }],
      source: deps.accounts?.source,
      strategy: config.accountStrategy,
      now,
      bus,
      logger,
      store: deps.store,
      affinity: shared?.namespace("affinity"),
    }),
    metrics: deps.metrics ?? createMetrics(),
    // Pinning is for debugging: admin keys only (`CMP_API_KEYS`, `--admin` named keys, or an open server).
    mayPinAccount,
    // Keys, usage and history live in the operator store; without one (tests), in this process.
    ops: new Operations({
      store: deps.store ?? createMemoryStore(),
      apiKeys: config.apiKeys,
      dashboardApiKey: config.dashboardApiKey,
      historySize: config.historySize,
      logBodies: config.logBodies,
      now,
      logger,
    }),
  };
  ctx.ops.start(deps.shutdownSignal);
  // The single login's quota, read when scraped, until the account pool reports each account's.
  ctx.metrics.readQuotaAtScrape(DEFAULT_ACCOUNT, () => ctx.quota.current());
  for (const type of ["refreshed", "refresh_failed", "logged_out"] as const) {
    deps.tokenManager.on?.(type, () =>
      bus.publish({ type: "auth", data: { type, at: new Date(now()).toISOString() } }),
    );
  }
  // The single login's refreshes, counted as the pool's first account's.
  deps.tokenManager.on?.("refreshed", () => ctx.metrics.refresh(DEFAULT_ACCOUNT, true));
  // The token manager's events carry no secrets; a failed refresh (or a refreshed login that could not
  // be saved, which a restart would lose) must be visible in the log.
  deps.tokenManager.on?.("refresh_failed", ({ code, message, retryable }) => {
    ctx.metrics.refresh(DEFAULT_ACCOUNT, false);
    logger.warn({ code, retryable, reason: message }, "ChatGPT login refresh failed");
  });
  // Once when the saved login becomes unreadable, not for each request it fails (those answer 401
  // reauth_required, and `/v1/status` shows `login_error`).
  deps.tokenManager.on?.("store_unreadable", ({ code, message }) => {
    logger.warn({ code, reason: message }, "the saved ChatGPT login cannot be read");
  });

  // The small GET and management routes, behind the pipeline: they get the same HttpContext.
  const router = express();
  router.disable("x-powered-by");
  router.set("etag", false);
  router.set("query parser", "simple");
  router.get("/", ollamaRootRoute);
  router.get(["/", "/v1"], expressRoute(ctx, handleAbout));
  router.get(["/health", "/v1/health"], expressRoute(ctx, handleHealth));
  router.get("/v1/models", expressRoute(ctx, handleListModels));
  router.get("/v1/models/*id", expressRoute(ctx, handleGetModel));
  router.get("/v1/status", expressRoute(ctx, handleStatus));
  router.get("/v1/management/events", expressRoute(ctx, handleManagementEvents));
  router.get(METRICS_PATH, expressRoute(ctx, handleMetrics));
  router.get("/api/tags", expressRoute(ctx, handleOllamaTags));
  router.get("/api/ps", expressRoute(ctx, handleOllamaPs));
  router.get("/api/version", expressRoute(ctx, handleOllamaVersion));
  // Named keys and the request history (admin keys only: the pipeline's key check).
  router.get("/v1/management/keys", expressRoute(ctx, handleListKeys));
  router.post("/v1/management/keys", expressRoute(ctx, handleCreateKey));
  router.delete("/v1/management/keys/:name", expressRoute(ctx, handleRevokeKey));
  router.get("/v1/management/requests", expressRoute(ctx, handleRequestHistory));
  registerRefusals(router, ctx, [
    ["/", ["GET"]],
    ["/v1", ["GET"]],
    ["/health", ["GET"]],
    ["/v1/health", ["GET"]],
    ["/v1/chat/completions", ["POST"]],
    ["/v1/responses", ["POST"]],
    ["/v1/responses/compact", ["POST"]],
    ["/v1/messages", ["POST"]],
    ["/v1/messages/count_tokens", ["POST"]],
    ["/v1/models", ["GET"]],
    ["/v1/models/*id", ["GET"]],
    ["/v1/status", ["GET"]],
    ["/v1/management/events", ["GET"]],
    [METRICS_PATH, ["GET"]],
    ["/api/chat", ["POST"]],
    ["/api/generate", ["POST"]],
    ["/api/show", ["POST"]],
    ["/api/tags", ["GET"]],
    ["/api/ps", ["GET"]],
    ["/api/version", ["GET"]],
    ["/v1/management/keys", ["GET", "POST"]],
    ["/v1/management/keys/:name", ["DELETE"]],
    ["/v1/management/requests", ["GET"]],
  ]);
  registerNotFound(router, ctx);
  router.use(expressErrorHandler(ctx));

  const pipeline = createRequestPipeline(ctx, {
    jsonRoutes: JSON_ROUTES,
    // CMP_METRICS_PUBLIC=1: a scraper needs no key (mayReadMetrics lets it through too).
    isPublic: config.metricsPublic
      ? (method, path) =>
          isPublic(method, path) || (path === METRICS_PATH && (method === "GET" || method === "HEAD"))
      : isPublic,
    fallback: router,
    errorDialect: errorDialectFor,
  });
  return Object.assign(pipeline, { context: ctx });
}
