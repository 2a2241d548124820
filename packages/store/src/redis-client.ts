import { createClient } from "@redis/client";
import { StoreUnavailableError } from "./store-unavailable-error.js";
import { withDeadline } from "./with-deadline.js";

/** The longest pause between two reconnection attempts. */
const LONGEST_RECONNECT_MS = 2_000;

function newClient(url: string, commandTimeoutMs: number) {
  return createClient({
    url,
    // A command sent while the connection is down fails at once (`StoreUnavailableError`) instead of
    // waiting in a queue for a Redis that may never come back.
    disableOfflineQueue: true,
    // Every command has a deadline, so a Redis that stopped answering cannot hang a request.
    commandOptions: { timeout: commandTimeoutMs },
    socket: {
      connectTimeout: commandTimeoutMs,
      // Reconnect forever, backing off to 2 s: the store must come back by itself after a Redis restart.
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** Math.min(retries, 10), LONGEST_RECONNECT_MS) + Math.floor(Math.random() * 100),
    },
  });
}

/** The Redis client of a store (node-redis, the client `@keyv/redis` is built on). */
export type RedisClient = ReturnType<typeof newClient>;

/**
 * Creates a client for `url`, reports its connection errors to `onError` (a client without an `error`
 * listener would crash the process), and connects it within `commandTimeoutMs`; otherwise the client is
 * destroyed and the call rejects with `StoreUnavailableError`.
 */
export async function connectRedis(
  url: string,
  commandTimeoutMs: number,
  onError: (error: Error) => void,
  what = "Redis",
): Promise<RedisClient> {
  return connectClient(newClient(url, commandTimeoutMs), commandTimeoutMs, onError, what);
}

/** Connects `client` as {@link connectRedis} does (used for the pub/sub duplicate too). */
export async function connectClient(
  client: RedisClient,
  commandTimeoutMs: number,
  onError: (error: Error) => void,
  what: string,
): Promise<RedisClient> {
  client.on("error", onError);
  // Each namespace's Keyv adapter adds its own listeners; their number is bounded by the namespaces.
  client.setMaxListeners(0);
  try {
    await withDeadline(client.connect(), commandTimeoutMs, `${what} (connecting)`);
    return client;
  } catch (cause) {
    try {
      client.destroy();
    } catch {
      // Never opened: nothing to end.
    }
    if (StoreUnavailableError.isInstance(cause)) throw cause;
    throw new StoreUnavailableError(`Cannot connect to ${what} (${describeRedisError(cause)}).`, { cause });
  }
}

/** A short description of a Redis client error for messages: its class and text, never a value. */
export function describeRedisError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
