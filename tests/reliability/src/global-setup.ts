import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { SERVER_CLI_PATH } from "./harness/server-process.js";
import { readSeed, readSizes } from "./sizes.js";
import { formatSummary, readSummary, resetSummary } from "./summary.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The fast-check seed of this run, shared by every fuzz test. */
    fuzzSeed: number;
  }
}

/** Checks the built server is there, prints the run's sizes and seed, and the summary at the end. */
export default function setup(project: TestProject): () => void {
  if (!existsSync(SERVER_CLI_PATH)) {
    throw new Error(
      `${SERVER_CLI_PATH} is missing: build the server first (pnpm turbo run build --filter=@cmp/server...)`,
    );
  }
  const sizes = readSizes();
  const seed = readSeed();
  project.provide("fuzzSeed", seed);
  resetSummary();
  console.log(
    `reliability suite: ${sizes.long ? "long" : "CI"} sizes, fuzz seed ${seed} ` +
      `(replay: pnpm test:reliability --seed ${seed}${sizes.long ? " --long" : ""})`,
  );
  return () => {
    const records = readSummary();
    if (records.length > 0) console.log(`\nreliability summary\n${formatSummary(records)}\n`);
  };
}
