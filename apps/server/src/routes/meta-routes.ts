import { sendJson } from "@cmp/core";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";

/** `GET /` and `GET /v1`: what this server is and what it answers (no secrets, no auth). */
export function handleAbout(app: AppContext, http: HttpContext): void {
  sendJson(http.res, 200, {
    name: "chatgpt-max-proxy",
    version: app.version,
    status: "ok",
    message:
      "An OpenAI-compatible API backed by your ChatGPT subscription. Use this server's /v1 as the base URL.",
    endpoints: [
      "POST /v1/chat/completions",
      "POST /v1/responses",
      "GET /v1/models",
      "GET /v1/models/{id}",
      "GET /v1/status",
      "GET /health",
    ],
  });
}

/** `GET /health` (also `/v1/health`): liveness without auth or secrets. */
export function handleHealth(app: AppContext, http: HttpContext): void {
  sendJson(http.res, 200, {
    status: "ok",
    version: app.version,
    uptime_seconds: Math.round((app.now() - app.startedAt) / 1000),
  });
}
