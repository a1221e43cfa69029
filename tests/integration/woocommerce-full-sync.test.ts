/**
 * A full sync of a sizeable WooCommerce store — 20,000 customers, 30,000 orders, 2,000 products — through the real
 * client, pager and engine against the emulator, with exact counts; then an incremental run that reads only the
 * handful of changes, and a customer deletion that turns orders into guest orders without losing their contact.
 * One emulator per database; the store is generated once per run (≈3 s).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { runSync } from "../../app/sync/engine.server";
import type { AppDb } from "../../app/sync/platform";
import type { WooCommercePlatform } from "../../app/platforms/woocommerce/index.server";
import { seedWooStore, testPlatform, type TestStore } from "../../app/platforms/woocommerce/testing/harness";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../setup/db";

const COUNTS = { customers: 20_000, orders: 30_000, products: 2_000 };

describe.each(DATABASE_KINDS)("WooCommerce full sync of 52,000 records on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let store: TestStore;
  const run = async (kindOfRun: "full" | "incremental") =>
    runSync(t.db as never, {
      integrationId: store.integration.id,
      kind: kindOfRun,
      source: await platform.createSource(store.ctx),
    });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({ counts: COUNTS, autoDeliver: false, seed: 3 });
    platform = testPlatform({ pageConcurrency: 4, timeoutMs: 60_000 });
    store = await seedWooStore(t.db as unknown as AppDb, woo.url, woo.createKey("read"));
  }, 120_000);
  afterAll(async () => {
    platform?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("syncs every record with exact counts", { timeout: 300_000 }, async () => {
    const started = performance.now();
    const summary = await run("full");
    const seconds = (performance.now() - started) / 1000;
    const orders = [...woo.store.orders.values()].filter(
      (o) => o.status !== "trash" && o.status !== "checkout-draft",
    );
    const products = [...woo.store.products.values()];
    const emails = new Set([...woo.store.customers.values()].map((c) => c.email.toLowerCase()));
    for (const o of orders) if (o.billing.email) emails.add(o.billing.email.trim().toLowerCase());

    expect(summary.status).toBe("succeeded");
    expect(summary.resources.customers).toMatchObject({ synced: 20_000, failed: 0 });
    expect(summary.resources.orders).toMatchObject({ synced: orders.length, failed: 0 });
    expect(summary.resources.products).toMatchObject({ synced: 2_000, failed: 0 });
    const id = store.integration.id;
    expect(await t.db.contact.count()).toBe(emails.size);
    expect(await t.db.order.count({ where: { integrationId: id } })).toBe(orders.length);
    expect(await t.db.orderItem.count({ where: { order: { integrationId: id } } })).toBe(
      orders.reduce((n, o) => n + o.lineItems.length, 0),
    );
    expect(await t.db.product.count({ where: { integrationId: id } })).toBe(2_000);
    expect(await t.db.productVariant.count({ where: { integrationId: id } })).toBe(
      products.reduce((n, p) => n + (p.type === "variable" ? p.variationIds.length : 1), 0),
    );
    expect(await t.db.order.count({ where: { integrationId: id, contactId: null } })).toBe(0);
    const pages = store.calls.filter((c) =>
      /^GET \/wc\/v3\/(customers|orders|products)$/.test(c.operation),
    ).length;
    console.info(
      `[woocommerce full sync on ${kind}] ${seconds.toFixed(1)} s, ${pages} list pages, ${store.calls.length} requests`,
    );
  });

  it(
    "then reads only what changed, and keeps the contacts of orders whose customer was deleted",
    { timeout: 120_000 },
    async () => {
      woo.advanceClock(5_000);
      const customer = [...woo.store.customers.values()].find((c) =>
        [...woo.store.orders.values()].some((o) => o.customerId === c.id && o.status !== "trash"),
      )!;
      const theirOrders = [...woo.store.orders.values()].filter(
        (o) => o.customerId === customer.id && o.status !== "trash",
      );
      const order = [...woo.store.orders.values()].find(
        (o) => o.status === "processing" && o.customerId !== customer.id,
      )!;
      woo.store.updateOrder(order.id, { status: "completed" });
      // WooCommerce turns a deleted customer's orders into guest orders (customer_id 0, date bumped), no webhook.
      for (const o of theirOrders) woo.store.updateOrder(o.id, { customer_id: 0 });
      const summary = await run("incremental");
      expect(summary.resources.orders?.synced).toBe(1 + theirOrders.length);
      expect(summary.resources.customers?.synced).toBe(0);
      expect(summary.resources.products?.synced).toBe(0);
      const rows = await t.db.order.findMany({
        where: {
          integrationId: store.integration.id,
          externalId: { in: theirOrders.map((o) => String(o.id)) },
        },
      });
      expect(theirOrders.every((o) => woo.store.orders.get(o.id)!.customerId === 0)).toBe(true);
      expect(rows).toHaveLength(theirOrders.length);
      expect(rows.every((r) => r.contactId !== null)).toBe(true);
    },
  );
});
