import { connectTestRedis, type RedisReply } from "@cmp/testkit";

/** A Redis reply as {@link RawRedis.command} resolves it (an error reply rejects instead). */
export type RespReply = RedisReply;

/**
 * A plain Redis connection for tests that look at what a store wrote, past the store (the tests must
 * not trust the store to report what it stored): the test kit's `connectTestRedis` with the reads
 * these suites repeat.
 */
export interface RawRedis {
  command(...args: string[]): Promise<RespReply>;
  /** The keys matching `pattern`, sorted. */
  keys(pattern: string): Promise<string[]>;
  get(key: string): Promise<string | null>;
  /** Every key matching `pattern` with its value (`GET`), for before/after comparisons. */
  dump(pattern: string): Promise<Record<string, string | null>>;
  close(): void;
}

/** Connects to the Redis at `url` (`redis://host:port`, no auth). */
export async function connectRawRedis(url: string): Promise<RawRedis> {
  const client = await connectTestRedis(url);
  const keys = async (pattern: string) => {
    const reply = await client.command("KEYS", pattern);
    return (Array.isArray(reply) ? reply : []).map(String).sort();
  };
  const get = async (key: string) => {
    const reply = await client.command("GET", key);
    return reply === null ? null : String(reply);
  };
  return {
    command: (...args) => client.command(...args),
    keys,
    get,
    dump: async (pattern) => {
      const entries: Record<string, string | null> = {};
      for (const key of await keys(pattern)) entries[key] = await get(key);
      return entries;
    },
    close: () => void client.close(),
  };
}
