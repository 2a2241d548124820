import type { RequestHandler } from "express";

/**
 * CORS for the configured origins only. With no origins it is not installed at all, so no CORS header is
 * ever sent. Preflights from allowed origins get 204; other origins get no CORS headers (the browser blocks).
 */
export function createCors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    res.setHeader("access-control-expose-headers", "x-cmp-warnings, x-request-id, retry-after");
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader(
        "access-control-allow-headers",
        req.headers["access-control-request-headers"] ?? "authorization, content-type, x-api-key",
      );
      res.setHeader("access-control-max-age", "600");
      res.status(204).end();
      return;
    }
    next();
  };
}
