/**
 * Changes made in the emulated shop reach the database by webhook — through the toml's app-scoped subscriptions and
 * the shop-scoped ones the app made at install (each event stored once) — processed by the real job runtime. Faults:
 * duplicated and reordered deliveries leave the newest state; dropped deliveries and a deleted subscription are
 * recovered by the next reconcile; a bad signature is refused with nothing stored.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueSync } from "../../app/jobs/enqueue.server";
import { DATABASE_KINDS } from "../setup/db";
import { expectStoreMatchesShop } from "./shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function control(h: ShopifyHarness, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.emu.url}/_emulator${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

async function waitForRun(h: ShopifyHarness, kind: string, after: Date, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await h.db.syncRun.findFirst({
      where: { integrationId: h.integrationId, kind, startedAt: { gte: after }, finishedAt: { not: null } },
      orderBy: { startedAt: "desc" },
    });
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`No finished ${kind} run`);
    await sleep(50);
  }
}

const customerLink = (h: ShopifyHarness, id: bigint | string) =>
  h.db.contactSource.findFirstOrThrow({
    where: { integrationId: h.integrationId, externalId: `gid://shopify/Customer/${id}` },
    include: { contact: true },
  });

describe.each(DATABASE_KINDS)("Shopify webhooks on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    const started = new Date(Date.now() - 1_000);
    h = await startShopifyHarness(kind, { customers: 150, orders: 90, products: 20, seed: 31, jobs: true });
    // The install queued the first full sync; the job runtime runs it.
    const run = await waitForRun(h, "full", started);
    expect(run.status).toBe("succeeded");
  });
  afterAll(async () => h?.close());

  it("makes the data topics' shop-scoped subscriptions exist at install, pointing at /api/webhooks/shopify", async () => {
    const subs = [...h.emu.context.shops.get(SHOP)!.webhookSubscriptions.values()];
    expect(subs.map((s) => s.topic).sort()).toEqual([
      "CUSTOMERS_CREATE",
      "CUSTOMERS_DELETE",
      "CUSTOMERS_UPDATE",
      "ORDERS_CREATE",
      "ORDERS_DELETE",
      "ORDERS_FULFILLED",
      "ORDERS_UPDATED",
      "PRODUCTS_CREATE",
      "PRODUCTS_DELETE",
      "PRODUCTS_UPDATE",
    ]);
    expect(new Set(subs.map((s) => s.uri))).toEqual(
      new Set([`${h.appUrl.replace("http:", "https:")}/api/webhooks/shopify`]),
    );
  });

  it("applies 200 changes made in the shop, each event stored once although delivered through two subscriptions", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const customers = [...shop.customers.values()].slice(0, 80);
    const orders = [...shop.orders.values()].slice(0, 70);
    const products = [...shop.products.values()].slice(0, 20);
    const deliveredBefore = (h.emu.context.webhooks.deliveries() as unknown[]).length;
    const eventsBefore = await h.db.webhookEvent.count();
    for (const [i, c] of customers.entries()) {
      await control(h, "PATCH", `/shops/${SHOP}/customers/${c.id}`, {
        firstName: `Webhook${i}`,
        tags: ["from-webhook"],
        ...(c.email
          ? {
              emailConsent: {
                marketingState: "SUBSCRIBED",
                marketingOptInLevel: "CONFIRMED_OPT_IN",
                marketingUpdatedAt: new Date().toISOString(),
              },
            }
          : {}),
      });
    }
    for (const o of orders)
      await control(h, "PATCH", `/shops/${SHOP}/orders/${o.id}`, { financialStatus: "REFUNDED" });
    for (const [i, p] of products.entries())
      await control(h, "PATCH", `/shops/${SHOP}/products/${p.id}`, { title: `Renamed ${i}` });
    for (let i = 0; i < 30; i++) {
      await control(h, "POST", `/shops/${SHOP}/customers`, {
        firstName: "New",
        lastName: `Person ${i}`,
        email: `new-${kind}-${i}@example.com`,
      });
    }
    await h.settleWebhooks();
    const deliveries = (h.emu.context.webhooks.deliveries() as Array<{ outcome: string }>).slice(
      deliveredBefore,
    );
    expect(deliveries.filter((d) => d.outcome === "delivered")).toHaveLength(400);
    expect((await h.db.webhookEvent.count()) - eventsBefore).toBe(200);
    expect(await h.webhookStatuses()).not.toHaveProperty("failed");

    for (const [i, c] of customers.entries()) {
      const link = await customerLink(h, c.id);
      expect(link.contact.firstName).toBe(`Webhook${i}`);
      // Tags and consent are not in customer webhook bodies: they were read through GraphQL.
      expect(link.contact.tags).toEqual(["from-webhook"]);
      if (c.email) expect(link.contact.marketingState).toBe("subscribed");
    }
    const refunded = await h.db.order.count({
      where: {
        integrationId: h.integrationId,
        externalId: { in: orders.map((o) => `gid://shopify/Order/${o.id}`) },
        financialStatus: "refunded",
      },
    });
    expect(refunded).toBe(70);
    const renamed = await h.db.product.count({
      where: { integrationId: h.integrationId, title: { startsWith: "Renamed " } },
    });
    expect(renamed).toBe(20);
    await expectStoreMatchesShop(h.db, h.integrationId, shop);
  });

  it("keeps every variant of a product with more than the 100 a webhook body carries in full", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const product = [...shop.products.values()][0];
    const template = product.variants[0];
    // 130 variants, the last one the dearest: past the body's 100, so only GraphQL can tell.
    const variants = Array.from({ length: 130 }, (_, i) => ({
      ...template,
      id: (7_000_000_000_000n + BigInt(i)).toString(),
      productId: product.id.toString(),
      position: i + 1,
      title: `Size ${i + 1}`,
      sku: `BIG-${i + 1}`,
      price: i === 129 ? "999.99" : "10.00",
      createdAt: template.createdAt.toISOString(),
      updatedAt: template.updatedAt.toISOString(),
    }));
    const deliveredBefore = (h.emu.context.webhooks.deliveries() as unknown[]).length;
    await control(h, "PATCH", `/shops/${SHOP}/products/${product.id}`, { title: "Many sizes", variants });
    await h.settleWebhooks();
    const delivered = (
      h.emu.context.webhooks.deliveries() as Array<{ topic: string; outcome: string; body?: string }>
    ).slice(deliveredBefore);
    expect(delivered.some((d) => d.topic === "products/update" && d.outcome === "delivered")).toBe(true);
    const event = await h.db.webhookEvent.findFirstOrThrow({
      where: {
        integrationId: h.integrationId,
        topic: "products/update",
        resourceId: `gid://shopify/Product/${product.id}`,
      },
      orderBy: { receivedAt: "desc" },
    });
    const body = JSON.parse(event.payload) as { variants: unknown[]; variant_gids: unknown[] };
    expect([body.variants.length, body.variant_gids.length]).toEqual([100, 130]);
    expect(event.status).toBe("processed");

    const stored = await h.db.product.findFirstOrThrow({
      where: { integrationId: h.integrationId, externalId: `gid://shopify/Product/${product.id}` },
      include: { variants: true },
    });
    expect(stored.title).toBe("Many sizes");
    expect(stored.variants).toHaveLength(130);
    expect(stored.variants.map((v) => v.sku).sort()).toEqual(variants.map((v) => v.sku).sort());
    expect([stored.minPriceMinor, stored.maxPriceMinor]).toEqual([1000n, 99999n]);
  });

  it("keeps the newest state when deliveries are duplicated and reordered", async () => {
    await control(h, "POST", "/webhooks/faults", { duplicateRate: 0.5, reorderWindow: 6, seed: 3 });
    const shop = h.emu.context.shops.get(SHOP)!;
    const order = [...shop.orders.values()][80];
    const customer = [...shop.customers.values()][100];
    // Shopify's timestamps have one-second precision: versions of one record are a second apart.
    for (const version of [1, 2, 3]) {
      await control(h, "PATCH", `/shops/${SHOP}/orders/${order.id}`, { email: `v${version}@example.com` });
      await control(h, "PATCH", `/shops/${SHOP}/customers/${customer.id}`, {
        firstName: `Version${version}`,
      });
      await sleep(1_100);
    }
    await control(h, "DELETE", "/webhooks/faults");
    await h.settleWebhooks();
    const stored = await h.db.order.findFirstOrThrow({
      where: { integrationId: h.integrationId, externalId: `gid://shopify/Order/${order.id}` },
    });
    expect(stored.email).toBe("v3@example.com");
    expect((await customerLink(h, customer.id)).contact.firstName).toBe("Version3");
  });

  it("recovers dropped deliveries and a deleted subscription on the next reconcile", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const sub = [...shop.webhookSubscriptions.values()].find((s) => s.topic === "PRODUCTS_UPDATE")!;
    shop.webhookSubscriptions.delete(sub.id);
    await control(h, "POST", "/webhooks/faults", { dropRate: 1 });
    const product = [...shop.products.values()][5];
    const customer = [...shop.customers.values()][7];
    await control(h, "PATCH", `/shops/${SHOP}/products/${product.id}`, {
      title: "Changed while nobody listened",
    });
    await control(h, "PATCH", `/shops/${SHOP}/customers/${customer.id}`, { lastName: "Missed" });
    await control(h, "DELETE", "/webhooks/faults");
    await h.settleWebhooks();
    expect((await customerLink(h, customer.id)).contact.lastName).not.toBe("Missed");

    const started = new Date(Date.now() - 1_000);
    await enqueueSync(h.runtime!.queue, {
      integrationId: h.integrationId,
      kind: "reconcile",
      triggeredBy: "test",
    });
    const run = await waitForRun(h, "reconcile", started);
    expect(run.status).toBe("succeeded");
    expect((await customerLink(h, customer.id)).contact.lastName).toBe("Missed");
    const stored = await h.db.product.findFirstOrThrow({
      where: { integrationId: h.integrationId, externalId: `gid://shopify/Product/${product.id}` },
    });
    expect(stored.title).toBe("Changed while nobody listened");
    // The subscription is back, and the repair is on record.
    expect([...shop.webhookSubscriptions.values()].some((s) => s.topic === "PRODUCTS_UPDATE")).toBe(true);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(integration.status).toBe("connected");
    expect(JSON.stringify(integration.webhookHealth)).toContain("products/update");
  });

  it("refuses a delivery with a bad signature (401) and stores nothing", async () => {
    const before = await h.db.webhookEvent.count();
    const body = JSON.stringify({ id: 1, admin_graphql_api_id: "gid://shopify/Order/1" });
    const headers = {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/updated",
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": "forged-1",
      "X-Shopify-Event-Id": "forged-event-1",
    };
    const forged = await fetch(`${h.appUrl}/api/webhooks/shopify`, {
      method: "POST",
      headers: {
        ...headers,
        "X-Shopify-Hmac-Sha256": createHmac("sha256", "not-the-secret").update(body).digest("base64"),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${h.appUrl}/webhooks/app/uninstalled`, { method: "POST", headers, body });
    expect([400, 401]).toContain(unsigned.status);
    expect(await h.db.webhookEvent.count()).toBe(before);
  });
});
