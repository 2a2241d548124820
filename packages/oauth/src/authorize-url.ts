import { DEFAULT_ORIGINATOR } from "@cmp/core";
import { CODEX_CLIENT_ID, DEFAULT_ISSUER, DEFAULT_SCOPE, getIssuerEndpoints } from "./constants.js";

/** Inputs of {@link buildAuthorizeUrl}. */
export interface AuthorizeUrlOptions {
  redirectUri: string;
  codeChallenge: string;
  state: string;
  issuer?: string;
  clientId?: string;
  scope?: string;
  originator?: string;
}

/**
 * Builds the `/oauth/authorize` URL with every parameter the ChatGPT backend needs. Leaving out
 * `id_token_add_organizations`, `codex_cli_simplified_flow` or `originator` makes the code exchange
 * fail later with `token_exchange_user_error`.
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL(getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).authorize);
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", options.clientId ?? CODEX_CLIENT_ID],
    ["redirect_uri", options.redirectUri],
    ["scope", options.scope ?? DEFAULT_SCOPE],
    ["code_challenge", options.codeChallenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", options.state],
    ["originator", options.originator ?? DEFAULT_ORIGINATOR],
  ];
  url.search = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
  return url.toString();
}

/** The loopback redirect URI registered for the Codex client, for the port actually bound. */
export function buildLoopbackRedirectUri(port: number): string {
  return `http://localhost:${port}/auth/callback`;
}
