/**
 * The headers of a delivery, against what real Shopify deliveries carry: `X-Shopify-Triggered-At` with nine
 * fractional digits and `Z` (e.g. 2024-08-03T18:28:37.234647458Z), the same on every retry; `X-Shopify-Test`;
 * `X-Shopify-Order-Id` / `X-Shopify-Product-Id` on those topics; `Accept: *\/*`; `X-Shopify-Name` when the
 * subscription has a name (2026-07 docs). Sources: docs/decisions/0054-fidelity-audit-3.md.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SHOP, type EmuShop } from "../model";
import { startHarness, startReceiver, type Harness, type Receiver } from "../testing/harness";
import { orderToRest, productToRest } from "./rest-bodies";

let receiver: Receiver;
let h: Harness;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<EmuShop> {
  receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  h = await startHarness({ appUrl: receiver.url });
  cleanups.push(() => h.close());
  return h.ctx.shops.get(DEFAULT_SHOP) as EmuShop;
}

function subscribe(shop: EmuShop, topic: string, path: string, name?: string): void {
  const id = shop.nextId++;
  shop.webhookSubscriptions.set(id, {
    id,
    topic,
    uri: `${receiver.url}${path}`,
    ...(name ? { name } : {}),
    format: "JSON",
    source: "graphql",
    apiVersion: "2026-07",
    createdAt: new Date(),
    updatedAt: new Date(),
  });
}

const NINE_DIGITS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

describe("delivery headers", () => {
  it("writes X-Shopify-Triggered-At with nine fractional digits and Z, the same value on every retry", async () => {
    const shop = await setup();
    subscribe(shop, "ORDERS_UPDATED", "/orders");
    receiver.respond = (_path, index) => (index < 2 ? 500 : 200);
    const before = h.ctx.now().getTime();
    const order = [...shop.orders.values()][0];
    h.webhooks.emit({ shop: shop.domain, topic: "orders/updated", body: orderToRest(shop, order) });
    await h.webhooks.flush();

    expect(receiver.requests).toHaveLength(3);
    const stamps = receiver.requests.map((r) => String(r.headers["x-shopify-triggered-at"]));
    expect(stamps[0]).toMatch(NINE_DIGITS_Z);
    expect(new Set(stamps).size).toBe(1);
    // Still the emulator's clock (to the millisecond), only written with Shopify's precision.
    expect(Date.parse(stamps[0])).toBeGreaterThanOrEqual(before);
    expect(Date.parse(stamps[0])).toBeLessThanOrEqual(h.ctx.now().getTime());
    expect(h.webhooks.deliveries().map((d) => d.triggeredAt)).toEqual([stamps[0], stamps[0], stamps[0]]);
  });

  it("sends X-Shopify-Test, Accept and the order's id on orders topics", async () => {
    const shop = await setup();
    subscribe(shop, "ORDERS_UPDATED", "/orders");
    const order = [...shop.orders.values()][0];
    h.webhooks.emit({ shop: shop.domain, topic: "orders/updated", body: orderToRest(shop, order) });
    await h.webhooks.flush();
    const [request] = receiver.requests;
    expect(request.headers["x-shopify-test"]).toBe("false");
    expect(request.headers["accept"]).toBe("*/*");
    expect(request.headers["x-shopify-order-id"]).toBe(order.id.toString());
    expect(request.headers["x-shopify-product-id"]).toBeUndefined();
    expect(request.headers["x-shopify-name"]).toBeUndefined();
  });

  it("sends the product's id on products topics, and the subscription's name when it has one", async () => {
    const shop = await setup();
    subscribe(shop, "PRODUCTS_UPDATE", "/products", "product-sync");
    const product = [...shop.products.values()][0];
    h.webhooks.emit({ shop: shop.domain, topic: "products/update", body: productToRest(shop, product) });
    await h.webhooks.flush();
    const [request] = receiver.requests;
    expect(request.headers["x-shopify-product-id"]).toBe(product.id.toString());
    expect(request.headers["x-shopify-order-id"]).toBeUndefined();
    expect(request.headers["x-shopify-name"]).toBe("product-sync");
  });

  it("sends the deleted record's id on a delete topic", async () => {
    const shop = await setup();
    subscribe(shop, "ORDERS_DELETE", "/orders");
    h.webhooks.emit({ shop: shop.domain, topic: "orders/delete", body: { id: 9_007_199_254_740_995n } });
    await h.webhooks.flush();
    expect(receiver.requests[0].headers["x-shopify-order-id"]).toBe("9007199254740995");
  });
});
