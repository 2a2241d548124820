#!/usr/bin/env node
// Builds the named workspace packages when their dist is missing, so that
// `pnpm --filter @cmp/<name> build` works on a fresh clone without turbo ordering the build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = readdirSync(join(root, "packages")).map((d) => join(root, "packages", d));
for (const name of process.argv.slice(2)) {
  const dir = dirs.find((d) => JSON.parse(readFileSync(join(d, "package.json"), "utf8")).name === name);
  if (dir === undefined) throw new Error(`no workspace package named ${name}`);
  if (!existsSync(join(dir, "dist", "index.d.ts"))) {
    execFileSync("pnpm", ["--filter", name, "build"], { cwd: root, stdio: "inherit" });
  }
}
