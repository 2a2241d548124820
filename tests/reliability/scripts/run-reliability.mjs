#!/usr/bin/env node
// `pnpm test:reliability [--long] [--seed N] [vitest args…]`: runs the reliability suite,
// in its CI sizes or, with --long, its long sizes (10,000 fuzz cases, a longer soak).
import { spawn } from "node:child_process";

const args = process.argv.slice(2);
const env = { ...process.env };
const rest = [];
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i];
  if (arg === "--long") env.CMP_RELIABILITY_LONG = "1";
  else if (arg === "--seed") {
    env.CMP_FUZZ_SEED = args[i + 1] ?? "";
    i += 1;
  } else if (arg.startsWith("--seed=")) env.CMP_FUZZ_SEED = arg.slice("--seed=".length);
  else if (arg !== "--") rest.push(arg);
}
const child = spawn("vitest", ["run", ...rest], { stdio: "inherit", env, shell: false });
child.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
