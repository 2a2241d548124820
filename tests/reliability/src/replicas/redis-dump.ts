import { createDecipheriv } from "node:crypto";
import { connectTestRedis, type RedisReply } from "@cmp/testkit";

/** One Redis key with its type and its whole value as text (collections as JSON). */
export interface RedisEntry {
  key: string;
  type: string;
  value: string;
}

function asText(value: RedisReply): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The command that reads a whole value of each Redis type. */
const READ_BY_TYPE: Record<string, (key: string) => string[]> = {
  string: (key) => ["GET", key],
  hash: (key) => ["HGETALL", key],
  list: (key) => ["LRANGE", key, "0", "-1"],
  set: (key) => ["SMEMBERS", key],
  zset: (key) => ["ZRANGE", key, "0", "-1", "WITHSCORES"],
  stream: (key) => ["XRANGE", key, "-", "+"],
};

/**
 * Every key matching `match` (SCAN, the whole keyspace of database 0) with its type and value. A key
 * that expires between the scan and the read is left out; a type this function cannot read is kept
 * with an empty value and its type, so the caller sees it.
 */
export async function dumpRedis(port: number, match = "*"): Promise<RedisEntry[]> {
  const client = await connectTestRedis(`redis://127.0.0.1:${port}`);
  try {
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const reply = await client.command("SCAN", cursor, "MATCH", match, "COUNT", "500");
      if (!Array.isArray(reply) || typeof reply[0] !== "string" || !Array.isArray(reply[1])) {
        throw new Error(`unexpected SCAN reply ${asText(reply)}`);
      }
      cursor = reply[0];
      for (const key of reply[1]) if (typeof key === "string") keys.add(key);
    } while (cursor !== "0");
    const entries: RedisEntry[] = [];
    for (const key of [...keys].sort()) {
      const type = await client.command("TYPE", key);
      if (type === "none") continue;
      const read = READ_BY_TYPE[String(type)];
      const value = read === undefined ? "" : asText(await client.command(...read(key)));
      entries.push({ key, type: String(type), value });
    }
    return entries;
  } finally {
    await client.close();
  }
}

/**
 * Opens a `v1.<iv>.<tag>.<ciphertext>` envelope (AES-256-GCM, base64url parts) of `@cmp/store` with
 * the deployment's `CMP_STORE_SECRET` (base64): what an operator holding the secret could read.
 */
export function openSealedValue(envelope: string, secretBase64: string): string {
  const [version, iv, tag, body, ...rest] = envelope.split(".");
  if (version !== "v1" || iv === undefined || tag === undefined || body === undefined || rest.length > 0) {
    throw new Error("not a v1 envelope");
  }
  const decipher = createDecipheriv(
    "aes-256-gcm",
    Buffer.from(secretBase64, "base64"),
    Buffer.from(iv, "base64url"),
  );
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
