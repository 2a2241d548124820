import type { HttpContext } from "../http/http-context.js";

/**
 * CORS for the configured origins only; with no origins the pipeline does not call it, so no CORS header
 * is ever sent. Requests from allowed origins get the CORS headers; their preflights are answered here
 * with 204 (the returned function then returns `true`); other origins get no CORS headers (the browser blocks).
 */
export function createCors(origins: string[]): (http: HttpContext) => boolean {
  const allowed = new Set(origins);
  return (http) => {
    const origin = http.req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return false;
    const { res } = http;
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
    res.setHeader("access-control-expose-headers", "x-cmp-warnings, x-request-id, retry-after");
    if (http.method !== "OPTIONS" || http.req.headers["access-control-request-method"] === undefined)
      return false;
    res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
    res.setHeader(
      "access-control-allow-headers",
      http.req.headers["access-control-request-headers"] ?? "authorization, content-type, x-api-key",
    );
    res.setHeader("access-control-max-age", "600");
    res.writeHead(204);
    res.end();
    return true;
  };
}
