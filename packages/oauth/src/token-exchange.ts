import { CODEX_CLIENT_ID, DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, type FetchLike, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";
import { parseTokenEndpointError, tokenResponseSchema } from "./token-response-schema.js";

/** Tokens issued by a successful login. */
export interface IssuedTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

/** Inputs of {@link exchangeAuthorizationCode}. */
export interface ExchangeCodeOptions {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The form body of an authorization-code grant. */
export function buildAuthorizationCodeRequest(options: ExchangeCodeOptions): {
  url: string;
  init: RequestInit;
} {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code: options.code,
    redirect_uri: options.redirectUri,
    client_id: options.clientId ?? CODEX_CLIENT_ID,
    code_verifier: options.codeVerifier,
  });
  return {
    url: getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).token,
    init: {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: body.toString(),
    },
  };
}

/** Turns the token endpoint's answer to a code grant into tokens, or a `token_exchange_failed` error. */
export function processAuthorizationCodeResponse(status: number, text: string): IssuedTokens {
  const json = parseJsonSafely(text);
  if (status < 200 || status >= 300) {
    const { code, description } = parseTokenEndpointError(json);
    const detail = [code, description].filter(Boolean).join(": ") || "no error details";
    throw new OAuthError("token_exchange_failed", `The login code was refused (HTTP ${status}, ${detail}).`, {
      status,
      retryable: status >= 500,
    });
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success || !parsed.data.id_token || !parsed.data.access_token || !parsed.data.refresh_token) {
    throw new OAuthError(
      "token_exchange_failed",
      "The token endpoint answered without the expected tokens.",
      {
        status,
      },
    );
  }
  return {
    idToken: parsed.data.id_token,
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
  };
}

/**
 * Exchanges an authorization code (with its PKCE verifier) for tokens at `/oauth/token`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export async function exchangeAuthorizationCode(options: ExchangeCodeOptions): Promise<IssuedTokens> {
  const { url, init } = buildAuthorizationCodeRequest(options);
  const response = await sendRequest(options.fetch ?? fetch, url, {
    ...init,
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    what: "The login code exchange",
    signal: options.signal,
  });
  return processAuthorizationCodeResponse(response.status, response.text);
}
