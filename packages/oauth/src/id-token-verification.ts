import { compactVerify, createLocalJWKSet } from "jose";
import { z } from "zod";
import { DEFAULT_ISSUER, getIssuerEndpoints } from "./constants.js";
import { type FetchLike, parseJsonSafely, sendRequest } from "./http-request.js";
import { OAuthError } from "./oauth-errors.js";

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

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
  let keys: z.infer<typeof jwksSchema>;
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
    if (response.status !== 200 || !parsed.success) return "unavailable";
    keys = parsed.data;
  } catch {
    return "unavailable";
  }
  try {
    await compactVerify(options.idToken, createLocalJWKSet(keys));
    return "verified";
  } catch (cause) {
    throw new OAuthError("invalid_token", "The id token's signature does not match the issuer's keys.", {
      cause,
    });
  }
}
