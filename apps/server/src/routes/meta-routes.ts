import type { Router } from "express";
import type { AppContext } from "../app-context.js";

/** `GET /`, `GET /v1` and `GET /health`: small JSON answers without secrets (and without auth). */
export function registerMetaRoutes(router: Router, ctx: AppContext): void {
  const about = () => ({
    name: "chatgpt-max-proxy",
    version: ctx.version,
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
  router.get("/", (_req, res) => {
    res.json(about());
  });
  router.get("/v1", (_req, res) => {
    res.json(about());
  });
  const health = (_req: unknown, res: import("express").Response) => {
    res.json({
      status: "ok",
      version: ctx.version,
      uptime_seconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
    });
  };
  router.get("/health", health);
  router.get("/v1/health", health);
}
