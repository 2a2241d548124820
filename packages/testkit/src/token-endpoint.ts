import type { ServerResponse } from "node:http";
import type { FakeAuthConfig } from "./auth-config.js";
import {
  CLOUDFLARE_BLOCK_HTML,
  CLOUDFLARE_HEADERS,
  oauthErrorBody,
  type RefreshRefusal,
  refreshRefusalBody,
} from "./auth-errors.js";
import { sendJson, sendText } from "./loopback-server.js";
import { safeEqual, verifyPkce } from "./pkce.js";
import type { RecordedRequest } from "./recorded-request.js";
import type { FakeAccount } from "./token-claims.js";
import type { TokenIssuer } from "./token-issuer.js";

/** An authorization code waiting to be exchanged. */
export interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  account: FakeAccount;
  expiresAt: number;
  used: boolean;
}

/** Grant counters of the fake auth server. */
export interface AuthCounters {
  authorizationCode: number;
  refresh: number;
  revoke: number;
  /** Refresh grants refused because their refresh token had already been used (`refresh_token_reused`). */
  refreshReused: number;
  deviceCodes: number;
  devicePolls: number;
}

/** What the token endpoint needs from the server. */
export interface TokenEndpointContext {
  config: FakeAuthConfig;
  clientId: string;
  issuer: TokenIssuer;
  codes: Map<string, PendingCode>;
  counters: AuthCounters;
  now: () => number;
  /** Called for a `timeout` fault: the response must stay open. */
  hold(res: ServerResponse): void;
  /** Called for a `slow` answer: tracks it so that `close()` can end it; returns the untrack function. */
  track(res: ServerResponse): () => void;
}

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== "object" || body === null || !(name in body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** Applies the configured fault, if any; returns true when the response was handled. */
function applyFault(ctx: TokenEndpointContext, res: ServerResponse, grantType: string | undefined): boolean {
  const mode = ctx.config.tokenEndpoint;
  if (mode === "ok" || mode === "slow") return false;
  const refusal = mode === "refresh_token_expired" || mode === "refresh_token_invalidated";
  if (refusal && grantType !== "refresh_token") return false;
  if (ctx.config.tokenEndpointFaultTimes !== null) {
    ctx.config.tokenEndpointFaultTimes -= 1;
    if (ctx.config.tokenEndpointFaultTimes <= 0) {
      ctx.config.tokenEndpoint = "ok";
      ctx.config.tokenEndpointFaultTimes = null;
    }
  }
  switch (mode) {
    case "fail500":
      sendJson(res, 500, { error: { message: "Internal server error", type: "server_error", code: null } });
      return true;
    case "fail503":
      sendJson(res, 503, { error: { message: "Service unavailable", type: "server_error", code: null } });
      return true;
    case "html":
      sendText(res, 403, "text/html; charset=UTF-8", CLOUDFLARE_BLOCK_HTML, CLOUDFLARE_HEADERS);
      return true;
    case "timeout":
      ctx.hold(res);
      return true;
    default:
      sendJson(res, 401, refreshRefusalBody(mode));
      return true;
  }
}

/** Answers an OAuth error body (`{ error, error_description }`) with `status`. */
function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, oauthErrorBody(error, description));
}

/** Answers 401 `invalid_client` unless `clientId` is the server's; true when it is. */
function acceptClient(ctx: TokenEndpointContext, clientId: string, res: ServerResponse): boolean {
  if (safeEqual(clientId, ctx.clientId)) return true;
  sendOAuthError(res, 401, "invalid_client", "Unknown client_id");
  return false;
}

/**
 * In `slow` mode, waits `tokenEndpointDelayMs` after the grant was processed (the old refresh token is
 * already used up) before the answer goes out, like an issuer that rotates on receipt and answers late.
 */
async function answerLater(ctx: TokenEndpointContext, res: ServerResponse): Promise<void> {
  if (ctx.config.tokenEndpoint !== "slow") return;
  const delayMs = ctx.config.tokenEndpointDelayMs;
  if (ctx.config.tokenEndpointFaultTimes !== null) {
    ctx.config.tokenEndpointFaultTimes -= 1;
    if (ctx.config.tokenEndpointFaultTimes <= 0) {
      ctx.config.tokenEndpoint = "ok";
      ctx.config.tokenEndpointFaultTimes = null;
    }
  }
  const untrack = ctx.track(res);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, delayMs);
    res.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  untrack();
}

async function exchangeCode(ctx: TokenEndpointContext, body: unknown, res: ServerResponse): Promise<void> {
  const code = field(body, "code");
  const verifier = field(body, "code_verifier");
  const redirectUri = field(body, "redirect_uri");
  const clientId = field(body, "client_id");
  if (!code || !verifier || !redirectUri || !clientId) {
    const required = "code, code_verifier, redirect_uri and client_id are required";
    return sendOAuthError(res, 400, "invalid_request", required);
  }
  if (!acceptClient(ctx, clientId, res)) return;
  const pending = ctx.codes.get(code);
  if (!pending || pending.used || pending.expiresAt < ctx.now() || !safeEqual(pending.clientId, clientId)) {
    if (pending) pending.used = true;
    return sendOAuthError(res, 400, "invalid_grant", "Invalid authorization code");
  }
  pending.used = true;
  if (!safeEqual(pending.redirectUri, redirectUri)) {
    const mismatch = "redirect_uri does not match the authorization request";
    return sendOAuthError(res, 400, "invalid_grant", mismatch);
  }
  if (!verifyPkce(verifier, pending.codeChallenge)) {
    return sendOAuthError(res, 400, "invalid_grant", "Invalid code_verifier");
  }
  ctx.counters.authorizationCode += 1;
  const tokens = await ctx.issuer.issue(pending.account, ctx.config.accessTokenTtlSeconds);
  await answerLater(ctx, res);
  sendJson(res, 200, tokens);
}

async function refresh(ctx: TokenEndpointContext, body: unknown, res: ServerResponse): Promise<void> {
  const token = field(body, "refresh_token");
  const clientId = field(body, "client_id");
  if (!token || !clientId) {
    return sendOAuthError(res, 400, "invalid_request", "refresh_token and client_id are required");
  }
  if (!acceptClient(ctx, clientId, res)) return;
  const record = ctx.issuer.lookupRefresh(token);
  if (!record) {
    sendJson(res, 401, refreshRefusalBody("refresh_token_invalidated"));
    return;
  }
  if (record.state !== "active") {
    const code: RefreshRefusal =
      record.state === "used" ? "refresh_token_reused" : "refresh_token_invalidated";
    if (code === "refresh_token_reused") ctx.counters.refreshReused += 1;
    sendJson(res, 401, refreshRefusalBody(code));
    return;
  }
  ctx.issuer.markRefresh(token, "used");
  ctx.counters.refresh += 1;
  const tokens = await ctx.issuer.issue(record.account, ctx.config.accessTokenTtlSeconds);
  await answerLater(ctx, res);
  sendJson(res, 200, tokens);
}

/**
 * `POST /oauth/token`: authorization_code (PKCE S256) and refresh_token (rotating, single use) grants,
 * JSON or form bodies.
 * @see [openai/codex `codex-rs/login/src/server.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/server.rs)
 * @see [openai/codex `codex-rs/login/src/auth/manager.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/auth/manager.rs)
 */
export async function handleTokenRequest(
  ctx: TokenEndpointContext,
  request: RecordedRequest,
  res: ServerResponse,
): Promise<void> {
  const grantType = field(request.body, "grant_type");
  if (applyFault(ctx, res, grantType)) return;
  if (request.body === null || typeof request.body !== "object") {
    return sendOAuthError(res, 400, "invalid_request", "Expected a JSON or form-encoded body");
  }
  if (grantType === "authorization_code") return exchangeCode(ctx, request.body, res);
  if (grantType === "refresh_token") return refresh(ctx, request.body, res);
  sendOAuthError(res, 400, "unsupported_grant_type", `Unsupported grant_type: ${grantType ?? "(none)"}`);
}
