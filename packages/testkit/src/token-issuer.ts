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

/** Issues JWT pairs and tracks refresh-token rotation. */
export class TokenIssuer {
  private readonly refreshTokens = new Map<string, RefreshRecord>();

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
    const [idToken, accessToken] = await Promise.all([
      this.key.sign(buildIdTokenClaims(input)),
      this.key.sign(buildAccessTokenClaims(input)),
    ]);
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

  /** Verifies an access token; returns its claims or why it failed. */
  verify(token: string): ReturnType<SigningKey["verify"]> {
    return this.key.verify(token, { issuer: this.issuer, now: this.now() });
  }
}

/** A verified access token's payload. */
export type AccessTokenClaims = JWTPayload;
