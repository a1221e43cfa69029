import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { ManualClock } from "../../../emulators/woocommerce/test-helpers";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import { runSync } from "../../sync/engine.server";
import type { AppDb } from "../../sync/platform";
import type { SyncSource } from "../../sync/types";
import type { WooCommercePlatform } from "./index.server";
import { seedWooStore, testPlatform, type TestStore } from "./testing/harness";

/** What a complete sync of the emulated store must produce, computed from the emulator's own records. */
function expectedFrom(woo: WooEmulator) {
  const customers = [...woo.store.customers.values()].filter((c) => c.role === "customer");
  const orders = [...woo.store.orders.values()].filter(
    (o) => o.status !== "trash" && o.status !== "checkout-draft",
  );
  const products = [...woo.store.products.values()].filter((p) => p.status !== "trash");
  const emails = new Set(customers.map((c) => c.email.trim().toLowerCase()));
  for (const o of orders) if (o.billing.email) emails.add(o.billing.email.trim().toLowerCase());
  return {
    contacts: emails.size,
    customerLinks: customers.length,
    orders: orders.length,
    items: orders.reduce((n, o) => n + o.lineItems.length, 0),
    products: products.length,
    variants: products.reduce((n, p) => n + (p.type === "variable" ? p.variationIds.length : 1), 0),
  };
}

async function actual(t: TestDatabase, integrationId: string) {
  return {
    contacts: await t.db.contact.count(),
    customerLinks: await t.db.contactSource.count({
      where: { integrationId, deletedAt: null, NOT: { externalId: { startsWith: "guest:" } } },
    }),
    orders: await t.db.order.count({ where: { integrationId, deletedAt: null } }),
    items: await t.db.orderItem.count({ where: { order: { integrationId } } }),
    products: await t.db.product.count({ where: { integrationId, deletedAt: null } }),
    variants: await t.db.productVariant.count({ where: { integrationId } }),
  };
}

describe.each(DATABASE_KINDS)("WooCommerce sync against the emulator on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let store: TestStore;
  // Ten minutes behind the real time, moved by seconds: OAuth signatures carry a timestamp the store checks against
  // its clock (±15 minutes), and the emulator's HTTP `Date` header (the store's clock for the cursor) is real time.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 - 600_000);
  const sync = async (kindOfRun: "full" | "incremental", source?: SyncSource) =>
    runSync(t.db as never, {
      integrationId: store.integration.id,
      kind: kindOfRun,
      source: source ?? (await platform.createSource(store.ctx)),
    });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({
      counts: { customers: 240, orders: 430, products: 45 },
      clock,
      autoDeliver: false,
    });
    platform = testPlatform({ pageConcurrency: 3 });
    store = await seedWooStore(t.db as unknown as AppDb, woo.url, woo.createKey("read_write"));
  });
  afterAll(async () => {
    platform?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("reads every customer, order and product with exact counts, money and variants", async () => {
    const summary = await sync("full");
    const expected = expectedFrom(woo);
    expect(summary.status).toBe("succeeded");
    expect(summary.resources.customers).toMatchObject({ synced: expected.customerLinks, failed: 0 });
    expect(summary.resources.orders).toMatchObject({ synced: expected.orders, failed: 0 });
    expect(summary.resources.products).toMatchObject({ synced: expected.products, failed: 0 });
    expect(await actual(t, store.integration.id)).toEqual(expected);

    // One order, field by field, against the store's own REST body.
    const sample = [...woo.store.orders.values()].find(
      (o) => o.status !== "trash" && o.lineItems.length > 1,
    )!;
    const row = await t.db.order.findFirstOrThrow({
      where: { integrationId: store.integration.id, externalId: String(sample.id) },
      include: { items: { orderBy: { position: "asc" } } },
    });
    const cents =
      sample.lineItems.reduce((n, li) => n + li.totalCents, 0) +
      sample.shippingLines.reduce((n, s) => n + s.totalCents, 0);
    expect(row.totalMinor).toBe(BigInt(cents));
    expect(row.items.map((i) => i.title)).toEqual(sample.lineItems.map((li) => li.name));
    expect(row.fulfillmentStatus).toBe(sample.status === "completed" ? "fulfilled" : "unfulfilled");
  });

  it("links every guest order to a contact by its billing email", async () => {
    const guests = [...woo.store.orders.values()].filter((o) => o.customerId === 0 && o.status !== "trash");
    expect(guests.length).toBeGreaterThan(10);
    const orphans = await t.db.order.count({
      where: {
        integrationId: store.integration.id,
        externalId: { in: guests.map((o) => String(o.id)) },
        contactId: null,
      },
    });
    expect(orphans).toBe(0);
  });

  it("picks up only what changed since the last run, including a change in the same second", async () => {
    clock.advance(5_000);
    const customer = [...woo.store.customers.values()][5];
    const order = [...woo.store.orders.values()].find((o) => o.status === "processing")!;
    const product = [...woo.store.products.values()].find(
      (p) => p.type === "simple" && p.status === "publish",
    )!;
    woo.store.updateCustomer(customer.id, { first_name: "Renamed" });
    woo.store.updateOrder(order.id, { status: "completed" });
    woo.store.updateProduct(product.id, { name: "Renamed product" });
    const first = await sync("incremental");
    expect([
      first.resources.customers?.synced,
      first.resources.orders?.synced,
      first.resources.products?.synced,
    ]).toEqual([1, 1, 1]);

    // Same second as the changes just read: only the new ones come, the ones already applied are not re-counted.
    const other = [...woo.store.customers.values()][9];
    woo.store.updateCustomer(other.id, { last_name: "Samesecond" });
    const otherOrder = [...woo.store.orders.values()].find((o) => o.status === "on-hold")!;
    woo.store.updateOrder(otherOrder.id, { status: "processing" });
    const second = await sync("incremental");
    expect([
      second.resources.customers?.synced,
      second.resources.orders?.synced,
      second.resources.products?.synced,
    ]).toEqual([1, 1, 0]);

    const contact = await t.db.contact.findFirstOrThrow({ where: { email: other.email.toLowerCase() } });
    expect(contact.lastName).toBe("Samesecond");
    const completed = await t.db.order.findFirstOrThrow({
      where: { integrationId: store.integration.id, externalId: String(order.id) },
    });
    expect(completed.fulfillmentStatus).toBe("fulfilled");

    // Nothing changed: nothing read into the database.
    const third = await sync("incremental");
    expect([
      third.resources.customers?.synced,
      third.resources.orders?.synced,
      third.resources.products?.synced,
    ]).toEqual([0, 0, 0]);
  });

  it("keeps the contact of an order that became a guest order (its customer account deleted)", async () => {
    clock.advance(5_000);
    const order = [...woo.store.orders.values()].find((o) => o.customerId > 0 && o.status === "completed")!;
    const before = await t.db.order.findFirstOrThrow({
      where: { integrationId: store.integration.id, externalId: String(order.id) },
    });
    // What WooCommerce does to the orders of a deleted customer: customer_id 0, billing kept, date bumped.
    woo.store.updateOrder(order.id, { customer_id: 0 });
    const summary = await sync("incremental");
    expect(summary.resources.orders?.synced).toBe(1);
    const after = await t.db.order.findFirstOrThrow({ where: { id: before.id } });
    expect(after.contactId).not.toBeNull();
    const contact = await t.db.contact.findUniqueOrThrow({ where: { id: after.contactId! } });
    expect(contact.email).toBe(order.billing.email!.trim().toLowerCase());
  });

  it("removes orders and products moved to the store's trash without a webhook, and brings a restored order back", async () => {
    clock.advance(5_000);
    const integrationId = store.integration.id;
    const order = [...woo.store.orders.values()].find((o) => o.status === "completed")!;
    const product = [...woo.store.products.values()].find((p) => p.status === "publish")!;
    woo.store.deleteOrder(order.id, false);
    woo.store.deleteProduct(product.id, false);
    const row = async (table: "order" | "product", id: number) =>
      table === "order"
        ? t.db.order.findFirstOrThrow({ where: { integrationId, externalId: String(id) } })
        : t.db.product.findFirstOrThrow({ where: { integrationId, externalId: String(id) } });
    const counts = async () => {
      const { orders, products } = await actual(t, integrationId);
      return { orders, products };
    };
    const storeCounts = () => {
      const { orders, products } = expectedFrom(woo);
      return { orders, products };
    };

    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    expect((await row("order", order.id)).deletedAt).toBeInstanceOf(Date);
    expect((await row("product", product.id)).deletedAt).toBeInstanceOf(Date);
    expect(await counts()).toEqual(storeCounts());
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect([integration.syncedOrders, integration.syncedProducts]).toEqual([
      storeCounts().orders,
      storeCounts().products,
    ]);

    // Restored from the trash: listed again (its modified date moves), so the next sync revives it.
    clock.advance(5_000);
    woo.store.restoreOrder(order.id);
    await sync("incremental");
    expect((await row("order", order.id)).deletedAt).toBeNull();
    expect(await counts()).toEqual(storeCounts());
    // A full sync agrees: the product still in the trash stays deleted.
    await sync("full");
    expect((await row("product", product.id)).deletedAt).toBeInstanceOf(Date);
    expect(await counts()).toEqual(storeCounts());
  });

  it("does not advance the cursor when a page fails, and the next run catches up", async () => {
    clock.advance(5_000);
    const changed = [...woo.store.orders.values()].filter((o) => o.status === "pending").slice(0, 3);
    for (const o of changed) woo.store.updateOrder(o.id, { customer_note: "note" });
    woo.addFault({ type: "error", status: 500, persistent: true, pathPrefix: "/wp-json/wc/v3/orders" });
    const failed = await sync("incremental");
    expect(failed.status).toBe("partial");
    expect(failed.resources.orders?.success).toBe(false);
    woo.clearFaults();
    const next = await sync("incremental");
    expect(next.status).toBe("succeeded");
    expect(next.resources.orders?.synced).toBe(changed.length);
  });

  it("fails a read the store answers with a web page instead of its data, rather than reading nothing", async () => {
    clock.advance(5_000);
    const changed = [...woo.store.orders.values()].filter((o) => o.status === "pending").slice(3, 5);
    for (const o of changed) woo.store.updateOrder(o.id, { customer_note: "seen through a web page" });
    // A caching or maintenance page answering 200 for the REST API (the emulator: every URL, until cleared).
    woo.addFault({ type: "not-woocommerce", status: 200 });
    const failed = await sync("incremental");
    woo.clearFaults();
    expect(failed.status).toBe("failed");
    expect(failed.resources.orders?.success).toBe(false);
    expect(failed.resources.orders?.errors.join(" ")).toMatch(
      /answered with a web page \(text\/html\) instead of WooCommerce's data while reading orders/,
    );
    const next = await sync("incremental");
    expect(next.status).toBe("succeeded");
    expect(next.resources.orders?.synced).toBe(changed.length);
  });

  it("retries a rate-limited page after Retry-After and records every attempt without secrets", async () => {
    store.calls.length = 0;
    woo.addFault({
      type: "error",
      status: 429,
      retryAfterSeconds: 0,
      count: 2,
      pathPrefix: "/wp-json/wc/v3/customers",
    });
    const summary = await sync("incremental");
    expect(summary.status).toBe("succeeded");
    const customerCalls = store.calls.filter((c) => c.operation === "GET /wc/v3/customers");
    expect(customerCalls.slice(0, 3).map((c) => [c.outcome, c.httpStatus, c.attempt])).toEqual([
      ["retried", 429, 1],
      ["retried", 429, 2],
      ["ok", 200, 3],
    ]);
    const audit = JSON.stringify(store.calls);
    expect(audit).not.toContain(store.credentials.consumerKey);
    expect(audit).not.toContain(store.credentials.consumerSecret);
  });
});
