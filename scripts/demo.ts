/**
 * `npm run demo`: Commerce Sync on its embedded default — SQLite plus the local Shopify and WooCommerce emulators —
 * with nothing to configure. Ports: --app-port (3000), --shopify-port (4100), --woo-port (4200).
 * `--rebuild` forces a fresh production build.
 */
import { localAppEnv, localSecrets, LOCAL_API_KEY, LOCAL_APP_HANDLE } from "./lib/local-env";
import { builtAdminExtensions, ensureBuild, run, startAppServer, waitForOk } from "./lib/processes";
import { startShopifyEmulator } from "../emulators/shopify/server";
import { startWooEmulator } from "../emulators/woocommerce/server";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const appPort = flag("app-port", 3000);
  const shopifyPort = flag("shopify-port", 4100);
  const wooPort = flag("woo-port", 4200);
  const databaseUrl = process.env.DATABASE_URL || "file:./data/dev.sqlite";
  const secrets = localSecrets();
  const appUrl = `http://127.0.0.1:${appPort}`;

  console.log("==> Migrating the database");
  run("npx", ["tsx", "scripts/migrate.ts"], { DATABASE_URL: databaseUrl });
  console.log("==> Building the app (once; --rebuild to force)");
  ensureBuild(process.argv.includes("--rebuild"));

  console.log("==> Starting the local Shopify and WooCommerce emulators");
  const shopify = await startShopifyEmulator({
    port: shopifyPort,
    seed: 42,
    customers: 250,
    orders: 600,
    products: 40,
    app: {
      apiKey: LOCAL_API_KEY,
      apiSecret: secrets.shopifyApiSecret,
      appUrl,
      appHandle: LOCAL_APP_HANDLE,
      scopes: ["read_customers", "read_orders", "read_all_orders", "read_products", "read_fulfillments"],
      adminExtensions: builtAdminExtensions(),
    },
  });
  const woo = await startWooEmulator({
    port: wooPort,
    seed: 42,
    counts: { customers: 250, orders: 600, products: 40 },
  });

  console.log("==> Starting Commerce Sync");
  const server = startAppServer(
    localAppEnv({ appPort, databaseUrl, shopifyEmulatorUrl: shopify.url, secrets }),
  );
  const stop = async () => {
    server.kill("SIGTERM");
    await Promise.allSettled([shopify.close(), woo.close()]);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", (code) => {
    console.error(`The app stopped (exit ${code}).`);
    void stop();
  });
  await waitForOk(`${appUrl}/healthz`);

  console.log(`
Commerce Sync is running on SQLite (${databaseUrl}).

  Open the app inside the local Shopify admin:
    ${shopify.url}/admin/apps/${LOCAL_APP_HANDLE}?shop=demo.myshopify.com

  Local WooCommerce store: ${woo.url}  (create REST keys: POST ${woo.url}/_emulator/keys)
  App directly:            ${appUrl}

Press Ctrl-C to stop.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
