#!/usr/bin/env node
import { runFakeUpstreamCli } from "./cli-main.js";

try {
  const session = await runFakeUpstreamCli(process.argv.slice(2), (text) => process.stdout.write(text));
  if (session) {
    const stop = () => {
      void session.upstream.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
} catch (error) {
  process.stderr.write(`cmp-fake-upstream: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
