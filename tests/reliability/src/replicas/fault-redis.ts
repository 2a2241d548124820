import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectTestRedis, findFreePort, type RedisReply, type TestRedisClient } from "@cmp/testkit";

/** An error reply of Redis (`-ERR …`). */
export interface RespError {
  error: string;
}

/** A reply of {@link redisCommand}: what Redis answered, with an error reply as a value. */
export type RespValue = RedisReply | RespError;

const withClient = async <T>(
  port: number,
  timeoutMs: number,
  use: (client: TestRedisClient) => Promise<T>,
) => {
  const client = await connectTestRedis(`redis://127.0.0.1:${port}`, timeoutMs);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
};

/**
 * Sends one command to the Redis on `127.0.0.1:port` over a connection of its own and resolves with the
 * reply (an error reply is a {@link RespError} value); rejects when the connection fails or no reply came
 * within `timeoutMs`. A test's own view of Redis, independent of the server's client.
 */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 5_000): Promise<RespValue> {
  return withClient(port, timeoutMs, async (client) => {
    try {
      return await client.command(...args);
    } catch (error) {
      // An error reply is an answer; a connection failure (no `ErrorReply`) stays a rejection.
      if (error instanceof Error && error.constructor.name.endsWith("ErrorReply"))
        return { error: error.message };
      throw error;
    }
  });
}

const isError = (value: RespValue): value is RespError =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A string value (`GET`), or `null` when the key does not exist. Throws on an error reply. */
export async function redisGet(port: number, key: string): Promise<string | null> {
  const value = await redisCommand(port, ["GET", key]);
  if (isError(value)) throw new Error(`redis GET: ${value.error}`);
  return typeof value === "string" ? value : null;
}

/** The remaining lease of a key in ms (`PTTL`): -2 when it does not exist, -1 without expiry. */
export async function redisPttl(port: number, key: string): Promise<number> {
  const value = await redisCommand(port, ["PTTL", key]);
  if (typeof value !== "number") throw new Error(`redis PTTL: unexpected reply ${String(value)}`);
  return value;
}

/** The key names matching `pattern` (`KEYS`: fine for a test's small database), sorted. */
export async function redisKeys(port: number, pattern: string): Promise<string[]> {
  const value = await redisCommand(port, ["KEYS", pattern]);
  if (!Array.isArray(value)) throw new Error(`redis KEYS: unexpected reply ${String(value)}`);
  return value.map((item) => String(item)).sort();
}

/**
 * Every key matching `pattern` with its exact stored bytes: string values as text (`GET`), others as
 * their serialized form (`DUMP`, hex). Two snapshots are equal when nothing under the pattern changed.
 */
export async function redisSnapshot(port: number, pattern: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const key of await redisKeys(port, pattern)) {
    const type = await redisCommand(port, ["TYPE", key]);
    if (type === "string") {
      snapshot[key] = `string:${(await redisGet(port, key)) ?? "(gone)"}`;
    } else {
      const dumped = await withClient(port, 5_000, (client) => client.commandBytes("DUMP", key));
      snapshot[key] = `${String(type)}:${dumped === null ? "(gone)" : dumped.toString("hex")}`;
    }
  }
  return snapshot;
}

/** A `redis-server` that keeps its data (append-only file) in one folder across a stop and a start. */
export interface PersistentRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** The data folder, kept across {@link stop} and {@link start}. */
  readonly dir: string;
  /** The PID of the running server, or `undefined` while stopped. */
  pid(): number | undefined;
  isRunning(): boolean;
  /**
   * Stops the server as an operator or a crash-free restart does: SIGTERM (Redis flushes the append-only
   * file and exits), SIGKILL if it is still there after 10 s. The data folder stays.
   */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder, and waits until it has loaded its data and answers. */
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing (a frozen or partitioned Redis). */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  /** Stops the server and removes its folder. Safe to call twice. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A Redis this file started must not outlive the test process, whatever ends it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) {
      try {
        if (child.pid !== undefined) {
          process.kill(child.pid, "SIGCONT");
          process.kill(child.pid, "SIGKILL");
        }
      } catch {
        // already gone
      }
    }
  });
}

/** Resolves once the server on `port` is `pid` (its `INFO` says so) and has loaded its data. */
async function waitUntilReady(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    const info = await redisCommand(port, ["INFO"], 1_000).catch(() => null);
    if (typeof info === "string") {
      const text = info;
      const pid = /process_id:(\d+)\r\n/.exec(text);
      if (pid && Number(pid[1]) === child.pid && /\r\nloading:0\r\n/.test(text)) return;
    }
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function spawnRedis(port: number, dir: string): ChildProcess {
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      // Every write reaches the append-only file before Redis answers it: what a client saw is what a
      // restarted Redis has. No RDB snapshots (the append-only file alone is loaded at start).
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--save",
      "",
      "--daemonize",
      "no",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.on("error", () => undefined);
  child.stderr?.resume();
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(pid, "SIGCONT");
    process.kill(pid, "SIGTERM");
  } catch {
    // exited meanwhile
  }
  const killTimer = setTimeout(() => {
    try {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }, 10_000);
  await exited;
  clearTimeout(killTimer);
}

/**
 * Starts `redis-server` on a free loopback port with an append-only file in a private temp folder
 * (`--appendonly yes --appendfsync always`), so that {@link PersistentRedis.stop} and
 * {@link PersistentRedis.start} are a real Redis restart that keeps its data, unlike the test kit's
 * `startRedisServer`, which runs without persistence and removes its folder on stop.
 */
export async function startPersistentRedis(): Promise<PersistentRedis> {
  installExitHook();
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await findFreePort();
    const dir = mkdtempSync(join(tmpdir(), "cmp-rel-redis-"));
    const first = spawnRedis(port, dir);
    try {
      await waitUntilReady(port, first, 20_000);
    } catch (error) {
      lastError = error;
      await stopChild(first);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    let child: ChildProcess | undefined = first;
    let closed = false;
    const isRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;
    const signal = (name: NodeJS.Signals) => {
      if (child?.pid !== undefined && isRunning()) process.kill(child.pid, name);
    };
    const redis: PersistentRedis = {
      port,
      url: `redis://127.0.0.1:${port}`,
      dir,
      pid: () => (isRunning() ? child?.pid : undefined),
      isRunning,
      async stop() {
        if (child) await stopChild(child);
        child = undefined;
      },
      async start() {
        if (closed) throw new Error("this redis-server was closed");
        if (isRunning()) return;
        const next = spawnRedis(port, dir);
        child = next;
        try {
          await waitUntilReady(port, next, 30_000);
        } catch (error) {
          await stopChild(next);
          child = undefined;
          throw error;
        }
      },
      freeze: () => signal("SIGSTOP"),
      thaw: () => signal("SIGCONT"),
      async close() {
        if (closed) return;
        closed = true;
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return redis;
  }
  throw new Error(`could not start redis-server: ${String(lastError)}`);
}
