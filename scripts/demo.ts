/**
 * `npm run demo`: Commerce Sync on its embedded default — SQLite plus the local Shopify and WooCommerce emulators —
 * with nothing to configure: both stores seeded with a few thousand records, the app installed into the emulated
 * shop, the WooCommerce store connected, first syncs run, then new orders and customer changes every few seconds.
 * Prints the URLs to open and one line `DEMO_READY {json}` (appUrl, adminUrl, wooUrl, apiToken).
 *
 * Flags: --app-port (3000), --shopify-port (4100), --woo-port (4200), --data-dir (data), --activity-ms (4000),
 * --customers/--orders/--products (seed sizes per store), --rebuild (fresh production build), --help. Fails, exit 1,
 * when a port is taken, another demo uses the data folder or a flag is unknown (scripts/lib/demo-args.ts).
 */
import { join } from "node:path";
import { createPrismaClient } from "../app/db/client.server";
import { SHOPIFY_SCOPES } from "../app/env.server";
import { startShopifyEmulator } from "../emulators/shopify/server";
import { startWooEmulator } from "../emulators/woocommerce/server";
import { checkDemoArgs, demoUsage } from "./lib/demo-args";
import { keepStoreIds, restoreStoreIds } from "./lib/demo-store-ids";
import { startActivity } from "./lib/demo-activity";
import { assertPortFree, DemoSetupError, demoDatabaseUrl, lockDataDir } from "./lib/demo-guards";
import {
  connectWooCommerce,
  demoApiToken,
  installIntoShop,
  ownerSignInUrl,
  requestSync,
  waitForFirstSyncs,
} from "./lib/demo-setup";
import { createDemoSharedCustomers } from "./lib/demo-shared-customers";
import { localAppEnv, localSecrets, LOCAL_API_KEY, LOCAL_APP_HANDLE } from "./lib/local-env";
import { builtAdminExtensions, ensureBuild, run, startAppServer, waitForOk } from "./lib/processes";

const SHOP = "demo.myshopify.com";
/** Seed sizes per store: a few thousand records each (smaller with --customers/--orders/--products, for tests). */
const DEFAULT_SEED = { customers: 1_200, orders: 2_500, products: 150 };

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function port(name: string, fallback: number): number {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new DemoSetupError(`--${name} must be a port number.`);
  return value;
}

function count(name: keyof typeof DEFAULT_SEED): number {
  const value = Number(option(name, String(DEFAULT_SEED[name])));
  if (!Number.isInteger(value) || value < 1 || value > 100_000)
    throw new DemoSetupError(`--${name} must be a whole number from 1 to 100000.`);
  return value;
}

async function main() {
  const SEED = { customers: count("customers"), orders: count("orders"), products: count("products") };
  const appPort = port("app-port", 3000);
  const shopifyPort = port("shopify-port", 4100);
  const wooPort = port("woo-port", 4200);
  const dataDir = option("data-dir", "data");
  const activityMs = Number(option("activity-ms", "4000"));
  if (!Number.isInteger(activityMs) || activityMs < 200)
    throw new DemoSetupError("--activity-ms must be a whole number of milliseconds, at least 200.");
  const databaseUrl = demoDatabaseUrl(dataDir);
  const appUrl = `http://127.0.0.1:${appPort}`;

  // Before anything starts: every port free, and no other demo on this data folder.
  await assertPortFree(appPort, "--app-port", "the app");
  await assertPortFree(shopifyPort, "--shopify-port", "the Shopify emulator");
  await assertPortFree(wooPort, "--woo-port", "the WooCommerce emulator");
  const unlock = lockDataDir(dataDir);
  const cleanups: Array<() => unknown> = [unlock];
  const stop = async (code: number) => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    console.log("==> Migrating the database");
    run("npx", ["tsx", "scripts/migrate.ts"], { DATABASE_URL: databaseUrl });
    console.log("==> Building the app (once; --rebuild to force)");
    ensureBuild(process.argv.includes("--rebuild"));
    const secrets = localSecrets(join(dataDir, "local-secrets.json"));

    console.log(
      `==> Starting the local stores (${SEED.customers + SEED.orders + SEED.products} records each)`,
    );
    const shopify = await startShopifyEmulator({
      port: shopifyPort,
      seed: 42,
      ...SEED,
      app: {
        apiKey: LOCAL_API_KEY,
        apiSecret: secrets.shopifyApiSecret,
        appUrl,
        appHandle: LOCAL_APP_HANDLE,
        scopes: [...SHOPIFY_SCOPES],
        adminExtensions: builtAdminExtensions(),
      },
    });
    cleanups.push(() => shopify.close());
    // Its history reaches today, as the Shopify shop's does (the emulator's default ends on a fixed date, for tests).
    const woo = await startWooEmulator({
      port: wooPort,
      seed: 42,
      counts: SEED,
      seedEndMs: Date.now(),
      // The demo's app is on plain http: its store accepts the key approval's http callback, so the owner can sign in
      // again through the store once the printed link is used. A real store requires an https callback.
      allowHttpAuthCallback: true,
    });
    cleanups.push(() => woo.close());
    // Created records' ids carry on from the last demo's (the stores start again from their seed; ids never repeat).
    const storeIds = { shopify: shopify.context.shops.get(SHOP)!, woo: woo.store.ids };
    restoreStoreIds(join(dataDir, "store-ids.json"), storeIds);
    cleanups.push(keepStoreIds(join(dataDir, "store-ids.json"), storeIds));
    // A few people who buy in both stores under one email: the cross-store profile has something real to show.
    const shared = await createDemoSharedCustomers({ shopifyUrl: shopify.url, shop: SHOP, wooUrl: woo.url });

    console.log(`==> Starting Commerce Sync (log: ${dataDir}/app.log)`);
    const server = startAppServer(
      // The connect pages then say that this store, unlike a real one, accepts the approval's http callback.
      {
        ...localAppEnv({ appPort, databaseUrl, shopifyEmulatorUrl: shopify.url, secrets }),
        DEMO_WOOCOMMERCE_URL: woo.url,
      },
      {
        logFile: join(dataDir, "app.log"),
      },
    );
    let ready = false;
    cleanups.push(() => server.exitCode === null && server.kill("SIGTERM"));
    const died = new Promise<never>((_, reject) =>
      server.on("exit", (code) => {
        if (!ready)
          reject(
            new DemoSetupError(`The app stopped while starting (exit ${code}); see ${dataDir}/app.log.`),
          );
        else {
          console.error(`The app stopped (exit ${code}); see ${dataDir}/app.log. Stopping the demo.`);
          void stop(1);
        }
      }),
    );
    await Promise.race([waitForOk(`${appUrl}/healthz`, 120_000), died]);

    const db = createPrismaClient(databaseUrl);
    cleanups.push(() => db.$disconnect());
    const adminUrl = `${shopify.url}/admin/apps/${LOCAL_APP_HANDLE}?shop=${SHOP}`;
    // Syncs of this demo start from here (a data folder used before holds the previous demo's runs).
    const setupStartedAt = new Date();
    console.log("==> Installing the app into the emulated shop");
    const shopIntegration = await Promise.race([installIntoShop(db, adminUrl, SHOP), died]);
    const apiToken = await demoApiToken(db, shopIntegration.organizationId);
    console.log("==> Connecting the emulated WooCommerce store");
    const wooIntegrationId = await Promise.race([connectWooCommerce(appUrl, apiToken, woo.url), died]);
    // Installed by an earlier demo: no install sync runs, and the emulator's shop is freshly seeded.
    if (shopIntegration.createdAt < setupStartedAt)
      await Promise.race([requestSync(appUrl, apiToken, shopIntegration.id), died]);
    console.log("==> Running the first syncs");
    await Promise.race([
      waitForFirstSyncs(db, [shopIntegration.id, wooIntegrationId], (line) => console.log(line), {
        since: setupStartedAt,
      }),
      died,
    ]);
    ready = true;

    cleanups.push(
      startActivity({
        shopifyUrl: shopify.url,
        shop: SHOP,
        wooUrl: woo.url,
        intervalMs: activityMs,
        log: (line) => console.warn(line),
      }),
    );
    // Only say "running" about a server that still runs.
    if (server.exitCode !== null || server.signalCode !== null)
      throw new DemoSetupError(`The app stopped (exit ${server.exitCode}); see ${dataDir}/app.log.`);
    await waitForOk(`${appUrl}/healthz`, 10_000);
    // The WooCommerce owner's way in: a one-time sign-in link for the connected store (the demo holds the database).
    const wooPage = await ownerSignInUrl(db, appUrl, {
      organizationId: shopIntegration.organizationId,
      integrationId: wooIntegrationId,
    });
    const sharedCustomerUrl = `${shopify.url}/admin/customers/${shared[0].shopifyCustomerId}?shop=${SHOP}`;
    console.log(`
Commerce Sync is running on SQLite (${databaseUrl}); new orders and customer changes arrive every ${activityMs / 1000} s.

  The app inside the local Shopify admin:  ${adminUrl}
  A customer of both stores (admin block): ${sharedCustomerUrl}
  WooCommerce owner's pages (sign-in link, once, within 30 min): ${wooPage}
  Integrations API (token below):          ${appUrl}/api/integrations   (OpenAPI: ${appUrl}/api/openapi.json)
  Local WooCommerce store:                 ${woo.url}

Press Ctrl-C to stop. Data stays in ${dataDir}/.`);
    console.log(
      `DEMO_READY ${JSON.stringify({ appUrl, adminUrl, wooUrl: wooPage, apiToken, shopifyUrl: shopify.url, wooStoreUrl: woo.url, sharedCustomerUrl, sharedCustomer: shared[0] })}`,
    );
  } catch (error) {
    console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

const args = checkDemoArgs(process.argv.slice(2));
if (args.kind === "help") {
  console.log(demoUsage());
} else if (args.kind === "error") {
  console.error(`Demo not started: ${args.message}`);
  process.exitCode = 1;
} else {
  main().catch((error) => {
    console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
