import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds `dist/` once before the end-to-end tests when it is missing or older than `src/`. */
export default function setup(): void {
  let built = 0;
  try {
    built = statSync(join(root, "dist", "cli.js")).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(join(root, "src"))) return;
  execFileSync(process.execPath, [join(root, "node_modules", "tsup", "dist", "cli-default.js")], {
    cwd: root,
    stdio: "ignore",
  });
}
