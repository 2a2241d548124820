import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two secrets (state values, tokens) in constant time. Both sides are hashed first, so
 * `timingSafeEqual` gets equal lengths and the comparison reveals neither the content nor the length.
 */
export function timingSafeEqualStrings(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
