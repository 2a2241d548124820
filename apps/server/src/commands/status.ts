import { createTokenManager } from "@cmp/oauth";
import { type CommandContext, runStoreCommand } from "./command-context.js";

function describeDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/**
 * `cmp-server status`: account email, plan and token expiry, never secrets. Exit 0 when logged in,
 * 1 (printing `not logged in`) when not, 1 with a message when the login file is unreadable.
 */
export function runStatusCommand(args: string[], ctx: CommandContext): Promise<number> {
  return runStoreCommand("status", args, ctx, "Cannot read the login", async ({ store }) => {
    const manager = createTokenManager({ store, issuer: ctx.authIssuer, fetch: ctx.fetch, lockPath: null });
    const status = await manager.getStatus();
    if (!status) {
      ctx.stdout("not logged in");
      return 1;
    }
    ctx.stdout(
      `Logged in as ${status.email ?? "(no email)"} (${status.plan ?? "unknown"} plan, account ${status.accountId}).`,
    );
    const left = status.expiresAt.getTime() - Date.now();
    const expiry =
      left > 0
        ? `Access token expires ${status.expiresAt.toISOString()} (in ${describeDuration(left)})`
        : `Access token expired ${status.expiresAt.toISOString()}; the server refreshes it on the next request`;
    const refreshed = status.lastRefresh ? `; last refresh ${status.lastRefresh.toISOString()}` : "";
    ctx.stdout(`${expiry}${refreshed}.`);
    return 0;
  });
}
