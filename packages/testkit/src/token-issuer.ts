import { randomBytes } from "node:crypto";
import type { JWTPayload } from "jose";
import type { SigningKey } from "./signing-key.js";
import { buildAccessTokenClaims, buildIdTokenClaims, type FakeAccount } from "./token-claims.js";

/** The token endpoint's success body. */
export interface FakeTokenSet {
  id_token: string;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: "Bearer";
  scope: string;
}

/** What `issueTokens()` accepts: account overrides, a lifetime and extra claims. */
export interface IssueTokensOptions extends Partial<FakeAccount> {
  accessTokenTtlSeconds?: number;
  /** Extra top-level claims merged into both JWTs. */
  extraClaims?: Record<string, unknown>;
}

/** State of an issued refresh token. */
export type RefreshTokenState = "active" | "used" | "revoked";

interface RefreshRecord {
  state: RefreshTokenState;
  account: FakeAccount;
}

/** How many tokens {@link TokenIssuer.revokeAccount} revoked. */
export interface RevokedTokens {
  /** Refresh tokens (active or already used) now refused with `refresh_token_invalidated`. */
  refreshTokens: number;
  /** Access tokens (by `jti`) now refused by the fake backend with `token_revoked`. */
  accessTokens: number;
}

/** Issues JWT pairs, tracks refresh-token rotation and remembers which account each token belongs to. */
export class TokenIssuer {
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  /** `jti` of every access token issued, with its account, so one account's logins can be revoked. */
  private readonly accessTokens = new Map<string, string>();
  private readonly revokedAccess = new Set<string>();

  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
    private readonly clientId: string,
    private readonly now: () => number,
  ) {}

  /** Signs a new id/access token pair and registers a new active refresh token. */
  async issue(
    account: FakeAccount,
    ttlSeconds: number,
    extraClaims?: Record<string, unknown>,
  ): Promise<FakeTokenSet> {
    const input = {
      account,
      issuer: this.issuer,
      clientId: this.clientId,
      issuedAt: Math.floor(this.now() / 1000),
      accessTokenTtlSeconds: ttlSeconds,
      extraClaims,
    };
    const accessClaims = buildAccessTokenClaims(input);
    const [idToken, accessToken] = await Promise.all([
      this.key.sign(buildIdTokenClaims(input)),
      this.key.sign(accessClaims),
    ]);
    if (typeof accessClaims.jti === "string") this.accessTokens.set(accessClaims.jti, account.accountId);
    const refreshToken = `rt_${randomBytes(32).toString("base64url")}`;
    this.refreshTokens.set(refreshToken, { state: "active", account });
    return {
      id_token: idToken,
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ttlSeconds,
      token_type: "Bearer",
      scope: "openid profile email offline_access",
    };
  }

  /** The state of a refresh token, or `null` if this server never issued it. */
  lookupRefresh(token: string): { state: RefreshTokenState; account: FakeAccount } | null {
    const record = this.refreshTokens.get(token);
    return record ? { state: record.state, account: record.account } : null;
  }

  /** Marks a refresh token as used (rotation) or revoked. */
  markRefresh(token: string, state: Exclude<RefreshTokenState, "active">): boolean {
    const record = this.refreshTokens.get(token);
    if (!record) return false;
    record.state = state;
    return true;
  }

  /**
   * Revokes every token issued to `accountId` so far, as when the user signs out everywhere or the login
   * is revoked upstream: its refresh tokens become `revoked`, its access tokens are refused. Logins issued
   * afterwards are valid again.
   */
  revokeAccount(accountId: string): RevokedTokens {
    let refreshTokens = 0;
    for (const record of this.refreshTokens.values()) {
      if (record.account.accountId !== accountId || record.state === "revoked") continue;
      record.state = "revoked";
      refreshTokens += 1;
    }
    let accessTokens = 0;
    for (const [jti, owner] of this.accessTokens) {
      if (owner !== accountId || this.revokedAccess.has(jti)) continue;
      this.revokedAccess.add(jti);
      accessTokens += 1;
    }
    return { refreshTokens, accessTokens };
  }

  /** True when the access token with this `jti` was revoked by {@link revokeAccount}. */
  isAccessRevoked(jti: unknown): boolean {
    return typeof jti === "string" && this.revokedAccess.has(jti);
  }

  /** Verifies an access token; returns its claims or why it failed. */
  verify(token: string): ReturnType<SigningKey["verify"]> {
    return this.key.verify(token, { issuer: this.issuer, now: this.now() });
  }
}

/** A verified access token's payload. */
export type AccessTokenClaims = JWTPayload;
