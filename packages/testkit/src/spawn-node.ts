import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { trackChild } from "./process-registry.js";

/** How to run a Node.js script as a child process (shared by the start and run helpers). */
export interface NodeProcessOptions {
  /** The script Node runs, e.g. the built server CLI (`apps/server/dist/cli.js`). */
  entry: string;
  /** Arguments after the script. */
  args?: readonly string[];
  /** Node options before the script (`--cpu-prof`, `--require x.cjs`, …). */
  nodeArgs?: readonly string[];
  /**
   * The whole environment of the child: nothing is inherited (pass `PATH` and `HOME` if the child needs
   * them). `undefined` values are left out.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory. Default: the current one. */
  cwd?: string;
  /** Run as this user and group (root only), e.g. to make file permissions bite. */
  uid?: number;
  gid?: number;
  /** Limit the size of files the child writes to this many KiB (`ulimit -f`): beyond it writes fail as on a full disk. */
  fileSizeLimitKiB?: number;
  /** Start with this umask (e.g. `0o000`, to prove file modes do not depend on it). */
  umask?: number;
}

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

function cleanEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/**
 * Spawns `node [nodeArgs] entry [args]` in a process group of its own, tracked so that it is killed if
 * the test process ends first. Limits (`ulimit -f`, `umask`) go through `/bin/sh`, which `exec`s Node,
 * so the pid is Node's either way.
 */
export function spawnNode(options: NodeProcessOptions, stdio: StdioOptions): ChildProcess {
  const argv = [...(options.nodeArgs ?? []), options.entry, ...(options.args ?? [])];
  const common = {
    env: cleanEnv(options.env),
    stdio,
    detached: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  };
  const limits = [
    ...(options.fileSizeLimitKiB === undefined ? [] : [`ulimit -f ${Math.trunc(options.fileSizeLimitKiB)}`]),
    ...(options.umask === undefined ? [] : [`umask ${options.umask.toString(8).padStart(3, "0")}`]),
  ];
  const child =
    limits.length === 0
      ? spawn(process.execPath, argv, common)
      : spawn(
          "/bin/sh",
          ["-c", `${limits.join(" && ")} && exec ${[process.execPath, ...argv].map(quote).join(" ")}`],
          common,
        );
  trackChild(child);
  return child;
}
