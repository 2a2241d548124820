import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Every named key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = "cmp-";

/** A new named key: the prefix and 32 random bytes in base64url (47 characters in all). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** The SHA-256 of a key, in hex: the only form the store ever holds. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Compares two hex digests of equal length in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
