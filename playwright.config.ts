import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3210);
// The Shopify emulator's port follows the app's, so runs with different E2E_PORTs never collide.
const SHOPIFY_PORT = Number(process.env.E2E_SHOPIFY_PORT || PORT + 1000);
process.env.E2E_SHOPIFY_PORT = String(SHOPIFY_PORT);

/**
 * End-to-end tests drive Debian's Chromium (/usr/bin/chromium; scripts/test.sh installs it when missing) against the
 * production build served by scripts/e2e-server.ts on a fresh SQLite database.
 */
export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: "only-on-failure",
    // No user-agent override: Chromium's own "HeadlessChrome" agent must not be refused by any page (issue 11).
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `npx tsx scripts/e2e-server.ts --port ${PORT} --shopify-port ${SHOPIFY_PORT}`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
