import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { ApiError } from "../errors/api-error.js";
import { toApiError } from "../errors/map-error.js";
import { sendJson } from "../http/send-json.js";

/**
 * Answers a failed API request with OpenAI's JSON error body (or, when a stream already started, a
 * final SSE error event and `[DONE]`) on a plain Node response; the error middleware and the fast path
 * share it. Sets `res.locals.errorCode` for the request log.
 */
export function sendApiError(
  error: unknown,
  req: IncomingMessage & { path?: string },
  res: ServerResponse & { locals: Record<string, unknown> },
  logger: Logger,
  now: () => number,
): void {
  const apiError = toApiError(error, now());
  if (apiError.status >= 500 && apiError.code === "internal_error") {
    logger.error({ err: error, path: req.path, method: req.method }, "unhandled error");
  }
  res.locals["errorCode"] = apiError.code;
  if (res.headersSent) {
    // A stream already started (keep-alives went out): the error becomes the stream's last event.
    if (!res.writableEnded && !res.destroyed) {
      const sse = String(res.getHeader("content-type") ?? "").startsWith("text/event-stream");
      res.end(sse ? `data: ${JSON.stringify(apiError.toBody())}\n\ndata: [DONE]\n\n` : undefined);
    }
    return;
  }
  sendJson(res, apiError.status === 499 ? 400 : apiError.status, apiError.toBody(), { ...apiError.headers });
}

/** The one error middleware: every error becomes OpenAI's JSON body, never HTML. */
export function createErrorHandler(logger: Logger, now: () => number): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => sendApiError(error, req, res, logger, now);
}

/** JSON 404 for any path no route matched. */
export function createNotFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(
      new ApiError({
        status: 404,
        code: "not_found",
        message: `Unknown route ${req.method} ${req.originalUrl}. This server answers POST /v1/chat/completions, POST /v1/responses, GET /v1/models, GET /v1/status and GET /health.`,
      }),
    );
  };
}
