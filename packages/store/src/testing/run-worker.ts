import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A worker process of the cross-process tests, with its printed lines. */
export interface Worker {
  readonly child: ChildProcess;
  /** Resolves when the worker printed `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts `src/testing/embedded-worker.ts` with `args` under tsx. */
export function runEmbeddedWorker(args: string[]): Worker {
  const script = fileURLToPath(new URL("./embedded-worker.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    waitFor(line) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (lines.includes(line)) resolve();
          else waiters.push(check);
        };
        void exited.then((code) => {
          if (!lines.includes(line)) reject(new Error(`worker exited (${code}) before printing "${line}"`));
        });
        check();
      });
    },
  };
}
