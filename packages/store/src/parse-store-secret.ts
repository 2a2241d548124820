import { ConfigError } from "@cmp/core";

/** How to make a valid secret; every message about a missing or bad secret says it. */
export const STORE_SECRET_HINT = "Make one with: openssl rand -base64 32";

/**
 * Reads the store secret (`CMP_STORE_SECRET`): exactly 32 bytes, written as 64 hex digits or as base64
 * (standard or url-safe, padding optional). Anything else is a `ConfigError` whose message says how to
 * make one; the message never echoes the value.
 */
export function parseStoreSecret(text: string): Uint8Array {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return new Uint8Array(Buffer.from(value, "hex"));
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return new Uint8Array(bytes);
  }
  throw new ConfigError(
    `The store secret must be 32 bytes written as base64 or as 64 hex digits (got ${value.length} characters). ${STORE_SECRET_HINT}`,
  );
}
