import { CODEX_CLIENT_ID, DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, type FetchLike, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";
import {
  parseTokenEndpointError,
  terminalRefreshErrorCodes,
  tokenResponseSchema,
} from "./token-response-schema.js";

/** The outcome of one refresh call: tokens, or why not (returned, not thrown). */
export type RefreshResult =
  | { ok: true; idToken: string | null; accessToken: string; refreshToken: string | null }
  | { ok: false; reason: "reauth_required"; errorCode: string | null; status: number }
  | { ok: false; reason: "transient"; error: OAuthError };

/** Inputs of {@link refreshTokens}. */
export interface RefreshTokensOptions {
  refreshToken: string;
  issuer?: string;
  clientId?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  originator?: string;
}

/** The JSON body the Codex CLI sends for a refresh grant. */
export function buildRefreshRequest(options: RefreshTokensOptions): { url: string; init: RequestInit } {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (options.originator) headers["originator"] = options.originator;
  return {
    url: getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).token,
    init: {
      method: "POST",
      headers,
      body: JSON.stringify({
        client_id: options.clientId ?? CODEX_CLIENT_ID,
        grant_type: "refresh_token",
        refresh_token: options.refreshToken,
      }),
    },
  };
}

/**
 * Classifies the token endpoint's answer: 401 or a `refresh_token_reused/_expired/_invalidated` code
 * is terminal (`reauth_required`); 5xx, 429 and other surprises are transient.
 */
export function processRefreshResponse(status: number, text: string): RefreshResult {
  const json = parseJsonSafely(text);
  if (status >= 200 && status < 300) {
    const parsed = tokenResponseSchema.safeParse(json);
    if (parsed.success && parsed.data.access_token) {
      return {
        ok: true,
        idToken: parsed.data.id_token ?? null,
        accessToken: parsed.data.access_token,
        refreshToken: parsed.data.refresh_token ?? null,
      };
    }
    return {
      ok: false,
      reason: "transient",
      error: new OAuthError("refresh_failed", "The token endpoint answered without an access token.", {
        status,
        retryable: true,
      }),
    };
  }
  const { code } = parseTokenEndpointError(json);
  if (status === 401 || (code !== null && terminalRefreshErrorCodes.has(code))) {
    return { ok: false, reason: "reauth_required", errorCode: code, status };
  }
  return {
    ok: false,
    reason: "transient",
    error: new OAuthError(
      "refresh_failed",
      `Token refresh failed (HTTP ${status}${code ? `, ${code}` : ""}).`,
      {
        status,
        retryable: true,
      },
    ),
  };
}

/**
 * Sends one refresh grant. Never retries by itself; the token manager decides when to try again.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshTokens(options: RefreshTokensOptions): Promise<RefreshResult> {
  const { url, init } = buildRefreshRequest(options);
  try {
    const response = await sendRequest(options.fetch ?? fetch, url, {
      ...init,
      timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      what: "Token refresh",
    });
    return processRefreshResponse(response.status, response.text);
  } catch (error) {
    if (OAuthError.isInstance(error)) return { ok: false, reason: "transient", error };
    throw error;
  }
}
