import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

/** True when a `tmux` binary is on the PATH. */
export async function hasTmux(): Promise<boolean> {
  try {
    await run("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
}

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/** A program running in its own tmux server (private socket), so tests never touch the user's tmux. */
export interface TmuxSession {
  /** The visible pane as plain text. */
  capture(): Promise<string>;
  /** The pane with its scrollback (finished requests scroll up there). */
  captureAll(): Promise<string>;
  /** Sends keys (tmux key names such as `Enter`, `Escape`, `Down`, or literal text with `literal`). */
  send(keys: string, options?: { literal?: boolean }): Promise<void>;
  /** Polls the visible pane until `test` accepts it; throws with the last screen after `timeoutMs`. */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Resizes the window (the program gets SIGWINCH). */
  resize(columns: number, rows: number): Promise<void>;
  /** True once the program in the pane has exited. */
  exited(): Promise<boolean>;
  /** Kills the tmux server and everything in it. Safe to call twice. */
  kill(): Promise<void>;
}

/** Starts `command` with `env` in a detached tmux session of `columns`×`rows`. */
export async function startTmuxSession(options: {
  command: string[];
  env: Record<string, string>;
  columns: number;
  rows: number;
}): Promise<TmuxSession> {
  const socket = `cmp-tui-e2e-${process.pid}-${randomBytes(4).toString("hex")}`;
  const target = "tui";
  const env = { ...process.env, LANG: process.env["LANG"] || "C.UTF-8" };
  const tmux = (args: string[]) =>
    run("tmux", ["-u", "-L", socket, "-f", "/dev/null", ...args], { timeout: 10_000, env });
  const assignments = Object.entries(options.env).map(([name, value]) => `${name}=${quote(value)}`);
  const shellCommand = ["exec", "env", ...assignments, ...options.command.map(quote)].join(" ");
  await tmux([
    "new-session",
    "-d",
    "-s",
    target,
    "-x",
    String(options.columns),
    "-y",
    String(options.rows),
    shellCommand,
  ]);
  await tmux(["set-option", "-t", target, "remain-on-exit", "on"]).catch(() => {});
  let killed = false;
  const session: TmuxSession = {
    async capture() {
      return (await tmux(["capture-pane", "-p", "-t", target])).stdout;
    },
    async captureAll() {
      return (await tmux(["capture-pane", "-p", "-S", "-", "-t", target])).stdout;
    },
    async send(keys, { literal = false } = {}) {
      await tmux(["send-keys", "-t", target, ...(literal ? ["-l"] : []), keys]);
    },
    async waitFor(test, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let screen = "";
      while (Date.now() < deadline) {
        screen = await session.capture();
        if (test(screen)) return screen;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
    },
    async resize(columns, rows) {
      await tmux(["resize-window", "-t", target, "-x", String(columns), "-y", String(rows)]);
    },
    async exited() {
      return (await tmux(["display-message", "-p", "-t", target, "#{pane_dead}"])).stdout.trim() === "1";
    },
    async kill() {
      if (killed) return;
      killed = true;
      await tmux(["kill-server"]).catch(() => {});
    },
  };
  return session;
}
