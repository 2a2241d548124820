import { isDeepStrictEqual } from "node:util";
import { Keyv, type KeyvStoreAdapter } from "keyv";
import type { SecretBox } from "./secret-box.js";

/** What a namespace holds: plain values, or secrets sealed with the store secret. */
export type NamespaceKind = "kv" | "secret";

/**
 * The Keyv of one namespace over `adapter`. Keys are passed through as they are (`useKeyPrefix: false`):
 * the adapter alone places them (the Redis adapter under `namespace`, the memory and file adapters in
 * their own map or folder), so there is one key layout, documented in the README. Errors reject the call
 * (`throwOnErrors`) instead of reading as "absent". A secret namespace seals each serialized entry (the
 * value and its expiry) with `box`; without a box (an embedded store without a secret) it stores JSON.
 */
export function createNamespaceKeyv(
  adapter: KeyvStoreAdapter,
  namespace: string,
  kind: NamespaceKind,
  box: SecretBox | null,
): Keyv {
  const keyv =
    kind === "secret"
      ? new Keyv({
          store: adapter,
          namespace,
          useKeyPrefix: false,
          throwOnErrors: true,
          serialize: (data) => (box ? box.seal(JSON.stringify(data)) : JSON.stringify(data)),
          deserialize: (text) => JSON.parse(box ? box.open(text) : text),
        })
      : new Keyv({ store: adapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  // Keyv re-emits its store's errors; the store reports them through `onError` and rejected calls.
  keyv.on("error", () => undefined);
  return keyv;
}

/**
 * True when `current` (as read from `keyv`) equals `expected` as `keyv` would store it: `expected` is
 * passed through the namespace's own serializer first, so `{ a: undefined }` equals `{}` and a `Date`
 * equals its ISO string, exactly as a read after a write would see them.
 */
export async function isStoredValueEqual(keyv: Keyv, current: unknown, expected: unknown): Promise<boolean> {
  if (expected === undefined || current === undefined) return expected === current;
  const stored = await keyv.serializeData({ value: expected });
  const normalized = await keyv.deserializeData(stored);
  return isDeepStrictEqual(current, normalized?.value);
}
