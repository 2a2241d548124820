import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ServerProcess as KitServerProcess,
  type ServerProcessOptions as KitServerProcessOptions,
  type ProcessExit,
  startServerProcess as startKitServerProcess,
} from "@cmp/testkit";

export type { ProcessExit };

/** The built server's CLI (`cmp-server`), which the suite runs as a child process. */
export const SERVER_CLI_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../apps/server/dist/cli.js",
);

const IGNORE_SIGXFSZ = resolve(dirname(fileURLToPath(import.meta.url)), "ignore-sigxfsz.cjs");

/** Options of {@link startServerProcess}: the test kit's, with this suite's home and defaults. */
export interface ServerProcessOptions
  extends Pick<
    KitServerProcessOptions,
    "args" | "uid" | "gid" | "fileSizeLimitKiB" | "umask" | "startTimeoutMs"
  > {
  /** `CMP_HOME` (and `HOME` and the working directory, so nothing outside it is touched). */
  home: string;
  /** `CMP_*` variables and any other environment; `undefined` values are left out. */
  env?: Record<string, string | undefined>;
}

/** A running `cmp-server serve` child process (the test kit's, with the suite's names). */
export interface ServerProcess extends Omit<KitServerProcess, "stop"> {
  /** `http://HOST:PORT` from the `listening on` line. */
  baseUrl: string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<ProcessExit>;
}

/**
 * Starts the built server with the suite's environment (debug logs, production mode, no colour, no
 * instructions fetch) on a free loopback port, through the test kit's process helper. Its output is
 * kept for the secret scan.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const { home, env = {}, ...rest } = options;
  const server = await startKitServerProcess({
    ...rest,
    entry: SERVER_CLI_PATH,
    cwd: home,
    // Writes beyond `ulimit -f` must fail with EFBIG, not kill the process with SIGXFSZ.
    nodeArgs: options.fileSizeLimitKiB === undefined ? [] : ["--require", IGNORE_SIGXFSZ],
    startTimeoutMs: options.startTimeoutMs ?? 20_000,
    env: {
      PATH: process.env["PATH"],
      HOME: home,
      CMP_HOME: home,
      CMP_PORT: "0",
      CMP_LOG_LEVEL: "debug",
      CMP_INSTRUCTIONS_FETCH: "off",
      NODE_ENV: "production",
      NO_COLOR: "1",
      ...env,
    },
  });
  return { ...server, baseUrl: server.url, stop: (graceMs) => server.stop({ graceMs }) };
}
