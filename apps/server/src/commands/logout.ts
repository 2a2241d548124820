import { logout } from "@cmp/oauth";
import { type CommandContext, runStoreCommand } from "./command-context.js";

/**
 * `cmp-server logout`: revokes the refresh token at the issuer (best effort) and deletes the login
 * (`auth.json`, or the shared store's).
 * Exit 0 when logged out (or already), 1 when the file could not be removed.
 */
export function runLogoutCommand(args: string[], ctx: CommandContext): Promise<number> {
  return runStoreCommand("logout", args, ctx, "Logout failed", async ({ store, where }) => {
    const result = await logout({ store, issuer: ctx.authIssuer, fetch: ctx.fetch });
    if (!result.hadLogin) {
      ctx.stdout("Not logged in; nothing to remove.");
      return 0;
    }
    ctx.stdout(
      `Logged out: removed the login from ${where}${result.revoked ? " and revoked the token at the issuer" : " (the issuer could not be reached to revoke the token)"}.`,
    );
    return 0;
  });
}
