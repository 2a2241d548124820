// Starts the built server as a child process (node directly, so /proc figures are the
// server's alone) and stops it again.
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const LISTENING = /listening on (http:\/\/[^\s"',]+)/;

/**
 * Spawns `node [nodeArgs] <entry> serve` with `env` added to this process's environment, waits for its
 * `listening on http://HOST:PORT` line, and returns `{ pid, url, stop() }`. Output goes to `logFile`.
 */
export async function startServer({ entry, env, nodeArgs = [], logFile, readyTimeoutMs = 30_000 }) {
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [...nodeArgs, entry, "serve"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", log, log],
  });
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  const until = Date.now() + readyTimeoutMs;
  let url = null;
  while (url === null) {
    if (exited) throw new Error(`the server exited at start (${JSON.stringify(exited)}); see ${logFile}`);
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(
        `the server printed no "listening on" line within ${readyTimeoutMs / 1000} s; see ${logFile}`,
      );
    }
    await sleep(100);
    url = LISTENING.exec(readFileSync(logFile, "utf8"))?.[1] ?? null;
  }
  return {
    pid: child.pid,
    url: url.replace(/\/$/, ""),
    exited: () => exited,
    async stop() {
      if (exited) return exited;
      child.kill("SIGTERM");
      for (let i = 0; i < 100 && !exited; i++) await sleep(50);
      if (!exited) {
        child.kill("SIGKILL");
        for (let i = 0; i < 20 && !exited; i++) await sleep(50);
      }
      return exited;
    },
  };
}
