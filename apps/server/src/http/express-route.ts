import type { ErrorRequestHandler, RequestHandler } from "express";
import type { AppContext } from "../app-context.js";
import { contextOf } from "./http-context.js";
import type { RouteHandler } from "./route-handler.js";
import { sendError } from "./send-error.js";

/** An Express handler that runs `handler` with the request's {@link HttpContext}; failures go to the error handler. */
export function expressRoute(app: AppContext, handler: RouteHandler): RequestHandler {
  return (req, _res, next) => {
    try {
      Promise.resolve(handler(app, contextOf(req))).catch(next);
    } catch (error) {
      next(error);
    }
  };
}

/** Express's error handler: the pipeline's one error answer ({@link sendError}), never Express's HTML page. */
export function expressErrorHandler(app: AppContext): ErrorRequestHandler {
  return (error: unknown, req, _res, _next) => sendError(app, contextOf(req), error);
}
