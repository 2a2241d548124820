import { sendJson } from "@cmp/core";
import type { ServerStatus } from "@cmp/protocol";
import type { AppContext } from "../app-context.js";
import type { HttpContext } from "../http/http-context.js";

/** Builds the `/v1/status` body (also the `status` of the management snapshot). */
export async function buildStatus(ctx: AppContext): Promise<ServerStatus> {
  const [login, accounts] = await Promise.all([
    ctx.deps.tokenManager.getStatus().catch(() => null),
    ctx.pool.status(),
  ]);
  return {
    // Any account that is logged in can serve (a cooling-down one again after its reset).
    logged_in: login !== null || accounts.some((account) => account.state !== "needs_login"),
    account: login && { email: login.email, plan: login.plan, account_id: login.accountId },
    token: login && {
      expires_at: login.expiresAt.toISOString(),
      last_refresh: login.lastRefresh?.toISOString() ?? null,
      reauth_required: login.reauthRequired,
    },
    login_error: ctx.deps.tokenManager.getLoginError?.() ?? null,
    quota: await ctx.quota.newest(),
    accounts,
    server: {
      version: ctx.version,
      uptime_seconds: Math.round((ctx.now() - ctx.startedAt) / 1000),
      instructions_mode: ctx.config.instructionsMode,
      client_profiles: ctx.config.clientProfiles,
    },
  };
}

/** `GET /v1/status`: login, plan, token expiry, the latest quota snapshot and every account of the pool. */
export async function handleStatus(app: AppContext, http: HttpContext): Promise<void> {
  sendJson(http.res, 200, await buildStatus(app));
}
