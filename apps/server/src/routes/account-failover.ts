import { isUpstreamOverload, type OpenAIHttpError } from "@cmp/transform";
import type { AppContext } from "../app-context.js";
import { toHttpError } from "../errors/map-error.js";
import type { HttpContext } from "../http/http-context.js";
import type { AccountHealth } from "../state/account-health.js";
import type { PoolAccount } from "../state/account-pool.js";
import type { OpenedApiRequest } from "./open-api-request.js";

/** The response header naming the account that served a request (its name only). */
export const ACCOUNT_HEADER = "x-cmp-account";

/** How long an account rests after a usage limit whose reset the backend did not say. */
export const USAGE_LIMIT_BACKOFF_MS = 15 * 60_000;
/** How long an account rests after the backend stayed overloaded through the retries. */
export const OVERLOAD_BACKOFF_MS = 60_000;
/** Codes that mean the account's login is gone until someone logs in again. */
const LOGIN_GONE: ReadonlySet<string> = new Set([
  "token_revoked",
  "deactivated_workspace",
  "reauth_required",
  "not_logged_in",
]);

/** What a failure means for the account that met it, and whether the request may try the next one. */
export interface FailureVerdict {
  /** The account's new health (`null`: unchanged). */
  health: AccountHealth | null;
  /** Whether another account may serve this request. */
  failover: boolean;
}

const short = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/**
 * Judges a failure that happened before anything reached the client: a usage limit cools the account
 * down until its reset (`Retry-After` from `resets_at`, else {@link USAGE_LIMIT_BACKOFF_MS}); a revoked
 * token, a deactivated workspace or a login that cannot be refreshed marks it as needing a login; an
 * overload that outlasted the retries rests it for {@link OVERLOAD_BACKOFF_MS}; a model the account's
 * plan lacks sends the request to another account without marking this one. Anything else (a bad
 * request, a timeout) is the request's own failure: `null`, no failover.
 */
export function judgeFailure(error: OpenAIHttpError, now: number): FailureVerdict | null {
  const reason = `${error.code ?? error.type}: ${short(error.message)}`;
  if (error.code === "usage_limit_reached") {
    const retryAfter = Number(error.headers["retry-after"]);
    const until =
      Number.isFinite(retryAfter) && retryAfter > 0 ? now + retryAfter * 1000 : now + USAGE_LIMIT_BACKOFF_MS;
    return { health: { state: "cooling_down", until, reason, at: now }, failover: true };
  }
  if (error.code !== null && LOGIN_GONE.has(error.code)) {
    return { health: { state: "needs_login", until: null, reason, at: now }, failover: true };
  }
  if (error.code === "model_not_found") return { health: null, failover: true };
  if (isUpstreamOverload(error)) {
    return {
      health: { state: "cooling_down", until: now + OVERLOAD_BACKOFF_MS, reason, at: now },
      failover: true,
    };
  }
  return null;
}

/** The account a client pinned with `x-cmp-account`, when it may pin one. */
function pinnedAccount(app: AppContext, http: HttpContext): string | undefined {
  const name = http.header(ACCOUNT_HEADER);
  if (name === undefined || name === "") return undefined;
  return app.mayPinAccount(http) ? name : undefined;
}

/**
 * Runs `serve` (one request's upstream call and answer) with an account of the pool, and with the next
 * usable one when it fails before any byte reached the client for a reason that belongs to the account
 * (see {@link judgeFailure}); the account is marked (cooling down, needing a login) for every replica.
 * Once output started nothing switches: the client would get two half-answers, so the stream ends with
 * its error event as before. With one account, or a pinned one, the failure is the client's answer.
 * The record and the `x-cmp-account` header name the account that served the request.
 */
export async function withAccount(
  app: AppContext,
  http: HttpContext,
  opened: Pick<OpenedApiRequest, "record" | "warnings" | "clientAbort" | "writer">,
  key: string,
  serve: (account: PoolAccount) => Promise<void>,
): Promise<void> {
  const { pool } = app;
  const pinned = pinnedAccount(app, http);
  const warningsBefore = opened.warnings.length;
  let exclude: Set<string> | undefined;
  let lastError: unknown;
  for (;;) {
    let account: PoolAccount;
    try {
      account = await pool.choose({ key, pinned, exclude });
    } catch (error) {
      // Every account failed this request: a model none of them has is the model's error, not the pool's.
      if (lastError !== undefined && toHttpError(lastError, app.now()).code === "model_not_found")
        throw lastError;
      throw error;
    }
    opened.record.account = account.name;
    if (!http.res.headersSent) http.res.setHeader(ACCOUNT_HEADER, account.name);
    try {
      await serve(account);
      return;
    } catch (error) {
      if (opened.clientAbort.aborted || opened.writer?.started === true || http.res.headersSent) throw error;
      const now = app.now();
      const verdict = judgeFailure(toHttpError(error, now, app.config.clientVersion), now);
      if (verdict === null) throw error;
      if (verdict.health !== null) await pool.mark(account.name, verdict.health);
      if (pool.size === 1 || pinned !== undefined || !verdict.failover) throw error;
      exclude ??= new Set();
      exclude.add(account.name);
      lastError = error;
      opened.warnings.length = warningsBefore;
      app.logger.warn(
        { account: account.name, reason: verdict.health?.reason ?? "model not in this account's plan" },
        "request moved to the next account",
      );
    }
  }
}
