import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // One file at a time: each starts its own server and fake upstream, and the load test
    // measures memory and sockets, which neighbours would disturb on a 2-core machine.
    fileParallelism: false,
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ["src/global-setup.ts"],
  },
});
