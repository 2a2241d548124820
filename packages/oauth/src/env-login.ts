import type { StoredLogin } from "./stored-login.js";
import { decodeLoginClaims } from "./token-claims.js";
import type { TokenStore } from "./token-store.js";

/** Tokens handed to the app by environment (`OPENAI_OAUTH_ACCESS_TOKEN`, …); the app reads env, not this package. */
export interface EnvLoginTokens {
  accessToken?: string | null;
  refreshToken?: string | null;
  accountId?: string | null;
  idToken?: string | null;
}

/**
 * Builds a stored login from tokens given by environment, or `null` when access or refresh token is
 * missing. The account id falls back to the access token's claim; throws `invalid_token` when neither
 * gives one.
 */
export function createLoginFromEnvTokens(
  tokens: EnvLoginTokens,
  now: () => number = Date.now,
): StoredLogin | null {
  if (!tokens.accessToken || !tokens.refreshToken) return null;
  let accountId = tokens.accountId || null;
  if (!accountId) {
    accountId = decodeLoginClaims({
      idToken: tokens.idToken ?? null,
      accessToken: tokens.accessToken,
    }).accountId;
  }
  return {
    idToken: tokens.idToken || null,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accountId,
    lastRefresh: new Date(now()).toISOString(),
  };
}

/**
 * Stores `login` only when the store holds none, and returns whether it did. From then on the store
 * keeps the rotated tokens, so a restart with the same environment does not resurrect a used refresh token.
 */
export async function seedStoreIfEmpty(store: TokenStore, login: StoredLogin | null): Promise<boolean> {
  if (!login) return false;
  // A shared store writes only while the login is still absent: replicas starting together with the
  // same seed must not overwrite a login one of them has already refreshed.
  if (store.setIfAbsent) return store.setIfAbsent(login);
  if ((await store.get()) !== null) return false;
  await store.set(login);
  return true;
}
