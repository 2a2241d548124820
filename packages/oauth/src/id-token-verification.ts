import type { RemoteJWKSet } from "jose/jwks/remote";
import { z } from "zod";
import { DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { type FetchLike, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

type JoseVerify = {
  compactVerify: typeof import("jose/jws/compact/verify").compactVerify;
  createRemoteJWKSet: typeof import("jose/jwks/remote").createRemoteJWKSet;
  customFetch: typeof import("jose/jwks/remote").customFetch;
};
let joseVerify: Promise<JoseVerify> | undefined;

/** jose's verification modules, loaded on first use (about 5 MiB that a server run rarely needs). */
function loadJoseVerify(): Promise<JoseVerify> {
  joseVerify ??= Promise.all([import("jose/jws/compact/verify"), import("jose/jwks/remote")]).then(
    ([verify, remote]) => ({
      compactVerify: verify.compactVerify,
      createRemoteJWKSet: remote.createRemoteJWKSet,
      customFetch: remote.customFetch,
    }),
  );
  return joseVerify;
}

/** Options of {@link createIdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  issuer?: string;
  fetch?: FetchLike;
  /** Time limit of one JWKS fetch; default 5 s. */
  timeoutMs?: number;
  /** How long fetched keys are reused; default 1 hour. */
  cacheMs?: number;
  /** A token naming a key the cache lacks fetches the keys again, at most this often; default 30 s. */
  cooldownMs?: number;
  /** After the JWKS could not be fetched, skip fetching for this long; default 1 minute. */
  unavailableRetryMs?: number;
  /** Milliseconds since the epoch, for `unavailableRetryMs`; default `Date.now`. */
  now?: () => number;
}

/** Verifies id_tokens against a cached copy of the issuer's JWKS; see {@link createIdTokenVerifier}. */
export interface IdTokenVerifier {
  /** `"verified"`, or `"unavailable"` when the keys cannot be fetched; throws `invalid_token` on a bad signature. */
  verify(idToken: string): Promise<"verified" | "unavailable">;
  /**
   * Fetches the keys now unless they are cached, so that a `verify` right after needs no network. Never
   * throws: keys that cannot be fetched count as unavailable, as in `verify`.
   */
  prepare(): Promise<void>;
}

/**
 * Checks id_token signatures against the issuer's JWKS (`/.well-known/jwks.json`), for repeated use
 * (every token refresh). The keys come from jose's `createRemoteJWKSet` through the injected `fetch`:
 * cached for `cacheMs`, fetched again when a token names a key the cache lacks (key rotation) unless
 * the last fetch was under `cooldownMs` ago. `verify` returns `"unavailable"` when the key set cannot be
 * fetched (the login then relies on TLS to the token endpoint, as every Codex client does), and an
 * unreachable JWKS is not asked again for `unavailableRetryMs`, so a refresh is never slowed or failed
 * by it. Expiry is not checked: stored id_tokens outlive their `exp`.
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions = {}): IdTokenVerifier {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const unavailableRetryMs = options.unavailableRetryMs ?? 60_000;
  const fetchImpl = options.fetch ?? fetch;
  const jwksUrl = getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).jwks;
  let unavailableAt = Number.NEGATIVE_INFINITY;
  let keySet: RemoteJWKSet | undefined;

  /**
   * jose's custom fetch. Every way of not getting a key set (network, timeout, a non-200 answer, a body
   * that is no key set) becomes an `OAuthError`, which is how `verify` tells "the keys are unavailable"
   * apart from jose's "the signature is wrong".
   */
  const fetchKeySet = async (url: string, init: { signal: AbortSignal }): Promise<Response> => {
    const response = await sendRequest(fetchImpl, url, {
      method: "GET",
      headers: { accept: "application/json" },
      signal: init.signal,
      timeoutMs,
      what: "Fetching the issuer's keys",
    });
    if (response.status !== 200 || !jwksSchema.safeParse(parseJsonSafely(response.text)).success) {
      throw new OAuthError("network_error", `The issuer's keys are unavailable (HTTP ${response.status}).`, {
        status: response.status,
        retryable: true,
      });
    }
    return new Response(response.text, { status: 200, headers: { "content-type": "application/json" } });
  };

  const loadKeySet = async () => {
    const { compactVerify, createRemoteJWKSet, customFetch } = await loadJoseVerify();
    keySet ??= createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: timeoutMs,
      cacheMaxAge: options.cacheMs ?? 60 * 60_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      [customFetch]: fetchKeySet,
    });
    return { compactVerify, keys: keySet };
  };

  return {
    async prepare() {
      if (now() - unavailableAt < unavailableRetryMs) return;
      try {
        const { keys } = await loadKeySet();
        if (!keys.fresh) await keys.reload();
      } catch {
        unavailableAt = now();
      }
    },
    async verify(idToken) {
      if (now() - unavailableAt < unavailableRetryMs) return "unavailable";
      const { compactVerify, keys } = await loadKeySet();
      try {
        await compactVerify(idToken, keys);
        return "verified";
      } catch (cause) {
        if (OAuthError.isInstance(cause)) {
          unavailableAt = now();
          return "unavailable";
        }
        throw new OAuthError("invalid_token", "The id token's signature does not match the issuer's keys.", {
          cause,
        });
      }
    },
  };
}

/** Inputs of {@link verifyIdTokenSignature}. */
export interface VerifyIdTokenOptions {
  idToken: string;
  issuer?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

/**
 * Checks one id_token's signature against the issuer's JWKS, fetched once for it; see
 * {@link createIdTokenVerifier} for the results. Used by the login flows, which verify one token.
 */
export function verifyIdTokenSignature(options: VerifyIdTokenOptions): Promise<"verified" | "unavailable"> {
  const { idToken, ...verifierOptions } = options;
  return createIdTokenVerifier(verifierOptions).verify(idToken);
}
