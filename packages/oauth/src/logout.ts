import type { FetchLike } from "./http-request.js";
import { revokeToken } from "./token-revoke.js";
import type { TokenStore } from "./token-store.js";

/** Options of {@link logout}. */
export interface LogoutOptions {
  store: TokenStore;
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
}

/** What {@link logout} did. */
export interface LogoutResult {
  /** False when there was no login to remove. */
  hadLogin: boolean;
  /** Whether the issuer accepted the revocation (best effort). */
  revoked: boolean;
}

/**
 * Revokes the refresh token at the issuer (best effort, a short time limit) and deletes the stored
 * login. A corrupt store is deleted too, without a revocation.
 */
export async function logout(options: LogoutOptions): Promise<LogoutResult> {
  let login: Awaited<ReturnType<TokenStore["get"]>> = null;
  let corrupt = false;
  try {
    login = await options.store.get();
  } catch {
    corrupt = true;
  }
  const revoked = login
    ? await revokeToken({
        token: login.refreshToken,
        issuer: options.issuer,
        clientId: options.clientId,
        fetch: options.fetch,
      })
    : false;
  await options.store.delete();
  return { hadLogin: login !== null || corrupt, revoked };
}
