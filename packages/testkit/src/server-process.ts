import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, statSync } from "node:fs";
import { signalGroup } from "./process-registry.js";
import { type NodeProcessOptions, spawnNode } from "./spawn-node.js";
import { TestkitError } from "./testkit-error.js";

/** How a child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions extends NodeProcessOptions {
  /**
   * Send stdout and stderr straight to this file (appended) instead of through pipes to the test
   * process, e.g. for a benchmark whose driver must not spend CPU on the server's logs. The
   * `listening on` line is then found by reading the file.
   */
  logFile?: string;
  /** Give up (and kill the process) when no `listening on` line came after this long. Default 30 s. */
  startTimeoutMs?: number;
}

/** Options of {@link ServerProcess.stop}. */
export interface StopOptions {
  /** Default `SIGTERM`, which lets the server drain in-flight requests. */
  signal?: NodeJS.Signals;
  /** SIGKILL the group when it has not exited after this long. Default 10 s. */
  graceMs?: number;
}

/** A server running as a child process, found listening. */
export interface ServerProcess {
  /** `http://HOST:PORT` from the `listening on` line. */
  url: string;
  /** The host of {@link url}, without IPv6 brackets. */
  host: string;
  port: number;
  pid: number;
  /** Everything the process wrote so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  /** Its stdout so far (with `logFile`: the whole file, as for {@link output}). */
  stdout(): string;
  /** Its stderr so far (with `logFile`: the whole file, as for {@link output}). */
  stderr(): string;
  /** True until the process exits. */
  isRunning(): boolean;
  /** How it exited, or `null` while it runs. */
  exitStatus(): ProcessExit | null;
  /** Resolves when the process exits. */
  exited: Promise<ProcessExit>;
  /** Signals the process group (default SIGTERM), SIGKILLs it after `graceMs`; resolves with the exit. Safe to call twice. */
  stop(options?: StopOptions): Promise<ProcessExit>;
  /** SIGKILLs the process group now. */
  kill(): Promise<ProcessExit>;
}

const LISTENING = /listening on (http:\/\/(\[[^\]]+\]|[^\s:/"',]+):(\d+))/;
const POLL_MS = 50;

/** Captured output of a child, from its pipes or from its log file. */
interface OutputCapture {
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Calls `listener` after new output arrived (pipes) or every poll interval (file). */
  onChange(listener: () => void): () => void;
}

function capturePipes(child: ChildProcess): OutputCapture {
  let all = "";
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    all += text;
    out += text;
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    all += text;
    err += text;
    for (const listener of listeners) listener();
  });
  return {
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function captureFile(path: string, from: number): OutputCapture {
  const read = () => {
    try {
      return readFileSync(path).subarray(from).toString("utf8");
    } catch {
      return "";
    }
  };
  return {
    output: read,
    stdout: read,
    stderr: read,
    onChange(listener) {
      const timer = setInterval(listener, POLL_MS);
      return () => clearInterval(timer);
    },
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function describeExit(exit: ProcessExit): string {
  return String(exit.code ?? exit.signal);
}

/**
 * Starts a server (by default `node entry serve`) as a child process in its own process group and
 * resolves once it printed `listening on http://HOST:PORT`. Use port `0` in its environment so it picks
 * a free port. If it exits first or stays silent past `startTimeoutMs`, the group is killed and the
 * promise rejects with a `TestkitError` (`TESTKIT_PROCESS_EXITED` / `TESTKIT_PROCESS_TIMEOUT`) whose
 * message ends with the output. A process the test forgets to stop is killed when the test process
 * exits or is interrupted.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const runOptions = { ...options, args: options.args ?? ["serve"] };
  let child: ChildProcess;
  let capture: OutputCapture;
  if (options.logFile === undefined) {
    child = spawnNode(runOptions, ["ignore", "pipe", "pipe"]);
    capture = capturePipes(child);
  } else {
    const from = sizeOf(options.logFile);
    const fd = openSync(options.logFile, "a");
    try {
      child = spawnNode(runOptions, ["ignore", fd, fd]);
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(fd);
    }
    capture = captureFile(options.logFile, from);
  }

  let exit: ProcessExit | null = null;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      // Anything the server started and left behind goes with it.
      signalGroup(child, "SIGKILL");
      resolve(exit);
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));

  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      outcome();
    };
    const check = () => {
      const found = LISTENING.exec(capture.output());
      if (found) finish(() => resolve(found));
    };
    const stopWatching = capture.onChange(check);
    const timer = setTimeout(() => {
      finish(() => {
        signalGroup(child, "SIGKILL");
        void exited.then(() =>
          reject(
            new TestkitError(
              "TESTKIT_PROCESS_TIMEOUT",
              `server printed no "listening on" line within ${startTimeoutMs} ms:\n${capture.output()}`,
            ),
          ),
        );
      });
    }, startTimeoutMs);
    void exited.then(async (ended) => {
      check();
      if (settled) return;
      // Let the pipes drain, so the message carries the server's last words.
      await new Promise((r) => setTimeout(r, POLL_MS * 2));
      finish(() =>
        reject(
          new TestkitError(
            "TESTKIT_PROCESS_EXITED",
            `server exited (${describeExit(ended)}) before printing "listening on":\n${capture.output()}`,
          ),
        ),
      );
    });
    void spawnError.then((error) =>
      finish(() =>
        reject(
          new TestkitError("TESTKIT_PROCESS_EXITED", `server could not start: ${error.message}`, {
            cause: error,
          }),
        ),
      ),
    );
  });

  const stop = async ({ signal = "SIGTERM", graceMs = 10_000 }: StopOptions = {}): Promise<ProcessExit> => {
    if (exit !== null) return exit;
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    url: match[1] ?? "",
    host: (match[2] ?? "").replace(/^\[|\]$/g, ""),
    port: Number(match[3]),
    pid: child.pid ?? -1,
    output: capture.output,
    stdout: capture.stdout,
    stderr: capture.stderr,
    isRunning: () => exit === null,
    exitStatus: () => exit,
    exited,
    stop,
    kill: () => stop({ signal: "SIGKILL" }),
  };
}
