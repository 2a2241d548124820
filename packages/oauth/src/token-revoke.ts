import { CODEX_CLIENT_ID, DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { type FetchLike, sendRequest } from "./http-request.js";

/** Inputs of {@link revokeToken}. */
export interface RevokeTokenOptions {
  token: string;
  tokenTypeHint?: "refresh_token" | "access_token";
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

/**
 * Revokes a token at `/oauth/revoke`, best effort: returns `true` when the issuer accepted it and
 * `false` on any failure (it never throws).
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function revokeToken(options: RevokeTokenOptions): Promise<boolean> {
  const body = new URLSearchParams({
    token: options.token,
    token_type_hint: options.tokenTypeHint ?? "refresh_token",
    client_id: options.clientId ?? CODEX_CLIENT_ID,
  });
  try {
    const response = await sendRequest(
      options.fetch ?? fetch,
      getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).revoke,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        timeoutMs: options.timeoutMs ?? 5_000,
        what: "Token revocation",
      },
    );
    return response.status >= 200 && response.status < 300;
  } catch {
    return false;
  }
}
