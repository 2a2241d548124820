import type { IncomingMessage, ServerResponse } from "node:http";
import { createInstructionsModeMemory } from "@cmp/instructions";
import express, { type Express, type RequestHandler } from "express";
import pino from "pino";
import type { AppContext } from "./app-context.js";
import { type AppDeps, DEFAULT_APP_CONFIG } from "./app-deps.js";
import { createProfileResolver } from "./client-profiles.js";
import { createFastPath } from "./http/fast-path.js";
import { createApiKeyAuth } from "./middleware/api-key-auth.js";
import { createCors } from "./middleware/cors.js";
import { createErrorHandler, createNotFoundHandler } from "./middleware/error-handler.js";
import { createHostGuard, isLoopbackHost } from "./middleware/host-guard.js";
import { createJsonBody } from "./middleware/json-body.js";
import { createPathNormalizer } from "./middleware/normalize-path.js";
import { createRequestLog } from "./middleware/request-log.js";
import { registerChatCompletionsRoute } from "./routes/chat-completions-route.js";
import { registerManagementRoute } from "./routes/management-route.js";
import { registerMetaRoutes } from "./routes/meta-routes.js";
import { registerModelsRoutes } from "./routes/models-routes.js";
import { registerResponsesRoute } from "./routes/responses-route.js";
import { registerStatusRoute } from "./routes/status-route.js";
import { registerMethodNotAllowed, registerUnsupportedRoutes } from "./routes/unsupported-routes.js";
import { ManagementBus } from "./state/management-bus.js";
import { createModelResolver } from "./state/model-resolver.js";
import { QuotaTracker } from "./state/quota-tracker.js";
import { ReasoningCache } from "./state/reasoning-cache.js";
import { RequestTracker } from "./state/request-tracker.js";

/** The app plus the state behind `/v1/status` and the management stream. */
export type CmpApp = Express & { readonly context: AppContext };

const PUBLIC_PATHS = new Set(["/health", "/v1/health"]);
const isPublic = (method: string, path: string) =>
  PUBLIC_PATHS.has(path) || ((method === "GET" || method === "HEAD") && (path === "/" || path === "/v1"));

/**
 * Builds the Express 5 app: security middleware (Host check on loopback, API keys, CORS only when
 * configured), the OpenAI-compatible routes, JSON 404/405/501 answers and one error middleware.
 * Upstream client, token manager, catalog, clock and logger come from `deps`.
 */
export function createApp(deps: AppDeps): CmpApp {
  const config = { ...DEFAULT_APP_CONFIG, ...deps.config };
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? pino({ level: "silent" });
  const bus = new ManagementBus();
  const ctx: AppContext = {
    config,
    deps,
    logger,
    now,
    version: deps.version ?? "0.0.0",
    startedAt: now(),
    bus,
    quota: new QuotaTracker(bus),
    tracker: new RequestTracker(bus, now),
    reasoningCache: new ReasoningCache({ now }),
    instructionsMode: createInstructionsModeMemory({ now }),
    resolveModel: createModelResolver(config.modelAliases),
    profiles: createProfileResolver(config.clientProfiles),
  };
  for (const type of ["refreshed", "refresh_failed", "logged_out"] as const) {
    deps.tokenManager.on?.(type, () =>
      bus.publish({ type: "auth", data: { type, at: new Date(now()).toISOString() } }),
    );
  }
  // The token manager's events carry no secrets; a failed refresh (or a refreshed login that could not
  // be saved, which a restart would lose) must be visible in the log.
  deps.tokenManager.on?.("refresh_failed", (event: unknown) => {
    const { code, message, retryable } = (event ?? {}) as {
      code?: unknown;
      message?: unknown;
      retryable?: unknown;
    };
    logger.warn({ code, retryable, reason: message }, "ChatGPT login refresh failed");
  });

  const app = express() as Express & { context: AppContext };
  Object.defineProperty(app, "context", { value: ctx });
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  const requestLog = createRequestLog(logger, ctx.tracker, now);
  app.use(requestLog);
  if (isLoopbackHost(config.host)) app.use(createHostGuard());
  if (config.corsOrigins.length > 0) app.use(createCors(config.corsOrigins));
  app.use(createPathNormalizer());
  const keys = [
    ...config.apiKeys,
    ...(config.apiKeys.length > 0 && config.dashboardApiKey ? [config.dashboardApiKey] : []),
  ];
  if (keys.length > 0) app.use(createApiKeyAuth(keys, isPublic));

  const router = express.Router();
  const body = createJsonBody(config.bodyLimitBytes);
  // The hot routes first: the router tests layers in order.
  registerChatCompletionsRoute(router, ctx, body);
  registerResponsesRoute(router, ctx, body);
  registerMetaRoutes(router, ctx);
  registerModelsRoutes(router, ctx);
  registerStatusRoute(router, ctx);
  registerManagementRoute(router, ctx);
  registerUnsupportedRoutes(router);
  registerMethodNotAllowed(router, [
    ["/", ["GET"]],
    ["/v1", ["GET"]],
    ["/health", ["GET"]],
    ["/v1/health", ["GET"]],
    ["/v1/chat/completions", ["POST"]],
    ["/v1/responses", ["POST"]],
    ["/v1/models", ["GET"]],
    ["/v1/models/*id", ["GET"]],
    ["/v1/status", ["GET"]],
    ["/v1/management/events", ["GET"]],
  ]);
  app.use(router);
  app.use(createNotFoundHandler());
  app.use(createErrorHandler(logger, now));
  // createJsonBody's last handler checks the parsed body; the fast path runs it too.
  installFastPath(app, createFastPath(ctx, requestLog, keys, body.at(-1) as RequestHandler));
  return app;
}

/**
 * Sends requests through `fastPath` before Express. `app(req, res)` (what `app.listen` and supertest call)
 * runs `app.handle`, wrapped here; requests the fast path declines, and mounted uses (with `next`), go to Express.
 */
function installFastPath(
  app: Express,
  fastPath: (req: IncomingMessage, res: ServerResponse) => boolean,
): void {
  const target = app as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;
  };
  const expressHandle = target.handle.bind(app);
  target.handle = (req, res, next) => {
    if (next === undefined && fastPath(req, res)) return;
    expressHandle(req, res, next);
  };
}
