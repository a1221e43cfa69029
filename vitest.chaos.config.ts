import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

/**
 * `npm run test:chaos`: the chaos suite (tests/chaos/README section "Chaos suite" in the README). Real worker and app
 * processes over loopback HTTP, killed and faulted on purpose; one scenario file at a time (they start processes on
 * fixed ports 6100–6199 and the machine is small). Not part of `vitest run` (its include is `*.test.ts`).
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/chaos/**/*.chaos.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ["verbose"],
    env: { NODE_ENV: "test" },
  },
});
