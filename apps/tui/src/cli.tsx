#!/usr/bin/env node
// Ink renders only the final frame when it believes it runs in CI (it reads `CI` once, at import).
// A person at a terminal with `CI` exported in their shell still wants the live dashboard.
if (process.stdout.isTTY) {
  process.env["CI"] = "0";
  process.env["CONTINUOUS_INTEGRATION"] = "0";
}
await import("./run-cli.js");
