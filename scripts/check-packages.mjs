#!/usr/bin/env node
// Packs every public workspace package with `pnpm pack`, installs the tarballs with npm into a
// fresh project outside the workspace, then imports each one from plain Node and type-checks a
// TypeScript consumer. Proves that people can use the packages from their own projects.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

const packages = readdirSync(join(root, "packages"))
  .map((dir) => ({
    dir: join(root, "packages", dir),
    manifest: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")),
  }))
  .filter((p) => !p.manifest.private);

const work = mkdtempSync(join(tmpdir(), "cmp-pack-"));
const failures = [];
try {
  const tarballs = [];
  for (const p of packages) {
    const out = run("pnpm", ["pack", "--pack-destination", work], p.dir).trim().split("\n").pop();
    const listing = run("tar", ["-tzf", out], work);
    const testFiles = listing.split("\n").filter((f) => /\.test\.|__fixtures__\/.*\.test|\/test\//.test(f));
    if (testFiles.length > 0)
      failures.push(`${p.manifest.name}: tarball holds tests: ${testFiles.join(", ")}`);
    const packed = JSON.parse(run("tar", ["-xzOf", out, "package/package.json"], work));
    for (const [dep, range] of Object.entries({ ...packed.dependencies, ...packed.peerDependencies })) {
      if (String(range).startsWith("workspace:"))
        failures.push(`${p.manifest.name}: dependency ${dep} has no version (${range})`);
    }
    tarballs.push(out);
  }
  const consumer = join(work, "consumer");
  run("mkdir", ["-p", consumer], work);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...tarballs,
      "typescript@5.9.3",
      "@types/node@20.19.43",
    ],
    consumer,
  );

  const imports = packages.map((p, i) => `import * as m${i} from "${p.manifest.name}";`).join("\n");
  const checks = packages
    .map(
      (p, i) => `if (Object.keys(m${i}).length === 0) throw new Error("${p.manifest.name} exports nothing");`,
    )
    .join("\n");
  writeFileSync(
    join(consumer, "index.mjs"),
    `${imports}\n${checks}\nconsole.log("imported ${packages.length} packages");\n`,
  );
  console.log(run("node", ["index.mjs"], consumer).trim());

  writeFileSync(
    join(consumer, "index.ts"),
    `${imports}\n${packages.map((_, i) => `void m${i};`).join("\n")}\n`,
  );
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmit: true,
        types: ["node"],
      },
      files: ["index.ts"],
    }),
  );
  run(join(consumer, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], consumer);
  console.log(`type-checked a TypeScript consumer of ${packages.map((p) => p.manifest.name).join(", ")}`);
} catch (error) {
  failures.push(String(error?.message ?? error));
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`package check failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
