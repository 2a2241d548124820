/** The public OAuth client of the Codex CLI; ChatGPT only issues Codex tokens to it. */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** The default OAuth issuer. */
export const DEFAULT_ISSUER = "https://auth.openai.com";

/** Scopes requested at login; `offline_access` is what yields a refresh token. */
export const DEFAULT_SCOPE = "openid profile email offline_access";

/** The registered local callback port. */
export const DEFAULT_CALLBACK_PORT = 1455;

/** The other registered callback port, used only when the default one is busy. */
export const FALLBACK_CALLBACK_PORT = 1457;

/** Every URL the login flows use, derived from one issuer. */
export interface IssuerEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  jwks: string;
  deviceUserCode: string;
  deviceToken: string;
  devicePage: string;
  deviceRedirect: string;
}

/** Derives every auth URL from the issuer (`https://auth.openai.com` or a local fake). */
export function getIssuerEndpoints(issuer: string): IssuerEndpoints {
  const base = issuer.replace(/\/+$/, "");
  return {
    authorize: `${base}/oauth/authorize`,
    token: `${base}/oauth/token`,
    revoke: `${base}/oauth/revoke`,
    jwks: `${base}/.well-known/jwks.json`,
    deviceUserCode: `${base}/api/accounts/deviceauth/usercode`,
    deviceToken: `${base}/api/accounts/deviceauth/token`,
    devicePage: `${base}/codex/device`,
    deviceRedirect: `${base}/deviceauth/callback`,
  };
}
