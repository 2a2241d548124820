import { OAuthError } from "./oauth-errors.js";

/** The `fetch` signature every function here accepts, so tests can inject one. */
export type FetchLike = typeof fetch;

/** A response whose body was read as text. */
export interface TextResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Sends one request with a time limit and reads the whole body. Network failures and timeouts
 * become retryable `OAuthError`s whose message names only the URL path, never the body.
 */
export async function sendRequest(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit & { timeoutMs: number; what: string },
): Promise<TextResponse> {
  const { timeoutMs, what, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetchImpl(url, { ...rest, signal: combined, redirect: "manual" });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (cause) {
    if (signal?.aborted) {
      throw new OAuthError("cancelled", `${what} was cancelled.`, { cause });
    }
    if (timeout.aborted) {
      throw new OAuthError("timeout", `${what} timed out after ${Math.round(timeoutMs / 1000)} s.`, {
        cause,
        retryable: true,
      });
    }
    throw new OAuthError("network_error", `${what} failed: cannot reach ${new URL(url).host}.`, {
      cause,
      retryable: true,
    });
  }
}

/** Parses JSON without throwing; `undefined` when the text is not JSON. */
export function parseJsonSafely(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Default time limit of one request to the auth server. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
