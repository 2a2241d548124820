import { ConfigError } from "@cmp/core";
import { EmbeddedStore } from "./embedded-store.js";
import { STORE_SECRET_HINT } from "./parse-store-secret.js";
import { createSecretBox } from "./secret-box.js";
import { assertSafeName } from "./store-name.js";
import type { CreateStoreOptions, Store } from "./store-types.js";

/** The key prefix when none is given. */
export const DEFAULT_STORE_PREFIX = "cmp";
/** The time limit of one Redis command when none is given. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/**
 * Creates a store: embedded without `url`, on Redis for `redis://` and `rediss://` URLs (connected
 * before this resolves). Rejects with `ConfigError` for another scheme, a malformed URL, a Redis store
 * without `secret` or a secret that is not 32 bytes, and with `StoreUnavailableError` when Redis cannot
 * be reached within `commandTimeoutMs`.
 */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const prefix = options.prefix ?? DEFAULT_STORE_PREFIX;
  assertSafeName("prefix", prefix);
  const box = options.secret === undefined ? null : createSecretBox(options.secret);
  if (options.url === undefined || options.url === "") {
    return new EmbeddedStore({ prefix, box, folder: options.folder });
  }
  let scheme: string;
  try {
    scheme = new URL(options.url).protocol;
  } catch {
    // Never echo the URL: it may hold a password.
    throw new ConfigError("The store URL is not a valid URL; use redis://host:6379 or rediss://host:6380.");
  }
  if (scheme !== "redis:" && scheme !== "rediss:") {
    throw new ConfigError(
      `The store URL scheme "${scheme}" is not supported; use redis:// or rediss:// (or no URL for the embedded store).`,
    );
  }
  if (box === null) {
    throw new ConfigError(
      `A Redis store needs a secret (CMP_STORE_SECRET, 32 bytes) to encrypt logins and keys at rest. ${STORE_SECRET_HINT}`,
    );
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw new ConfigError("commandTimeoutMs must be a positive number of milliseconds.");
  }
  const onError = options.onError ?? (() => undefined);
  // Loaded only here: an embedded store (the default) never loads the Redis client.
  const [{ connectRedis }, { RedisStore }] = await Promise.all([
    import("./redis-client.js"),
    import("./redis-store.js"),
  ]);
  const client = await connectRedis(options.url, commandTimeoutMs, onError);
  return new RedisStore(client, { prefix, box, commandTimeoutMs, onError });
}

/**
 * A store in this process's memory only, made at once (no connection, no folder): what `createStore()`
 * without options gives, for callers that cannot wait for a promise (an app built synchronously, tests).
 */
export function createMemoryStore(options: { prefix?: string; secret?: Uint8Array } = {}): Store {
  const prefix = options.prefix ?? DEFAULT_STORE_PREFIX;
  assertSafeName("prefix", prefix);
  return new EmbeddedStore({
    prefix,
    box: options.secret === undefined ? null : createSecretBox(options.secret),
  });
}
