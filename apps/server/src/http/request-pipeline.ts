import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "../app-context.js";
import { createCors } from "../middleware/cors.js";
import { isLoopbackHost, requireAllowedHost } from "../middleware/host-guard.js";
import { normalizePath } from "../middleware/normalize-path.js";
import { logRequest } from "../middleware/request-log.js";
import type { ErrorDialectResolver } from "./error-dialect.js";
import { bindContext, HttpContext } from "./http-context.js";
import { readJsonBody } from "./read-json-body.js";
import type { RouteHandler } from "./route-handler.js";
import { sendError } from "./send-error.js";

/** Options of {@link createRequestPipeline}. */
export interface RequestPipelineOptions {
  /** The API routes that read a JSON body and call the backend, by path; all are `POST`. */
  jsonRoutes: ReadonlyMap<string, RouteHandler>;
  /** Paths that need no API key (`/health`, and `GET /`). */
  isPublic: (method: string, path: string) => boolean;
  /** Every other request, after the same checks, with its context bound ({@link contextOf}). */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  /** The error shape of the API a path belongs to (Anthropic's, Ollama's); OpenAI's when it gives none. */
  errorDialect?: ErrorDialectResolver;
}

/**
 * The server's one request pipeline, run for every request in this order: the request log, the Host
 * check (on loopback), CORS (only when origins are configured), path normalisation, the API key
 * (`app.ops.authorize`: `CMP_API_KEYS` and named keys; with neither, nothing to check and no store
 * command; a key's limits only on the JSON API routes). Then the JSON API routes are answered here (body read, route handler), and anything
 * else goes to `fallback` (the Express router of the small GET and management routes) with the same
 * typed {@link HttpContext}. Every failure is answered by {@link sendError}.
 *
 * Why the hot routes do not run inside Express: Express costs about 150 µs of CPU per request (it swaps
 * the prototypes of every request and response and walks its router layers), about as much as the rest
 * of a proxied request (docs/performance.md).
 */
export function createRequestPipeline(
  app: AppContext,
  options: RequestPipelineOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, logger, tracker, now } = app;
  const checkHost = isLoopbackHost(config.host);
  const cors = config.corsOrigins.length > 0 ? createCors(config.corsOrigins) : null;
  const { jsonRoutes, isPublic, fallback, errorDialect } = options;
  const limit = config.bodyLimitBytes;

  return (req, res) => {
    const http = new HttpContext(req, res, now());
    logRequest(http, logger, tracker, now, app.metrics, app.ops);
    let route: RouteHandler | undefined;
    // The key check answers at once when it can (no named keys, a CMP_API_KEYS key, a cached named key
    // without limits); otherwise the request waits for it here.
    let admitted: Promise<void> | undefined;
    try {
      if (checkHost) requireAllowedHost(http);
      if (cors?.(http)) return;
      normalizePath(http);
      if (errorDialect !== undefined) http.errorDialect = errorDialect(http.path);
      route = http.method === "POST" ? jsonRoutes.get(http.path) : undefined;
      if (!isPublic(http.method, http.path)) admitted = app.ops.authorize(http, route !== undefined);
    } catch (error) {
      refuse(http, error);
      return;
    }
    if (admitted === undefined) dispatch(http, route);
    else
      admitted.then(
        () => dispatch(http, route),
        (error: unknown) => refuse(http, error),
      );
  };

  function refuse(http: HttpContext, error: unknown): void {
    if (errorDialect !== undefined) http.errorDialect ??= errorDialect(http.path);
    http.req.resume();
    sendError(app, http, error);
  }

  function dispatch(http: HttpContext, route: RouteHandler | undefined): void {
    if (route === undefined) {
      bindContext(http);
      fallback(http.req, http.res);
      return;
    }
    const handler = route;
    readJsonBody(http.req, limit)
      .then((body) => {
        http.body = body;
        return handler(app, http);
      })
      .catch((error: unknown) => sendError(app, http, error));
  }
}
