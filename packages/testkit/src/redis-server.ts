import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A `redis-server` this test file started, on a free loopback port, in a private temp folder. */
export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its folder. Calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * Whether the Redis suites can run: `redis-server` is on PATH. Without it they are skipped with a
 * message, except on CI (`CI` set), where a missing `redis-server` fails the run: `.ci/run` installs it,
 * so its absence there is a broken setup, not a reason to skip the distributed tests.
 */
export function redisServerAvailable(): boolean {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (!found && process.env["CI"]) {
    throw new Error(
      "redis-server is not on PATH, but CI is set: .ci/run must install it (apt-get install redis-server).",
    );
  }
  if (!found)
    console.warn("redis-server is not on PATH: skipping the Redis tests (apt-get install redis-server).");
  return found;
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once the server on `port` answers and is `child` (its `INFO server` names the child's PID:
 * another test's Redis that won a race for the port does not count), or rejects after `timeoutMs`.
 */
async function waitForServer(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      let text = "";
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.on("error", () => done(false));
      socket.on("data", (chunk) => {
        text += chunk.toString("utf8");
        const pid = /process_id:(\d+)\r\n/.exec(text);
        if (pid) done(Number(pid[1]) === child.pid);
        else if (text.startsWith("-")) done(false);
      });
      socket.connect(port, "127.0.0.1", () => socket.write("INFO server\r\n"));
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Options of {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /**
   * This port instead of a free one (to start a stopped server again where its clients reconnect).
   * Not retried elsewhere when taken.
   */
  port?: number;
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1, without persistence, in a private temp folder, and
 * waits for it to answer (`INFO server`, checked to come from this very process). A port taken between the choice and the start is retried with another.
 * Stop it with `stop()` (in `afterAll`), which kills it by its PID.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<TestRedisServer> {
  let lastError: unknown;
  const attempts = options.port === undefined ? 5 : 1;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const port = options.port ?? (await findFreePort());
    const dir = mkdtempSync(join(tmpdir(), "cmp-redis-"));
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--dir",
        dir,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.on("error", () => undefined);
    child.stderr?.resume();
    const pid = child.pid;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null && pid !== undefined) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        process.kill(pid, "SIGTERM");
        const killTimer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
        }, 5_000);
        await exited;
        clearTimeout(killTimer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      if (pid === undefined) throw new Error("redis-server did not start");
      await waitForServer(port, 20_000, child);
      return { url: `redis://127.0.0.1:${port}`, port, pid, stop };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  throw new Error(`could not start redis-server: ${String(lastError)}`);
}
