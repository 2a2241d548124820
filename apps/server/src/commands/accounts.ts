import { createTokenManager, logout, type TokenStore } from "@cmp/oauth";
import { POOL_NAMESPACE } from "../state/account-directory.js";
import type { AccountHealth } from "../state/account-health.js";
import { isUsable, stateAt } from "../state/account-health.js";
import {
  type CommandAccounts,
  type CommandContext,
  describeCommandError,
  openCommandAccounts,
} from "./command-context.js";

const usage =
  "usage: cmp-server accounts [list] | accounts remove NAME | accounts disable NAME | accounts enable NAME";

interface StoredWindow {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: string | null;
}

const isWindow = (value: unknown): value is StoredWindow =>
  typeof value === "object" && value !== null && typeof (value as StoredWindow).usedPercent === "number";

/** `5h 42% (resets 2026-12-05T17:00:00.000Z)`. */
function describeWindow(label: string, window: unknown): string | null {
  if (!isWindow(window)) return null;
  const resets = window.resetsAt ? ` (resets ${new Date(window.resetsAt).toISOString()})` : "";
  return `${label} ${Math.round(window.usedPercent)}%${resets}`;
}

function describeState(health: AccountHealth | null, now: number): string {
  const state = stateAt(health, now);
  if (state === "cooling_down") return `cooling down until ${new Date(health?.until ?? now).toISOString()}`;
  return state === "needs_login" ? "needs login" : state;
}

/** `cmp-server accounts`: every account with its email, plan, state, quota windows and last error. */
async function listAccounts(opened: CommandAccounts, ctx: CommandContext): Promise<number> {
  const names = await opened.directory.names();
  if (names.length === 0) {
    ctx.stdout(
      "No accounts. Log in with `cmp-server login` (the first one) or `cmp-server login --account NAME`.",
    );
    return 1;
  }
  await opened.health.load(names);
  const pool = opened.operator.namespace(POOL_NAMESPACE);
  const now = Date.now();
  for (const name of names) {
    const store: TokenStore = opened.directory.tokenStore(name);
    const manager = createTokenManager({ store, issuer: ctx.authIssuer, fetch: ctx.fetch, lockPath: null });
    let who: string;
    let loginError: string | null = null;
    try {
      const status = await manager.getStatus();
      who =
        status === null
          ? "not logged in"
          : `${status.email ?? "(no email)"}, ${status.plan ?? "unknown"} plan`;
      if (status === null) loginError = "not logged in";
    } catch (error) {
      who = "login unreadable";
      loginError = describeCommandError(error);
    }
    const health = opened.health.get(name);
    const windows = (await pool.get(`windows.${name}`).catch(() => undefined)) as
      | { primary?: unknown; secondary?: unknown }
      | undefined;
    const quota = [describeWindow("5h", windows?.primary), describeWindow("week", windows?.secondary)].filter(
      (part): part is string => part !== null,
    );
    ctx.stdout(`${name}: ${who}; ${describeState(health, now)}`);
    if (quota.length > 0) ctx.stdout(`  quota: ${quota.join(", ")}`);
    const lastError = health?.reason ?? loginError;
    if (lastError !== null && !isUsable(health, now)) ctx.stdout(`  last error: ${lastError}`);
    else if (loginError !== null) ctx.stdout(`  last error: ${loginError}`);
  }
  return 0;
}

/**
 * `cmp-server accounts [list]`, `accounts remove NAME` (revokes the refresh token and deletes the login),
 * `accounts disable NAME` and `accounts enable NAME` (which also clears a cooldown or a needs-login mark,
 * for a limit reset early or a login fixed by hand). Running servers see a change at once with a shared
 * store and within a few seconds otherwise. Never prints a token. Exit 0, 1 on failure, 2 on bad usage.
 */
export async function runAccountsCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [action = "list", name, ...rest] = args;
  if (action === "--help" || action === "-h") {
    ctx.stdout(usage);
    return 0;
  }
  const needsName = action === "remove" || action === "disable" || action === "enable";
  if (
    (action !== "list" && !needsName) ||
    (needsName && (name === undefined || rest.length > 0)) ||
    (action === "list" && name !== undefined)
  ) {
    ctx.stderr(usage);
    return 2;
  }
  let opened: CommandAccounts | undefined;
  try {
    opened = await openCommandAccounts(ctx);
    if (action === "list") return await listAccounts(opened, ctx);
    const account = name as string;
    if (!(await opened.directory.names()).includes(account)) {
      ctx.stderr(`No account named "${account.slice(0, 40)}". Run \`cmp-server accounts\` to list them.`);
      return 1;
    }
    if (action === "remove") {
      const result = await logout({
        store: opened.directory.tokenStore(account),
        issuer: ctx.authIssuer,
        fetch: ctx.fetch,
      });
      await opened.directory.unregister(account);
      await opened.health.set(account, null);
      ctx.stdout(
        `Removed account "${account}"${result.revoked ? " and revoked its token at the issuer" : result.hadLogin ? " (the issuer could not be reached to revoke its token)" : ""}.`,
      );
      return 0;
    }
    if (action === "disable") {
      await opened.health.set(account, {
        state: "disabled",
        until: null,
        reason: "disabled by `cmp-server accounts disable`",
        at: Date.now(),
      });
      ctx.stdout(
        `Disabled account "${account}": no new request uses it until \`cmp-server accounts enable ${account}\`.`,
      );
      return 0;
    }
    await opened.health.set(account, null);
    ctx.stdout(`Enabled account "${account}" (any cooldown or needs-login mark cleared).`);
    return 0;
  } catch (error) {
    ctx.stderr(`accounts ${action} failed: ${describeCommandError(error)}`);
    return 1;
  } finally {
    await opened?.close();
  }
}
