import { execFile, spawn } from "node:child_process";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root (this file lives in apps/tui/src/e2e). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
/** The built server entry. */
export const serverCli = join(repoRoot, "apps", "server", "dist", "cli.js");
/** The built dashboard entry. */
export const tuiCli = join(repoRoot, "apps", "tui", "dist", "cli.js");

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function newestSourceChange(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

async function isStale(cli: string, sourceDir: string): Promise<boolean> {
  if (!(await exists(cli))) return true;
  return (await newestSourceChange(sourceDir)) > (await stat(cli)).mtimeMs;
}

/**
 * Builds the server (with the packages it needs) when its `dist/cli.js` is missing, and the dashboard
 * when its build is missing or older than its sources, the way `pnpm start` / `pnpm tui` would.
 */
export async function ensureBuilt(): Promise<void> {
  const filters: string[] = [];
  if (!(await exists(serverCli))) filters.push("--filter=@cmp/server...");
  if (await isStale(tuiCli, join(repoRoot, "apps", "tui", "src"))) filters.push("--filter=@cmp/tui...");
  if (filters.length === 0) return;
  await run("pnpm", ["exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"], {
    cwd: repoRoot,
    timeout: 240_000,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
}

/** A running `cmp-server serve`. */
export interface ServerProcess {
  url: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the built server with `env` and waits for its `listening on http://HOST:PORT` line. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [serverCli, "serve"], {
    cwd: repoRoot,
    env: { PATH: process.env["PATH"] ?? "", HOME: env["CMP_HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, output: () => output, stop };
}
