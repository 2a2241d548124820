import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The built server's CLI (`cmp-server`), which the suite runs as a child process. */
export const SERVER_CLI_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../apps/server/dist/cli.js",
);

/** How a child server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** `CMP_HOME` (and `HOME`, so nothing outside it is touched). */
  home: string;
  /** `CMP_*` variables and any other environment; `undefined` values are left out. */
  env?: Record<string, string | undefined>;
  /** CLI arguments. Default `["serve"]`. */
  args?: string[];
  /** Run as this user and group (root only), e.g. to make permissions bite. */
  uid?: number;
  gid?: number;
  /** Limit files the process writes to this many KiB (`ulimit -f`): writes beyond fail like a full disk. */
  fileSizeLimitKiB?: number;
  /** Start with this umask (e.g. `0o000`, to prove file modes do not depend on it). */
  umask?: number;
  /** Give up waiting for the `listening on` line after this long. Default 20 s. */
  startTimeoutMs?: number;
}

/** A running `cmp-server serve` child process. */
export interface ServerProcess {
  /** `http://HOST:PORT` from the `listening on` line. */
  baseUrl: string;
  host: string;
  port: number;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** True until the process exits. */
  isRunning(): boolean;
  /** Resolves when the process exits. */
  exited: Promise<ProcessExit>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** SIGKILL now. */
  kill(): Promise<ProcessExit>;
}

const IGNORE_SIGXFSZ = resolve(dirname(fileURLToPath(import.meta.url)), "ignore-sigxfsz.cjs");
const LISTENING = /listening on (http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+))/;

function childEnv(options: ServerProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: options.home,
    CMP_HOME: options.home,
    CMP_PORT: "0",
    CMP_LOG_LEVEL: "debug",
    CMP_INSTRUCTIONS_FETCH: "off",
    NODE_ENV: "production",
    NO_COLOR: "1",
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function spawnServer(options: ServerProcessOptions): ChildProcess {
  const preload = options.fileSizeLimitKiB === undefined ? [] : ["--require", IGNORE_SIGXFSZ];
  const args = [...preload, SERVER_CLI_PATH, ...(options.args ?? ["serve"])];
  const common = {
    env: childEnv(options),
    stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"],
    cwd: options.home,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  };
  if (options.fileSizeLimitKiB === undefined && options.umask === undefined)
    return spawn(process.execPath, args, common);
  const quoted = [process.execPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const limits = [
    ...(options.fileSizeLimitKiB === undefined ? [] : [`ulimit -f ${options.fileSizeLimitKiB}`]),
    ...(options.umask === undefined ? [] : [`umask ${options.umask.toString(8).padStart(3, "0")}`]),
  ];
  return spawn("/bin/sh", ["-c", `${limits.join(" && ")} && exec ${quoted}`], common);
}

/**
 * Starts the built server as a child process on a free loopback port and resolves once it printed
 * `listening on http://HOST:PORT`. Its stdout and stderr are captured for the secret scan.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawnServer(options);
  const chunks: string[] = [];
  const output = () => chunks.join("");
  let running = true;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once("exit", (code, signal) => {
      running = false;
      resolveExit({ code, signal });
    });
  });
  const listening = new Promise<RegExpExecArray>((resolveListen, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `server did not print "listening on" within ${options.startTimeoutMs ?? 20_000} ms:\n${output()}`,
        ),
      );
    }, options.startTimeoutMs ?? 20_000);
    let listened = false;
    const onData = (data: Buffer) => {
      chunks.push(data.toString("utf8"));
      if (listened) return;
      const match = LISTENING.exec(output());
      if (match) {
        listened = true;
        clearTimeout(timer);
        resolveListen(match);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${exit.code ?? exit.signal}) before listening:\n${output()}`));
    });
  });
  const match = await listening;
  const stop = async (graceMs = 10_000): Promise<ProcessExit> => {
    if (!running) return exited;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
  return {
    baseUrl: match[1]!,
    host: match[2]!.replace(/^\[|\]$/g, ""),
    port: Number(match[3]),
    pid: child.pid ?? -1,
    output,
    isRunning: () => running,
    exited,
    stop,
    kill: async () => {
      if (running) child.kill("SIGKILL");
      return exited;
    },
  };
}
