import type { FakeAuthServer } from "@cmp/testkit";
import type { StoredLogin } from "../stored-login.js";

/**
 * A fresh login from the fake issuer, as the store keeps it: tokens whose access token lives
 * `ttlSeconds`, account `acc_test`, refreshed at `refreshedAt` (ms; default now).
 */
export async function issueStoredLogin(
  auth: FakeAuthServer,
  ttlSeconds: number,
  refreshedAt: number = Date.now(),
): Promise<StoredLogin> {
  const tokens = await auth.issueTokens({ accessTokenTtlSeconds: ttlSeconds });
  return {
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    accountId: "acc_test",
    lastRefresh: new Date(refreshedAt).toISOString(),
  };
}
