import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { AppContext } from "../app-context.js";
import { createApiKeyCheck } from "../middleware/api-key-auth.js";
import { sendApiError } from "../middleware/error-handler.js";
import { isAllowedHost, isLoopbackHost } from "../middleware/host-guard.js";
import type { createRequestLog } from "../middleware/request-log.js";
import {
  type ApiRequest,
  type ApiResponse,
  handleChatCompletions,
} from "../routes/chat-completions-route.js";
import { handleResponses } from "../routes/responses-route.js";
import { readJsonBody } from "./read-json-body.js";

/** The hot routes, answered without Express. */
const HANDLERS = new Map<string, (ctx: AppContext, req: ApiRequest, res: ApiResponse) => Promise<void>>([
  ["/v1/chat/completions", handleChatCompletions],
  ["/v1/responses", handleResponses],
]);
const PLAIN_JSON = /^\s*application\/json\s*(?:;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

/** Express-style fields the shared middleware and handlers read, set on a plain request/response. */
type ShimmedRequest = ApiRequest & { originalUrl: string; path: string };

/**
 * The hot routes without Express: `POST /v1/chat/completions` or `POST /v1/responses` with a plain JSON
 * body, an allowed `Host` and (when keys are set) a valid key, and no CORS configured, is answered by the
 * same request log, handler and error writer as the Express route, but without Express's per-request work
 * (router layers, prototype swaps, body-parser). Anything else returns `false` and goes to Express, which also
 * gives every refusal (403, 401, 415) its usual answer.
 */
export function createFastPath(
  ctx: AppContext,
  requestLog: ReturnType<typeof createRequestLog>,
  keys: string[],
  checkBody: RequestHandler,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { config, logger, now } = ctx;
  const checkHost = isLoopbackHost(config.host);
  const keyOk = keys.length > 0 ? createApiKeyCheck(keys) : null;
  if (config.corsOrigins.length > 0) return () => false;
  return (req, res) => {
    if (req.method !== "POST" || req.url === undefined) return false;
    const handler = HANDLERS.get(req.url);
    if (handler === undefined) return false;
    const path = req.url;
    const type = req.headers["content-type"];
    if (type === undefined || !PLAIN_JSON.test(type)) return false;
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    if (checkHost && !isAllowedHost(req.headers.host)) return false;
    if (keyOk !== null && !keyOk(req.headers.authorization, req.headers["x-api-key"])) return false;

    const shimReq = req as ShimmedRequest;
    shimReq.originalUrl = path;
    shimReq.path = path;
    const shimRes = res as ApiResponse;
    shimRes.locals = Object.create(null) as Record<string, unknown>;
    // The request log is an Express middleware that only reads these fields.
    (requestLog as unknown as (q: ShimmedRequest, s: ApiResponse, next: () => void) => void)(
      shimReq,
      shimRes,
      () => {},
    );
    const fail = (error: unknown) => sendApiError(error, shimReq, shimRes, logger, now);
    readJsonBody(req, config.bodyLimitBytes).then((body) => {
      shimReq.body = body;
      // The same checks of the parsed body as the Express route's (object, nesting depth, ...).
      (checkBody as unknown as (q: ShimmedRequest, s: ApiResponse, next: (error?: unknown) => void) => void)(
        shimReq,
        shimRes,
        (error) => {
          if (error === undefined) handler(ctx, shimReq, shimRes).catch(fail);
          else fail(error);
        },
      );
    }, fail);
    return true;
  };
}
