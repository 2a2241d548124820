import { execFile } from "node:child_process";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type ServerProcess, startServerProcess } from "@cmp/testkit";

const run = promisify(execFile);

/** The repository root (this file lives in apps/tui/test/e2e). */
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

/** Starts the built server with `env` (and `HOME` = its `CMP_HOME`) and waits for its `listening on` line. */
export function startBuiltServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess({
    entry: serverCli,
    cwd: repoRoot,
    env: { PATH: process.env["PATH"] ?? "", HOME: env["CMP_HOME"] ?? "", ...env },
    startTimeoutMs: 20_000,
  });
}
