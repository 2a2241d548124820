import type { FetchLike } from "./http-request.js";
import { verifyIdTokenSignature } from "./id-token-verification.js";
import type { StoredLogin } from "./stored-login.js";
import { decodeLoginClaims } from "./token-claims.js";
import type { IssuedTokens } from "./token-exchange.js";
import type { TokenStore } from "./token-store.js";

/** What every login flow returns: who logged in, never the tokens. */
export interface LoginResult {
  accountId: string;
  email: string | null;
  plan: string | null;
  expiresAt: Date;
  /** Whether the id_token's signature was checked against the issuer's JWKS. */
  idTokenVerified: boolean;
}

/** Options shared by every login flow. */
export interface LoginFlowOptions {
  store: TokenStore;
  /** Default `https://auth.openai.com`. */
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
  /** Where the flow prints what the user must see (URLs, codes, warnings); never given secrets. */
  print?: (line: string) => void;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  signal?: AbortSignal;
}

/**
 * Checks freshly issued tokens (signature when the JWKS is reachable, required claims), then stores
 * them as the login. Shared by the browser, device and paste flows.
 */
export async function completeLogin(tokens: IssuedTokens, options: LoginFlowOptions): Promise<LoginResult> {
  const verification = await verifyIdTokenSignature({
    idToken: tokens.idToken,
    issuer: options.issuer,
    fetch: options.fetch,
  });
  const claims = decodeLoginClaims({ idToken: tokens.idToken, accessToken: tokens.accessToken });
  const login: StoredLogin = {
    idToken: tokens.idToken,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accountId: claims.accountId,
    lastRefresh: new Date((options.now ?? Date.now)()).toISOString(),
  };
  await options.store.set(login);
  return { ...claims, idTokenVerified: verification === "verified" };
}
