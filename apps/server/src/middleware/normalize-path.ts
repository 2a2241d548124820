import type { HttpContext } from "../http/http-context.js";

const PROFILE_PREFIX = /^\/profile\/([a-z0-9_-]+)(?=\/|$)/i;

/**
 * Maps the base-URL mistakes clients make onto the canonical `/v1/...` routes: no `/v1` prefix
 * (`/chat/completions`), a doubled one (`/v1/v1/models`), and strips an optional `/profile/<name>` prefix
 * (kept in `http.pathProfile`). `/`, `/health` and Ollama's `/api/...` stay as they are. `req.url` is rewritten too, for
 * the Express routes behind the pipeline.
 */
export function normalizePath(http: HttpContext): void {
  let path = http.path;
  if (path.startsWith("/v1/") && !path.startsWith("/v1/v1")) return;
  const profile = PROFILE_PREFIX.exec(path);
  if (profile) {
    http.pathProfile = profile[1]?.toLowerCase();
    path = path.slice(profile[0].length) || "/";
  }
  while (path.startsWith("/v1/v1/") || path === "/v1/v1") path = path.slice(3);
  // Ollama's API lives under `/api/` (its own error dialect and routes), never under `/v1`.
  if (
    path !== "/" &&
    path !== "/health" &&
    path !== "/v1" &&
    !path.startsWith("/v1/") &&
    !path.startsWith("/api/")
  )
    path = `/v1${path}`;
  http.path = path;
  http.req.url = http.query === "" ? path : `${path}?${http.query}`;
}
