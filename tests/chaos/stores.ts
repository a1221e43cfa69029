/**
 * The stores of the chaos scenarios: a Shopify shop installed into a fresh database (through the real
 * authorization-code grant, tests/integration/shopify-harness.ts) and a WooCommerce store connected with sealed keys,
 * each with its emulator on the suite's fixed port; plus the exact counts a complete sync must reach.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { sealCredentials, sealWebhookSecret } from "../../app/crypto/integration-secrets.server";
import type { DatabaseKind } from "../../app/db/database-url";
import { enqueueSync, type SyncRequest } from "../../app/jobs/enqueue.server";
import { createJobQueue } from "../../app/jobs/queue.server";
import { silentLogger } from "../../app/lib/logger";
import { withWooSettings } from "../../app/platforms/woocommerce/settings";
import { TEST_ENV } from "../../app/platforms/testing/test-platforms";
import type { AppDb } from "../../app/sync/platform";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { createTestDatabase, type TestDatabase } from "../setup/db";
import { expectStoreMatchesShop } from "../integration/shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "../integration/shopify-harness";
import { PORTS, checked, expectNoDuplicates, processEnv } from "./lib";

export { SHOP };

/** Enqueues a sync the way the app does (dedupe, lock, retry policy), from a short-lived queue handle. */
export async function enqueue(db: AppDb, databaseUrl: string, request: SyncRequest): Promise<void> {
  const queue = await createJobQueue(db, { databaseUrl, logger: silentLogger });
  try {
    await enqueueSync(queue, request);
  } finally {
    await queue.close();
  }
}

export async function shopifyStore(
  kind: DatabaseKind,
  counts: { customers: number; orders: number; products: number },
  seed = 5,
): Promise<ShopifyHarness & { env: (extra?: Record<string, string>) => Record<string, string> }> {
  const h = await startShopifyHarness(kind, { ...counts, seed, emulator: { port: PORTS.shopify } });
  return Object.assign(h, {
    env: (extra: Record<string, string> = {}) =>
      processEnv(h.t.url, { SHOPIFY_EMULATOR_URL: h.emu.url, SHOPIFY_APP_URL: h.appUrl, ...extra }),
  });
}

/** The database holds the shop exactly: every order, item, product, variant and customer once. */
export async function expectShopExact(h: ShopifyHarness): Promise<void> {
  const shop = h.emu.context.shops.get(SHOP)!;
  await expectStoreMatchesShop(h.db, h.integrationId, shop);
  await expectNoDuplicates(h.db);
  checked(
    `database = shop exactly: ${shop.customers.size} customers, ${shop.orders.size} orders (with every line item), ` +
      `${shop.products.size} products (with every variant); no record stored twice`,
  );
}

export interface WooSetup {
  t: TestDatabase;
  organizationId: string;
  db: AppDb;
  woo: WooEmulator;
  integrationId: string;
  env: (extra?: Record<string, string>) => Record<string, string>;
  close(): Promise<void>;
}

/** A WooCommerce store on the emulator, connected to a fresh database with sealed read keys. */
export async function wooStore(
  kind: DatabaseKind,
  counts: { customers: number; orders: number; products: number },
  options: { latencyMs?: number; seed?: number; database?: TestDatabase } = {},
): Promise<WooSetup> {
  const t = options.database ?? (await createTestDatabase(kind));
  const db = t.db as unknown as AppDb;
  const woo = await startWooEmulator({
    port: PORTS.woo,
    counts,
    seed: options.seed ?? 9,
    autoDeliver: false,
    latencyMs: options.latencyMs,
  });
  const key = woo.createKey("read");
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Chaos organization" } });
  const row = await db.integration.create({
    data: {
      organizationId,
      platform: "woocommerce",
      name: "Emulated WooCommerce store",
      storeKey: woo.url,
      settings: withWooSettings({}, { currency: "USD" }) as object,
    },
  });
  const keyring = keyringFrom(TEST_ENV.ENCRYPTION_KEY);
  await db.integration.update({
    where: { id: row.id },
    data: {
      credentials: sealCredentials(keyring, row.id, {
        consumerKey: key.consumer_key,
        consumerSecret: key.consumer_secret,
      }),
      webhookSecret: sealWebhookSecret(keyring, row.id, randomBytes(24).toString("base64url")),
    },
  });
  return {
    t,
    organizationId,
    db,
    woo,
    integrationId: row.id,
    env: (extra = {}) => processEnv(t.url, { WOOCOMMERCE_PAGE_CONCURRENCY: "4", ...extra }),
    async close() {
      await woo.close();
      if (!options.database) await t.cleanup();
    },
  };
}

/** The database holds the WooCommerce store exactly (as tests/integration/woocommerce-full-sync.test.ts counts it). */
export async function expectWooExact(s: WooSetup): Promise<void> {
  const { woo, db, integrationId: id } = s;
  const orders = [...woo.store.orders.values()].filter(
    (o) => o.status !== "trash" && o.status !== "checkout-draft",
  );
  const products = [...woo.store.products.values()];
  const emails = new Set([...woo.store.customers.values()].map((c) => c.email.toLowerCase()));
  for (const o of orders) if (o.billing.email) emails.add(o.billing.email.trim().toLowerCase());
  const stored = {
    contacts: await db.contact.count({ where: { organizationId: s.organizationId } }),
    customerLinks: await db.contactSource.count({
      where: { integrationId: id, deletedAt: null, NOT: { externalId: { startsWith: "guest:" } } },
    }),
    orders: await db.order.count({ where: { integrationId: id } }),
    items: await db.orderItem.count({ where: { order: { integrationId: id } } }),
    products: await db.product.count({ where: { integrationId: id } }),
    variants: await db.productVariant.count({ where: { integrationId: id } }),
  };
  expect(stored).toEqual({
    contacts: emails.size,
    customerLinks: woo.store.customers.size,
    orders: orders.length,
    items: orders.reduce((n, o) => n + o.lineItems.length, 0),
    products: products.length,
    variants: products.reduce((n, p) => n + (p.type === "variable" ? p.variationIds.length : 1), 0),
  });
  await expectNoDuplicates(db);
  checked(
    `database = store exactly: ${stored.contacts} contacts (${stored.customerLinks} customers + guests), ` +
      `${stored.orders} orders / ${stored.items} items, ${stored.products} products / ${stored.variants} variants; ` +
      `no record stored twice`,
  );
}
