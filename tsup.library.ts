import { defineConfig } from "tsup";

/**
 * The build of every library package: ESM for Node 20, with type declarations and source maps.
 * Tests and test helpers are never entries, so they never reach a published tarball.
 */
export function defineLibraryConfig(entry: string[] = ["src/index.ts"]) {
  return defineConfig({ entry, format: ["esm"], dts: true, clean: true, target: "node20", sourcemap: true });
}
