// The local `redis-server` of the shared-state target (`--store redis`): started with the test kit's
// launcher (free loopback port, private temp folder, `--save "" --appendonly no`, stopped by its PID),
// loaded from its build like server-process.mjs, and a few raw RESP commands to read its counters.
import { spawnSync } from "node:child_process";
import { Socket } from "node:net";

const { startRedisServer } = await import(
  new URL("../../packages/testkit/dist/index.js", import.meta.url).href
);

/** Whether `redis-server` is on PATH. */
export function redisServerOnPath() {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Starts a private `redis-server`; resolves to `{ url, port, pid, stop() }`. */
export function startLocalRedis() {
  return startRedisServer();
}

const encode = (args) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join("")}`;

/** Parses one RESP reply of a simple kind (+, -, :, $) from `buf`; `undefined` while incomplete. */
function parseReply(buf) {
  const eol = buf.indexOf("\r\n");
  if (eol === -1) return undefined;
  const head = buf.subarray(0, eol).toString("utf8");
  const kind = head[0];
  if (kind === "+" || kind === ":") return head.slice(1);
  if (kind === "-") return new Error(head.slice(1));
  if (kind === "$") {
    const len = Number(head.slice(1));
    if (len < 0) return null;
    if (buf.length < eol + 2 + len + 2) return undefined;
    return buf.subarray(eol + 2, eol + 2 + len).toString("utf8");
  }
  return new Error(`unexpected RESP reply: ${head.slice(0, 80)}`);
}

/** Sends one command to the Redis on 127.0.0.1:`port` over a fresh connection and resolves its reply. */
export function redisCommand(port, args, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buf = Buffer.alloc(0);
    const finish = (error, value) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${args[0]}: no reply in ${timeoutMs} ms`)));
    socket.on("error", (error) => finish(error));
    socket.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const reply = parseReply(buf);
      if (reply instanceof Error) finish(reply);
      else if (reply !== undefined) finish(null, reply);
    });
    socket.connect(port, "127.0.0.1", () => socket.write(encode(args)));
  });
}

/**
 * Calls per command since start (`INFO commandstats`), without the `info` calls this module makes.
 * Resolves to `{ [command]: calls }`, or `null` when Redis does not answer.
 */
export async function commandCalls(port) {
  try {
    const text = await redisCommand(port, ["INFO", "commandstats"]);
    const calls = {};
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (match[1] !== "info") calls[match[1]] = Number(match[2]);
    }
    return calls;
  } catch {
    return null;
  }
}

/** The calls per command between two {@link commandCalls} readings, and their total. */
export function callsBetween(before, after) {
  if (!before || !after) return null;
  const byCommand = {};
  let total = 0;
  for (const [command, calls] of Object.entries(after)) {
    const n = calls - (before[command] ?? 0);
    if (n > 0) {
      byCommand[command] = n;
      total += n;
    }
  }
  return { total, byCommand };
}

/** How many keys the Redis on `port` holds (a private Redis: all of them are the server's). */
export async function dbSize(port) {
  return Number(await redisCommand(port, ["DBSIZE"]));
}
