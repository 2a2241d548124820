import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 20_000,
    // The end-to-end test runs the built server and dashboard: build them first when stale.
    globalSetup: ["test/e2e/global-setup.ts"],
    // Fixed clock zone for formatted times; colour forced on so tests can see amber and red.
    env: { TZ: "UTC", FORCE_COLOR: "1" },
  },
});
