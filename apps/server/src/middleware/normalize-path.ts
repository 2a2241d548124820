import type { RequestHandler } from "express";

const PROFILE_PREFIX = /^\/profile\/([a-z0-9_-]+)(?=\/|$)/i;

/**
 * Maps the base-URL mistakes clients make onto the canonical `/v1/...` routes: no `/v1` prefix
 * (`/chat/completions`), a doubled one (`/v1/v1/models`), and strips an optional `/profile/<name>` prefix
 * (stored in `res.locals.pathProfile`). `/` and `/health` stay as they are.
 */
export function createPathNormalizer(): RequestHandler {
  return (req, res, next) => {
    const url = req.url;
    const q = url.indexOf("?");
    let path = q === -1 ? url : url.slice(0, q);
    if (path.startsWith("/v1/") && !path.startsWith("/v1/v1")) {
      next();
      return;
    }
    const profile = PROFILE_PREFIX.exec(path);
    if (profile) {
      res.locals["pathProfile"] = profile[1]?.toLowerCase();
      path = path.slice(profile[0].length) || "/";
    }
    while (path.startsWith("/v1/v1/") || path === "/v1/v1") path = path.slice(3);
    if (path !== "/" && path !== "/health" && path !== "/v1" && !path.startsWith("/v1/")) path = `/v1${path}`;
    req.url = q === -1 ? path : path + url.slice(q);
    next();
  };
}
