/**
 * `npm run emulator -- shopify [options]`: starts the Shopify emulator on 127.0.0.1 (see USAGE and README.md).
 * App config defaults come from SHOPIFY_API_KEY / SHOPIFY_API_SECRET / SHOPIFY_APP_URL; the granted scopes from
 * shopify.app.toml's `[access_scopes]`, as Shopify grants them on a Shopify-managed install.
 */
import { parseArgs } from "node:util";
import { startShopifyEmulator } from "./server";
import { defaultTomlPath, loadTomlAccessScopes } from "./webhooks/toml";

export const USAGE = `Usage: npm run emulator -- shopify [options]

  --port P                     port on 127.0.0.1 (default 4100; 0 = any free port)
  --seed S                     seed of the generated shops (default 1)
  --customers N --orders N --products N
                               records per shop (default 1000, 2000, 100; 1,000,000 is fine)
  --shops a.myshopify.com,...  shops besides demo.myshopify.com
  --api-key K --api-secret S --app-url U --app-handle H
                               the app (defaults: SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL)
  --scopes a,b                 scopes an install grants (default: [access_scopes] of shopify.app.toml)
  --no-strict                  accept deprecated fields (default: rejected)
  --unapproved-customer-data   the app is not approved for protected customer data
  --time-scale K               emulated time runs K times faster (throttle restore, expiries, webhook delays)
  --documented-cost            actualQueryCost by Shopify's documented upper-bound formula (default: fitted to what
                               real Shopify charges, e.g. 12 for a 250-node page of scalars)
  --help                       this text`;

/** Parses argv, starts the emulator, prints its URL and stops cleanly on SIGINT/SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "4100" },
      seed: { type: "string", default: "1" },
      customers: { type: "string", default: "1000" },
      orders: { type: "string", default: "2000" },
      products: { type: "string", default: "100" },
      shops: { type: "string" },
      "api-key": { type: "string" },
      "api-secret": { type: "string" },
      "app-url": { type: "string" },
      "app-handle": { type: "string" },
      scopes: { type: "string" },
      "no-strict": { type: "boolean", default: false },
      "unapproved-customer-data": { type: "boolean", default: false },
      "time-scale": { type: "string", default: "1" },
      "documented-cost": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
  const timeScale = Number(values["time-scale"]);
  if (!(timeScale > 0))
    throw new Error(`--time-scale must be a positive number, got "${values["time-scale"]}"`);
  // What the app declares is what Shopify grants: without it, the emulator's own defaults (write scopes the app
  // never asks for, none of its read_fulfillments) would hide a missing scope.
  const scopes = values.scopes
    ? values.scopes
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : loadTomlAccessScopes(defaultTomlPath());
  const app = {
    ...((values["api-key"] ?? process.env.SHOPIFY_API_KEY)
      ? { apiKey: values["api-key"] ?? process.env.SHOPIFY_API_KEY }
      : {}),
    ...((values["api-secret"] ?? process.env.SHOPIFY_API_SECRET)
      ? { apiSecret: values["api-secret"] ?? process.env.SHOPIFY_API_SECRET }
      : {}),
    ...((values["app-url"] ?? process.env.SHOPIFY_APP_URL)
      ? { appUrl: values["app-url"] ?? process.env.SHOPIFY_APP_URL }
      : {}),
    ...(values["app-handle"] ? { appHandle: values["app-handle"] } : {}),
    ...(values["unapproved-customer-data"] ? { protectedCustomerDataApproved: false } : {}),
    ...(scopes ? { scopes } : {}),
  };
  const started = Date.now();
  const emulator = await startShopifyEmulator({
    port: int("port", values.port),
    seed: int("seed", values.seed),
    customers: int("customers", values.customers),
    orders: int("orders", values.orders),
    products: int("products", values.products),
    shops: values.shops
      ? values.shops
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    strict: !values["no-strict"],
    cost: { actual: values["documented-cost"] ? "documented" : "observed" },
    timeScale,
    app,
    log: (line) => console.log(line),
  });
  const shops = [...emulator.context.shops.keys()].join(", ");
  console.log(
    `Shopify emulator listening on ${emulator.url} (shops: ${shops}; seeded in ${Date.now() - started} ms)`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
