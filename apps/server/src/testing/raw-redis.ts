import { Socket } from "node:net";

/** A Redis reply as {@link RawRedis.command} resolves it (an error reply rejects instead). */
export type RespReply = string | number | null | RespReply[];

/**
 * A bare Redis connection for tests that look at what a store wrote, past the store (the server has no
 * Redis client of its own, and its tests must not trust the store to report what it stored).
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

interface Parsed {
  value: RespReply;
  error?: string;
  end: number;
}

/** Parses one RESP2 reply starting at `start`, or `null` while it is incomplete. */
function parse(buffer: Buffer, start: number): Parsed | null {
  const lineEnd = buffer.indexOf("\r\n", start);
  if (lineEnd < 0) return null;
  const kind = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString("utf8", start + 1, lineEnd);
  const after = lineEnd + 2;
  switch (kind) {
    case "+":
      return { value: line, end: after };
    case "-":
      return { value: null, error: line, end: after };
    case ":":
      return { value: Number(line), end: after };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, end: after };
      if (buffer.length < after + length + 2) return null;
      return { value: buffer.toString("utf8", after, after + length), end: after + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, end: after };
      const items: RespReply[] = [];
      let position = after;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, position);
        if (item === null) return null;
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(kind)}`);
  }
}

function encode(args: string[]): string {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return text;
}

/** Connects to the Redis at `url` (`redis://host:port`, no auth). */
export async function connectRawRedis(url: string): Promise<RawRedis> {
  const { hostname, port } = new URL(url);
  const socket = new Socket();
  let buffer = Buffer.alloc(0);
  const waiting: { resolve: (reply: RespReply) => void; reject: (error: Error) => void }[] = [];
  const failAll = (error: Error) => {
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const parsed = parse(buffer, 0);
      if (parsed === null) return;
      buffer = buffer.subarray(parsed.end);
      const waiter = waiting.shift();
      if (parsed.error !== undefined) waiter?.reject(new Error(parsed.error));
      else waiter?.resolve(parsed.value);
    }
  });
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error("the raw Redis connection closed")));
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.connect(Number(port), hostname, () => {
      socket.off("error", reject);
      resolve();
    });
  });

  const command = (...args: string[]) =>
    new Promise<RespReply>((resolve, reject) => {
      waiting.push({ resolve, reject });
      socket.write(encode(args));
    });
  const keys = async (pattern: string) => {
    const reply = await command("KEYS", pattern);
    return (Array.isArray(reply) ? reply : []).map(String).sort();
  };
  const get = async (key: string) => {
    const reply = await command("GET", key);
    return reply === null ? null : String(reply);
  };
  return {
    command,
    keys,
    get,
    dump: async (pattern) => {
      const entries: Record<string, string | null> = {};
      for (const key of await keys(pattern)) entries[key] = await get(key);
      return entries;
    },
    close: () => socket.destroy(),
  };
}
