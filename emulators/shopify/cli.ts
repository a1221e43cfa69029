/**
 * `npm run emulator -- shopify --port P [--seed S] [--customers N] [--orders N] [--products N]
 *   [--shops a.myshopify.com,b.myshopify.com] [--api-key K --api-secret S --app-url U] [--no-strict]`
 * App config defaults come from SHOPIFY_API_KEY / SHOPIFY_API_SECRET / SHOPIFY_APP_URL.
 */
import { parseArgs } from "node:util";
import { startShopifyEmulator } from "./server";

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
      "no-strict": { type: "boolean", default: false },
      "unapproved-customer-data": { type: "boolean", default: false },
    },
    strict: true,
  });
  const int = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
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
    app,
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
