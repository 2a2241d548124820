import type { Router } from "express";
import type { AppContext } from "../app-context.js";

/** Builds the `/v1/status` body (also the `status` of the management snapshot). */
export async function buildStatus(ctx: AppContext) {
  const login = await ctx.deps.tokenManager.getStatus().catch(() => null);
  return {
    logged_in: login !== null,
    account: login && { email: login.email, plan: login.plan, account_id: login.accountId },
    token: login && {
      expires_at: login.expiresAt?.toISOString() ?? null,
      last_refresh: login.lastRefresh?.toISOString() ?? null,
      reauth_required: login.reauthRequired ?? false,
    },
    quota: ctx.quota.current(),
    server: {
      version: ctx.version,
      uptime_seconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
      instructions_mode: ctx.config.instructionsMode,
      client_profiles: ctx.config.clientProfiles,
    },
  };
}

/** `GET /v1/status`: login, plan, token expiry and the latest quota snapshot. */
export function registerStatusRoute(router: Router, ctx: AppContext): void {
  router.get("/v1/status", async (_req, res) => {
    res.json(await buildStatus(ctx));
  });
}
