import { createHash, timingSafeEqual } from "node:crypto";

/** base64url(SHA-256(verifier)) without padding, as RFC 7636 S256 defines it. */
export function computeS256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** Compares two secrets in constant time (for equal lengths). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** True when `verifier` is 43–128 unreserved characters and hashes to `challenge`. */
export function verifyPkce(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  return safeEqual(computeS256Challenge(verifier), challenge);
}
