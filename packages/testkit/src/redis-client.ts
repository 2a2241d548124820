import { createClient, RESP_TYPES } from "@redis/client";

/** A Redis reply as {@link TestRedisClient.command} resolves it (an error reply rejects instead). */
export type RedisReply = string | number | null | RedisReply[];

/**
 * A plain Redis connection for tests that look at what a store wrote, past the store: its own
 * connection, no reconnects, one command at a time, and replies as Redis sent them (no Keyv decoding,
 * no decryption).
 */
export interface TestRedisClient {
  /** Sends one command; bulk strings come back as text. An error reply rejects. */
  command(...args: string[]): Promise<RedisReply>;
  /** Sends one command and returns a bulk string reply as its exact bytes (`DUMP`, binary values). */
  commandBytes(...args: string[]): Promise<Buffer | null>;
  /** Closes the connection (never rejects). */
  close(): Promise<void>;
}

/**
 * Connects to the Redis at `url` (`redis://host:port`) within `timeoutMs`, or rejects. Built on
 * `@redis/client` (the client the store itself uses), without reconnection: a test that stopped Redis
 * sees its commands fail.
 */
export async function connectTestRedis(url: string, timeoutMs = 5_000): Promise<TestRedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: timeoutMs },
    socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
  });
  // Without a listener a connection error would be an uncaught exception; failures reach the caller
  // through the rejected command instead.
  client.on("error", () => undefined);
  await client.connect();
  const bytes = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    command: (...args) => client.sendCommand<RedisReply>(args),
    commandBytes: async (...args) => {
      const reply = await bytes.sendCommand<unknown>(args);
      return Buffer.isBuffer(reply) ? reply : null;
    },
    close: async () => {
      try {
        client.destroy();
      } catch {
        // Already closed.
      }
    },
  };
}
