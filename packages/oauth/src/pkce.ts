import { createHash, randomBytes } from "node:crypto";
import { OAuthError } from "./oauth-errors.js";

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: "S256";
}

const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Creates a random PKCE verifier: 64 random bytes in base64url (86 characters), as the Codex CLI does.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function generateCodeVerifier(): string {
  return randomBytes(64).toString("base64url");
}

/**
 * Computes the S256 code challenge of a verifier. Throws `invalid_input` when the verifier breaks
 * RFC 7636 (43–128 unreserved characters).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export function computeCodeChallenge(verifier: string): string {
  if (!verifierPattern.test(verifier)) {
    throw new OAuthError("invalid_input", "A PKCE verifier must be 43 to 128 unreserved characters.");
  }
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Creates a fresh verifier with its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = generateCodeVerifier();
  return { verifier, challenge: computeCodeChallenge(verifier), method: "S256" };
}

/** Creates a random `state` value (32 bytes, base64url). */
export function generateState(): string {
  return randomBytes(32).toString("base64url");
}
