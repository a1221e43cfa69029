import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, startReceiver, wooClient } from "../test-helpers";

// PLATFORM_FACTS ✔ "Batch endpoints ({resource}/batch) answer 200 with per-item errors; more than 100 items → 413
// woocommerce_rest_request_entity_too_large."
describe("WooCommerce emulator batch endpoints", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 3 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("refuses more than 100 items in all with 413 and changes nothing", async () => {
    const client = wooClient(emulator.url, key);
    const before = emulator.store.customers.size;
    const create = Array.from({ length: 60 }, (_, i) => ({ email: `bulk${i}@example.test` }));
    const update = Array.from({ length: 41 }, () => ({ id: 2, first_name: "Bulk" }));
    const error = await failure(client.post("customers/batch", { create, update }));
    expect(error.status).toBe(413);
    expect(error.data).toEqual({
      code: "woocommerce_rest_request_entity_too_large",
      message: "Unable to accept more than 100 items for this request.",
      data: { status: 413 },
    });
    expect(emulator.store.customers.size).toBe(before);
    const exactly100 = await client.post("customers/batch", { create, update: update.slice(1) });
    expect(exactly100.status).toBe(200);
    expect(exactly100.data.create).toHaveLength(60);
  });

  it("answers 200 with each item's result or its own error, in create / update / delete order", async () => {
    const client = wooClient(emulator.url, key);
    const existing = (await client.post("customers", { email: "batch.target@example.test" })).data;
    const doomed = (await client.post("customers", { email: "batch.doomed@example.test" })).data;
    const response = await client.put("customers/batch", {
      create: [
        { email: "batch.new@example.test" },
        { email: "not-an-email" },
        { email: "batch.target@example.test" },
      ],
      update: [
        { id: existing.id, last_name: "Updated" },
        { id: 999999, last_name: "Nobody" },
      ],
      delete: [doomed.id, 999998],
    });
    expect(response.status).toBe(200);
    const { create, update, delete: deleted } = response.data;
    expect(create[0]).toMatchObject({ email: "batch.new@example.test", role: "customer" });
    expect(create[0]._links.self[0].href).toMatch(/\/customers\/\d+$/);
    // Batch items skip the route's argument validation: WC_Customer::set_email refuses the address instead.
    expect(create[1]).toEqual({
      id: 0,
      error: { code: "customer_invalid_email", message: "Invalid email address", data: { status: 400 } },
    });
    expect(create[2]).toMatchObject({ id: 0, error: { code: "registration-error-email-exists" } });
    expect(update[0]).toMatchObject({ id: existing.id, last_name: "Updated" });
    expect(update[1]).toEqual({
      id: 999999,
      error: { code: "wc_user_invalid_id", message: "Invalid user ID.", data: { status: 404 } },
    });
    // Deletes are forced and answer with the record as it was.
    expect(deleted[0]).toMatchObject({ id: doomed.id, email: "batch.doomed@example.test" });
    expect(deleted[1]).toMatchObject({ id: 999998, error: { code: "wc_user_invalid_id" } });
    expect(emulator.store.customers.has(doomed.id)).toBe(false);
  });

  it("batches orders, products, variations and webhooks too (webhook creations ping)", async () => {
    const client = wooClient(emulator.url, key);
    const orders = await client.post("orders/batch", {
      create: [{ billing: { email: "o1@example.test" } }],
      update: [{ id: [...emulator.store.orders.keys()][0], customer_note: "batched" }],
    });
    expect(orders.data.create[0].created_via).toBe("rest-api");
    expect(orders.data.update[0].customer_note).toBe("batched");

    const products = await client.post("products/batch", {
      create: [{ name: "Batch Tee", type: "variable" }],
    });
    const parentId = products.data.create[0].id;
    const variations = await client.post(`products/${parentId}/variations/batch`, {
      create: [{ sku: "BT-S", regular_price: "9.00" }, { sku: "BT-S" }],
    });
    expect(variations.data.create[0]).toMatchObject({ sku: "BT-S", parent_id: parentId });
    expect(variations.data.create[1]).toMatchObject({ id: 0, error: { code: "product_invalid_sku" } });

    const receiver = await startReceiver(200);
    try {
      const hooks = await client.post("webhooks/batch", {
        create: [
          { topic: "order.updated", delivery_url: receiver.url },
          { topic: "order.exploded", delivery_url: receiver.url },
        ],
      });
      expect(hooks.data.create[0]).toMatchObject({ topic: "order.updated", status: "active" });
      expect(hooks.data.create[0]).not.toHaveProperty("secret");
      expect(hooks.data.create[1]).toMatchObject({
        id: 0,
        error: { code: "woocommerce_rest_shop_webhook_invalid_topic" },
      });
      expect(receiver.received.map((r) => r.body)).toEqual([`webhook_id=${hooks.data.create[0].id}`]);
    } finally {
      await receiver.close();
    }
  });

  it("needs a key: anonymous batches get 401 woocommerce_rest_cannot_batch", async () => {
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/customers/batch`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ create: [{ email: "anon@example.test" }] }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("woocommerce_rest_cannot_batch");
  });
});
