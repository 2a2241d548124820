import { createHash } from "node:crypto";

/**
 * The part of a `@cmp/store` namespace (a Keyv) that the server's state keeps a shared copy in, when
 * several replicas share one store (`CMP_STORE_URL`). Every method may reject (the store is down):
 * callers treat that as a miss and never fail a request for it.
 */
export interface SharedMap {
  get(key: string): Promise<unknown>;
  getMany?(keys: string[]): Promise<unknown[]>;
  /** `ttlMs` undefined: no expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

/** Where a failed shared read or write is reported (a debug log line); it is never a request's error. */
export type SharedFailure = (error: unknown, doing: string) => void;

/**
 * A fixed-length key for a shared map from parts that may be long or client-chosen (a call id, a
 * prompt cache key): the store's keys stay short, printable and free of anything a client sent.
 */
export function sharedKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url");
}
