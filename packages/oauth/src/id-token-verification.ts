import { z } from "zod";
import { DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { type FetchLike, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });
type IssuerKeys = z.infer<typeof jwksSchema>;

type JoseVerify = {
  compactVerify: typeof import("jose/jws/compact/verify").compactVerify;
  createLocalJWKSet: typeof import("jose/jwks/local").createLocalJWKSet;
  JWKSNoMatchingKey: typeof import("jose/errors").JWKSNoMatchingKey;
};
let joseVerify: Promise<JoseVerify> | undefined;

/** jose's verification modules, loaded on first use (about 5 MiB that a server run rarely needs). */
function loadJoseVerify(): Promise<JoseVerify> {
  joseVerify ??= Promise.all([
    import("jose/jws/compact/verify"),
    import("jose/jwks/local"),
    import("jose/errors"),
  ]).then(([verify, local, errors]) => ({
    compactVerify: verify.compactVerify,
    createLocalJWKSet: local.createLocalJWKSet,
    JWKSNoMatchingKey: errors.JWKSNoMatchingKey,
  }));
  return joseVerify;
}

/** The issuer's key set, or `null` when it cannot be fetched or is not a key set. */
async function fetchIssuerKeys(options: {
  issuer?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}): Promise<IssuerKeys | null> {
  try {
    const response = await sendRequest(
      options.fetch ?? fetch,
      getIssuerEndpoints(options.issuer ?? DEFAULT_ISSUER).jwks,
      {
        method: "GET",
        headers: { accept: "application/json" },
        timeoutMs: options.timeoutMs ?? 5_000,
        what: "Fetching the issuer's keys",
      },
    );
    const parsed = jwksSchema.safeParse(parseJsonSafely(response.text));
    return response.status === 200 && parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function invalidSignature(cause: unknown): OAuthError {
  return new OAuthError("invalid_token", "The id token's signature does not match the issuer's keys.", {
    cause,
  });
}

/** Inputs of {@link verifyIdTokenSignature}. */
export interface VerifyIdTokenOptions {
  idToken: string;
  issuer?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

/**
 * Checks the id_token's signature against the issuer's JWKS (`/.well-known/jwks.json`). Returns
 * `"verified"`, or `"unavailable"` when the key set cannot be fetched (the login then relies on TLS to
 * the token endpoint, as every Codex client does); throws `invalid_token` when the signature is wrong.
 * Expiry is not checked: stored id_tokens outlive their `exp`.
 */
export async function verifyIdTokenSignature(
  options: VerifyIdTokenOptions,
): Promise<"verified" | "unavailable"> {
  const keys = await fetchIssuerKeys(options);
  if (!keys) return "unavailable";
  const { compactVerify, createLocalJWKSet } = await loadJoseVerify();
  try {
    await compactVerify(options.idToken, createLocalJWKSet(keys));
    return "verified";
  } catch (cause) {
    throw invalidSignature(cause);
  }
}

/** Options of {@link createIdTokenVerifier}. */
export interface IdTokenVerifierOptions {
  issuer?: string;
  fetch?: FetchLike;
  /** Time limit of one JWKS fetch; default 5 s. */
  timeoutMs?: number;
  /** How long fetched keys are reused; default 1 hour. */
  cacheMs?: number;
  /** After the JWKS could not be fetched, skip fetching for this long; default 1 minute. */
  unavailableRetryMs?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

/** Verifies id_tokens against a cached copy of the issuer's JWKS; see {@link createIdTokenVerifier}. */
export interface IdTokenVerifier {
  /** `"verified"`, or `"unavailable"` when the keys cannot be fetched; throws `invalid_token` on a bad signature. */
  verify(idToken: string): Promise<"verified" | "unavailable">;
}

/**
 * Like {@link verifyIdTokenSignature}, for repeated use (every token refresh): the issuer's keys are
 * cached, fetched again when a token names a key the cache lacks (key rotation), and an unreachable
 * JWKS is not retried for a minute, so a refresh is never slowed or failed by it.
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions = {}): IdTokenVerifier {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 60 * 60_000;
  const unavailableRetryMs = options.unavailableRetryMs ?? 60_000;
  let cached: { keys: IssuerKeys; at: number } | null = null;
  let unavailableAt = Number.NEGATIVE_INFINITY;

  const fetchKeys = async (): Promise<IssuerKeys | null> => {
    if (now() - unavailableAt < unavailableRetryMs) return null;
    const keys = await fetchIssuerKeys(options);
    if (keys) cached = { keys, at: now() };
    else unavailableAt = now();
    return keys;
  };

  return {
    async verify(idToken) {
      const fresh = cached !== null && now() - cached.at < cacheMs;
      let keys = fresh && cached ? cached.keys : await fetchKeys();
      if (!keys) return "unavailable";
      const { compactVerify, createLocalJWKSet, JWKSNoMatchingKey } = await loadJoseVerify();
      for (let attempt = 0; ; attempt++) {
        try {
          await compactVerify(idToken, createLocalJWKSet(keys));
          return "verified";
        } catch (cause) {
          if (attempt === 0 && fresh && cause instanceof JWKSNoMatchingKey) {
            const refetched = await fetchKeys();
            if (!refetched) return "unavailable";
            keys = refetched;
            continue;
          }
          throw invalidSignature(cause);
        }
      }
    },
  };
}
