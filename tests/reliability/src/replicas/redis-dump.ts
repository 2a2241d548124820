import { createDecipheriv } from "node:crypto";
import { connect } from "node:net";

/** A Redis error reply (`-ERR …`). */
export class RespError extends Error {}

/** A RESP2 reply: simple or bulk string, integer, nil, array, or (inside an array) an error. */
export type RespValue = string | number | null | RespError | RespValue[];

/** A minimal Redis connection: one command at a time is enough to read a test's data. */
export interface RespClient {
  command(...args: string[]): Promise<RespValue>;
  close(): Promise<void>;
}

function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, "utf8");
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `offset`; `undefined` when the buffer does not hold all of it yet. */
function parseReply(buffer: Buffer, offset: number): { value: RespValue; next: number } | undefined {
  if (offset >= buffer.length) return undefined;
  const lineEnd = buffer.indexOf("\r\n", offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString("utf8", offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: line, next: after };
    case "-":
      return { value: new RespError(line), next: after };
    case ":":
      return { value: Number(line), next: after };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buffer.length < after + length + 2) return undefined;
      return { value: buffer.toString("utf8", after, after + length), next: after + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buffer, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Connects a bare RESP2 client to Redis on loopback: the test reads exactly what the server wrote,
 * through no library that could decode, decrypt or hide anything.
 */
export async function connectResp(port: number, host = "127.0.0.1"): Promise<RespClient> {
  const socket = connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let buffer = Buffer.alloc(0);
  const waiting: Array<{ resolve: (value: RespValue) => void; reject: (error: Error) => void }> = [];
  const failAll = (error: Error) => {
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(buffer, 0);
      } catch (error) {
        failAll(error as Error);
        socket.destroy();
        return;
      }
      if (parsed === undefined) return;
      buffer = buffer.subarray(parsed.next);
      const waiter = waiting.shift();
      if (waiter === undefined) continue;
      if (parsed.value instanceof RespError) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
  });
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error("Redis connection closed")));
  return {
    command: (...args) =>
      new Promise<RespValue>((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(encodeCommand(args));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once("close", () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 2_000).unref();
      }),
  };
}

/** One Redis key with its type and its whole value as text (collections as JSON). */
export interface RedisEntry {
  key: string;
  type: string;
  value: string;
}

function asText(value: RespValue): string {
  return typeof value === "string"
    ? value
    : JSON.stringify(value, (_k, v) => (v instanceof RespError ? v.message : v));
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
  const client = await connectResp(port);
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
