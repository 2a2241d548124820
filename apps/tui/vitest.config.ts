import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 20_000,
    // Fixed clock zone for formatted times; colour forced on so tests can see amber and red.
    env: { TZ: "UTC", FORCE_COLOR: "1" },
  },
});
