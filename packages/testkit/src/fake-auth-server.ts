import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWTPayload } from "jose";
import {
  applyAuthConfig,
  CODEX_CLIENT_ID,
  defaultAuthConfig,
  type FakeAuthConfig,
  type FakeAuthConfigUpdate,
} from "./auth-config.js";
import { oauthErrorBody } from "./auth-errors.js";
import { DEVICE_CALLBACK_HTML, renderDevicePage } from "./auth-pages.js";
import { DeviceAuth } from "./device-auth.js";
import { type ListenOptions, sendJson, sendText, startLoopbackServer } from "./loopback-server.js";
import { type RecordedRequest, recordRequest } from "./recorded-request.js";
import { createSigningKey, type SigningKey } from "./signing-key.js";
import { type AuthCounters, handleTokenRequest, type PendingCode } from "./token-endpoint.js";
import {
  type FakeTokenSet,
  type IssueTokensOptions,
  type RevokedTokens,
  TokenIssuer,
} from "./token-issuer.js";

/** Why {@link FakeAuthServer.checkAccessToken} refused a token. */
export type AccessTokenRefusal = "expired" | "invalid" | "revoked";

/** Options of {@link startFakeAuthServer}. */
export interface FakeAuthServerOptions extends ListenOptions {
  /** Expected OAuth client id. Default: the Codex CLI's `app_EMoamEEZ73f0CkXaXp7hrann`. */
  clientId?: string;
  /** Share a key with another server (see `startFakeUpstream`). Default: a fresh RS256 key. */
  signingKey?: SigningKey;
  /** Clock in milliseconds, used for `iat`/`exp` and verification. Default `Date.now`. */
  now?: () => number;
  /** Initial switches (see `configure`). */
  config?: FakeAuthConfigUpdate;
}

/** A running fake auth.openai.com. */
export interface FakeAuthServer {
  /** `http://127.0.0.1:PORT`; every auth URL derives from it. */
  issuer: string;
  /** The client id the server expects. */
  clientId: string;
  /** The key the server signs with; its public half is served at `/.well-known/jwks.json`. */
  signingKey: SigningKey;
  /** Every request received, in order (bodies included: test data only). */
  requests: RecordedRequest[];
  /** Successful grants and device-flow calls per type. */
  counters: AuthCounters;
  /** The current switches (read-only view; change them with `configure`). */
  readonly config: Readonly<FakeAuthConfig>;
  /**
   * Changes switches: token lifetime, authorize error, device flow, token endpoint faults, account.
   * Leaving the `timeout` mode resets the requests it held.
   */
  configure(update: FakeAuthConfigUpdate): void;
  /**
   * Issues a login directly (no HTTP), as if a browser login had just succeeded. The account fields given
   * (`accountId`, `planType`, `email`, `userId`) replace the configured account's, so one server logs in
   * any number of accounts (see `FAKE_POOL_ACCOUNTS`); a refresh grant later issues tokens for the account
   * its refresh token belongs to.
   */
  issueTokens(options?: IssueTokensOptions): Promise<FakeTokenSet>;
  /** Verifies an access token from this server; resolves to its claims, or `null` if invalid or expired. */
  verifyAccessToken(token: string): Promise<JWTPayload | null>;
  /** Like `verifyAccessToken`, but says why a token was refused (`revoked` after `revokeAccount`). */
  checkAccessToken(
    token: string,
  ): Promise<{ claims: JWTPayload } | { claims: null; reason: AccessTokenRefusal }>;
  /** Marks a refresh token revoked, as `/oauth/revoke` does. */
  revokeRefreshToken(token: string): boolean;
  /**
   * Revokes every token issued to one account so far (its login was revoked upstream): its refresh grants
   * get 401 `refresh_token_invalidated`, and the fake Codex backend answers its access tokens 401
   * `token_revoked`. Other accounts are untouched; a new login of the account works again.
   */
  revokeAccount(accountId: string): RevokedTokens;
  /** Approves a pending device login by its user code; false if none is pending. */
  approveDevice(userCode: string): boolean;
  /** Denies a pending device login by its user code; false if none is pending. */
  denyDevice(userCode: string): boolean;
  /** User codes of device logins still waiting for a decision. */
  pendingDeviceCodes(): string[];
  /** Stops the server and destroys open sockets (held `timeout` requests included). */
  close(): Promise<void>;
}

function readQueryOrBody(request: RecordedRequest, name: string): string | undefined {
  const fromQuery = request.query[name];
  if (fromQuery !== undefined) return fromQuery;
  const body = request.body;
  if (typeof body !== "object" || body === null || !(name in body)) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * Starts a fake OpenAI auth server on loopback: PKCE authorize + token, rotating refresh tokens,
 * revoke, device-code login and JWKS, with switchable faults.
 * @see [openai/codex `codex-rs/login/src/server.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/server.rs)
 * @see [openai/codex `codex-rs/login/src/device_code_auth.rs`](https://github.com/openai/codex/blob/main/codex-rs/login/src/device_code_auth.rs)
 */
export async function startFakeAuthServer(options: FakeAuthServerOptions = {}): Promise<FakeAuthServer> {
  const clientId = options.clientId ?? CODEX_CLIENT_ID;
  const now = options.now ?? Date.now;
  const signingKey = options.signingKey ?? (await createSigningKey());
  const config = defaultAuthConfig();
  if (options.config) applyAuthConfig(config, options.config);
  const requests: RecordedRequest[] = [];
  const counters: AuthCounters = {
    authorizationCode: 0,
    refresh: 0,
    revoke: 0,
    refreshReused: 0,
    deviceCodes: 0,
    devicePolls: 0,
  };
  const codes = new Map<string, PendingCode>();
  const held = new Set<ServerResponse>();
  const slow = new Set<ServerResponse>();
  let issuer: TokenIssuer | undefined;
  let device: DeviceAuth | undefined;

  const authorize = (request: RecordedRequest, res: ServerResponse) => {
    const q = request.query;
    const redirectUri = q["redirect_uri"];
    if (!redirectUri || !URL.canParse(redirectUri)) {
      sendJson(res, 400, oauthErrorBody("invalid_request", "redirect_uri is missing or invalid"));
      return;
    }
    if (q["client_id"] !== clientId) {
      sendJson(res, 400, oauthErrorBody("invalid_client", "Unknown client_id"));
      return;
    }
    const target = new URL(redirectUri);
    const state = q["state"];
    if (state !== undefined) target.searchParams.set("state", state);
    if (config.authorizeError) {
      target.searchParams.set("error", config.authorizeError);
      target.searchParams.set("error_description", "The user denied the request");
    } else if (
      q["response_type"] !== "code" ||
      !q["code_challenge"] ||
      q["code_challenge_method"] !== "S256"
    ) {
      target.searchParams.set("error", "invalid_request");
      target.searchParams.set(
        "error_description",
        "response_type=code and an S256 code_challenge are required",
      );
    } else {
      const code = `ac_${randomBytes(24).toString("base64url")}`;
      codes.set(code, {
        clientId,
        redirectUri,
        codeChallenge: q["code_challenge"],
        account: { ...config.account },
        expiresAt: now() + 10 * 60 * 1000,
        used: false,
      });
      target.searchParams.set("code", code);
    }
    res.writeHead(302, { location: target.toString(), "content-length": "0" });
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await recordRequest(req);
    requests.push(request);
    if (!issuer || !device) throw new Error("auth server not ready");
    const route = `${request.method} ${request.path}`;
    switch (route) {
      case "GET /oauth/authorize":
        return authorize(request, res);
      case "POST /oauth/token":
        return handleTokenRequest(
          {
            config,
            clientId,
            issuer,
            codes,
            counters,
            now,
            hold: (r) => held.add(r),
            track: (r) => {
              slow.add(r);
              return () => slow.delete(r);
            },
          },
          request,
          res,
        );
      case "POST /oauth/revoke": {
        const token = readQueryOrBody(request, "token");
        if (token) issuer.markRefresh(token, "revoked");
        counters.revoke += 1;
        return sendJson(res, 200, {});
      }
      case "POST /api/accounts/deviceauth/usercode":
        return device.handleUserCode(request, res);
      case "POST /api/accounts/deviceauth/token":
        return device.handlePoll(request, res);
      case "GET /codex/device":
        return sendText(res, 200, "text/html; charset=utf-8", renderDevicePage());
      case "POST /codex/device": {
        const userCode = readQueryOrBody(request, "user_code") ?? "";
        const decision = readQueryOrBody(request, "decision") === "deny" ? "denied" : "approved";
        if (!device.decide(userCode, decision)) {
          return sendText(res, 400, "text/html; charset=utf-8", renderDevicePage("Unknown or expired code."));
        }
        res.writeHead(302, { location: "/deviceauth/callback", "content-length": "0" });
        res.end();
        return;
      }
      case "GET /deviceauth/callback":
        return sendText(res, 200, "text/html; charset=utf-8", DEVICE_CALLBACK_HTML);
      case "GET /.well-known/jwks.json":
        return sendJson(res, 200, { keys: [signingKey.publicJwk] });
      default:
        return sendJson(res, 404, {
          error: { message: `No route for ${route}`, type: "invalid_request_error" },
        });
    }
  };

  const server = await startLoopbackServer(handle, options);
  issuer = new TokenIssuer(signingKey, server.origin, clientId, now);
  device = new DeviceAuth({
    config,
    clientId,
    codes,
    counters,
    now,
    callbackUrl: `${server.origin}/deviceauth/callback`,
  });
  const tokenIssuer = issuer;
  const deviceAuth = device;

  const checkAccessToken: FakeAuthServer["checkAccessToken"] = async (token) => {
    const result = await tokenIssuer.verify(token);
    if (!result.payload) return { claims: null, reason: result.error };
    if (tokenIssuer.isAccessRevoked(result.payload.jti)) return { claims: null, reason: "revoked" };
    return { claims: result.payload };
  };

  return {
    issuer: server.origin,
    clientId,
    signingKey,
    requests,
    counters,
    config,
    configure: (update) => {
      applyAuthConfig(config, update);
      if (config.tokenEndpoint !== "timeout") {
        // The hang is over: held requests are reset unanswered (their grants were never processed).
        for (const res of held) res.destroy();
        held.clear();
      }
    },
    issueTokens: ({ accessTokenTtlSeconds, extraClaims, ...account } = {}) =>
      tokenIssuer.issue(
        { ...config.account, ...account },
        accessTokenTtlSeconds ?? config.accessTokenTtlSeconds,
        extraClaims,
      ),
    verifyAccessToken: async (token) => (await checkAccessToken(token)).claims,
    checkAccessToken,
    revokeRefreshToken: (token) => tokenIssuer.markRefresh(token, "revoked"),
    revokeAccount: (accountId) => tokenIssuer.revokeAccount(accountId),
    approveDevice: (userCode) => deviceAuth.decide(userCode, "approved"),
    denyDevice: (userCode) => deviceAuth.decide(userCode, "denied"),
    pendingDeviceCodes: () => deviceAuth.pendingUserCodes(),
    close: async () => {
      for (const res of [...held, ...slow]) res.destroy();
      held.clear();
      slow.clear();
      await server.close();
    },
  };
}
