import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "emulators/**/*.test.ts",
      "tests/**/*.test.ts",
      "scripts/**/*.test.ts",
      "worker/**/*.test.ts",
      "bench/**/*.test.ts",
    ],
    exclude: ["tests/e2e/**", "node_modules/**"],
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    // Vitest's default is one file at a time per core but one (a single file on a 2-core machine); most files wait on
    // emulators, databases and sockets, so at least two run at once (ADR 0062: 662 → 462 s on 2 cores).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: {
      NODE_ENV: "test",
    },
  },
});
