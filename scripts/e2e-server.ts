/**
 * Serves the production build for Playwright: `tsx scripts/e2e-server.ts --port P [--shopify-port S]`.
 * Fresh SQLite database, plus the local Shopify emulator (in this process) that the app is wired to, so the embedded
 * app can be opened in the emulator's mini admin exactly like in the real Shopify admin, and a local WooCommerce
 * emulator for the standalone WooCommerce pages.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { startShopifyEmulator } from "../emulators/shopify/server";
import { startWooEmulator } from "../emulators/woocommerce/server";
import { SHOPIFY_SCOPES } from "../app/env.server";
import { LOCAL_API_KEY, LOCAL_APP_HANDLE, localAppEnv, localSecrets } from "./lib/local-env";
import { builtAdminExtensions, ensureBuild, run, startAppServer } from "./lib/processes";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const appPort = flag("port", 3210);
  const shopifyPort = flag("shopify-port", 4310);
  const databaseUrl = "file:./tmp/e2e/e2e.sqlite";

  rmSync("tmp/e2e", { recursive: true, force: true });
  run("npx", ["tsx", "scripts/migrate.ts"], { DATABASE_URL: databaseUrl });
  // Always build unless the caller just did (scripts/test.sh): a stale bundle would test old code.
  ensureBuild(process.env.E2E_SKIP_BUILD !== "1");

  const secrets = localSecrets("tmp/e2e/secrets.json");
  const shopify = await startShopifyEmulator({
    port: shopifyPort,
    seed: 7,
    customers: 30,
    orders: 60,
    products: 10,
    app: {
      apiKey: LOCAL_API_KEY,
      apiSecret: secrets.shopifyApiSecret,
      appUrl: `http://127.0.0.1:${appPort}`,
      appHandle: LOCAL_APP_HANDLE,
      scopes: [...SHOPIFY_SCOPES],
      adminExtensions: builtAdminExtensions(),
    },
  });
  // A WooCommerce store for the standalone owner's flows; tests find it in tmp/e2e/woocommerce.json.
  const woo = await startWooEmulator({
    port: 0,
    seed: 11,
    counts: { customers: 40, orders: 80, products: 12 },
    siteName: "E2E Woo Store",
    deliveryDelayMs: 1_000,
    // The app runs on plain http here; real stores require an https callback.
    allowHttpAuthCallback: true,
  });
  mkdirSync("tmp/e2e", { recursive: true });
  writeFileSync("tmp/e2e/woocommerce.json", JSON.stringify({ url: woo.url }));
  // The app's every log line goes to tmp/e2e/app.log: scripts/test.sh scans it for secrets after the e2e run.
  const server = startAppServer(
    {
      ...localAppEnv({ appPort, databaseUrl, shopifyEmulatorUrl: shopify.url, secrets }),
      // Every spec connects from 127.0.0.1, many times a run: the connect limits (ADR 0057) are tested elsewhere.
      CONNECT_LIMIT_PER_IP: "10000",
      CONNECT_LIMIT_PER_ORGANIZATION: "10000",
    },
    { logFile: "tmp/e2e/app.log" },
  );
  const stop = async () => {
    server.kill("SIGTERM");
    await shopify.close();
    await woo.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", (code) => process.exit(code ?? 1));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
