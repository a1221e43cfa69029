import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, failure, startReceiver, wooClient } from "../test-helpers";

type LineItem = {
  product_id: number;
  variation_id: number;
  sku: string | null;
  image: { id: number | string };
};

// PLATFORM_FACTS ✔ "Force-deleting a customer turns their orders into guest orders (customer_id: 0) and bumps
// those orders' date_modified — with no order.updated webhook. Force-deleting a product leaves past line items
// with product_id: 0, sku: null, without touching the order's date_modified. image.id may be a number (0) or ''."
describe("WooCommerce emulator deletions as a real store makes them", () => {
  let emulator: WooEmulator;
  const clock = new ManualClock(Date.now());
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 6, orders: 20, products: 6 },
      clock,
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("turns a deleted customer's orders into guest orders with a new date_modified and sends no order webhook", async () => {
    const client = wooClient(emulator.url, key);
    const receiver = await startReceiver(200);
    try {
      await client.post("webhooks", { topic: "order.updated", delivery_url: receiver.url, secret: "s" });
      const customer = (await client.post("customers", { email: "leaving.soon@example.test" })).data;
      const orderIds: number[] = [];
      for (let i = 0; i < 2; i++) {
        const order = await client.post("orders", {
          customer_id: customer.id,
          billing: { email: "leaving.soon@example.test", first_name: "Leaving" },
        });
        orderIds.push(order.data.id);
      }
      await emulator.flushDeliveries();
      emulator.deliveries.log = [];
      clock.advance(5_000);
      const before = (await client.get(`orders/${orderIds[0]}`)).data;

      await client.delete(`customers/${customer.id}`, { force: true });

      for (const id of orderIds) {
        const order = (await client.get(`orders/${id}`)).data;
        expect(order.customer_id).toBe(0);
        expect(order.billing.email).toBe("leaving.soon@example.test");
        expect(Date.parse(`${order.date_modified_gmt}Z`)).toBeGreaterThan(
          Date.parse(`${before.date_modified_gmt}Z`),
        );
        expect(order._links.customer).toBeUndefined();
      }
      expect(emulator.deliveries.pending).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it("orphans past line items of a force-deleted product (product_id 0, sku null, image.id 0) without touching order dates", async () => {
    const client = wooClient(emulator.url, key);
    const product = (
      await client.post("products", { name: "Soon Gone", sku: "GONE-1", regular_price: "4.00" })
    ).data;
    const kept = (await client.post("products", { name: "Staying", sku: "STAY-1", regular_price: "2.00" }))
      .data;
    const order = (
      await client.post("orders", {
        line_items: [
          { product_id: product.id, quantity: 1 },
          { product_id: kept.id, quantity: 2 },
        ],
      })
    ).data;
    const [gone, stays] = order.line_items as LineItem[];
    expect([gone.sku, gone.image.id]).toEqual(["GONE-1", ""]);

    clock.advance(5_000);
    await client.delete(`products/${product.id}`, { force: true });

    const after = (await client.get(`orders/${order.id}`)).data;
    const [orphan, still] = after.line_items as LineItem[];
    expect([orphan.product_id, orphan.variation_id, orphan.sku, orphan.image.id]).toEqual([0, 0, null, 0]);
    expect([still.product_id, still.sku, still.image.id]).toEqual([stays.product_id, "STAY-1", ""]);
    expect(after.date_modified_gmt).toBe(order.date_modified_gmt);
    expect(after.total).toBe(order.total);
    expect((await failure(client.get(`products/${product.id}`))).status).toBe(404);
  });

  it("zeroes variation_id on past line items when a variable product goes, and reads the sku from the live product", async () => {
    const client = wooClient(emulator.url, key);
    const parent = [...emulator.store.products.values()].find(
      (p) => p.type === "variable" && p.variationIds.length,
    )!;
    const variationId = parent.variationIds[0];
    const order = (
      await client.post("orders", { line_items: [{ product_id: parent.id, variation_id: variationId }] })
    ).data;
    const variationSku = emulator.store.variations.get(variationId)!.sku;
    expect(order.line_items[0].sku).toBe(variationSku);
    // A new SKU on the product shows on past orders too: the REST API reads it from the product.
    await client.put(`products/${parent.id}/variations/${variationId}`, { sku: `${variationSku}-NEW` });
    expect((await client.get(`orders/${order.id}`)).data.line_items[0].sku).toBe(`${variationSku}-NEW`);

    await client.delete(`products/${parent.id}`, { force: true });
    const item = (await client.get(`orders/${order.id}`)).data.line_items[0] as LineItem;
    expect([item.product_id, item.variation_id, item.sku, item.image.id]).toEqual([0, 0, null, 0]);
  });

  it("answers DELETE without force with the record as it was before trashing (PLATFORM_FACTS ✔)", async () => {
    const client = wooClient(emulator.url, key);
    const product = (await client.post("products", { name: "Trash Me", regular_price: "1.00" })).data;
    const trashed = await client.delete(`products/${product.id}`);
    expect(trashed.data.status).toBe("publish");
    expect((await client.get(`products/${product.id}`)).data.status).toBe("trash");
  });
});
