import { signalGroup } from "./process-registry.js";
import type { ProcessExit } from "./server-process.js";
import { type NodeProcessOptions, spawnNode } from "./spawn-node.js";

/** Options of {@link runServerProcess}. */
export interface RunServerProcessOptions extends NodeProcessOptions {
  /** SIGKILL the process group when it is still running after this long. Default 30 s. */
  timeoutMs?: number;
}

/** How a {@link runServerProcess} run ended, with everything it printed. */
export interface ServerRun extends ProcessExit {
  stdout: string;
  stderr: string;
  /** True when the run was killed at `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Runs a server command (by default `node entry serve`) to its end and resolves with its exit and
 * output: for start-up failures and one-shot subcommands (`status`, `logout`). The process group is
 * killed at `timeoutMs`, so a server that starts after all cannot hang the test.
 */
export async function runServerProcess(options: RunServerProcessOptions): Promise<ServerRun> {
  const child = spawnNode({ ...options, args: options.args ?? ["serve"] }, ["ignore", "pipe", "pipe"]);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  // Anything the server started and left behind goes with it.
  child.once("exit", () => signalGroup(child, "SIGKILL"));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child, "SIGKILL");
  }, options.timeoutMs ?? 30_000);
  try {
    // 'close' comes after 'exit' once both pipes are drained, so the output is complete.
    const exit = await new Promise<ProcessExit>((resolve) => {
      child.once("close", (code, signal) => resolve({ code, signal }));
      child.once("error", () => resolve({ code: null, signal: null }));
    });
    return { ...exit, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
