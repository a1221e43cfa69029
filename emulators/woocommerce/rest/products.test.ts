import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { fixture, wooClient } from "../test-helpers";

describe("WooCommerce emulator /products and variations", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 12 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  // PLATFORM_FACTS ✔ "products?sku= also matches variations".
  it("finds a variation by its SKU on /products and renders it in product shape", async () => {
    const client = wooClient(emulator.url, key);
    const parent = [...emulator.store.products.values()].find((p) => p.type === "variable")!;
    const variation = emulator.store.variations.get(parent.variationIds[0])!;
    const found = await client.get("products", { sku: variation.sku });
    expect(found.headers["x-wp-total"]).toBe("1");
    const [item] = found.data;
    expect([item.id, item.type, item.parent_id, item.sku]).toEqual([
      variation.id,
      "variation",
      parent.id,
      variation.sku,
    ]);
    const realProduct = fixture<{ body: Record<string, unknown>[] }>("real-11.0.1/products-list.json")
      .body[0];
    expect(Object.keys(item)).toEqual(Object.keys(realProduct));

    const both = await client.get("products", { sku: `${parent.sku},${variation.sku}` });
    expect(both.data.map((p: { id: number }) => p.id).sort()).toEqual([parent.id, variation.id].sort());
    const simpleOnly = await client.get("products", { sku: variation.sku, type: "simple" });
    expect(simpleOnly.data).toEqual([]);
  });

  it("lists, creates, updates and deletes variations under their product", async () => {
    const client = wooClient(emulator.url, key);
    const parent = (await client.post("products", { name: "Tee", type: "variable", sku: "TEE" })).data;
    const created = await client.post(`products/${parent.id}/variations`, {
      sku: "TEE-S",
      regular_price: "12.50",
      attributes: [{ name: "Size", option: "S" }],
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(
      `${emulator.url}/wp-json/wc/v3/products/${parent.id}/variations/${created.data.id}`,
    );
    const listed = await client.get(`products/${parent.id}/variations`);
    expect(listed.data.map((v: { id: number }) => v.id)).toEqual([created.data.id]);
    expect(
      (await client.put(`products/${parent.id}/variations/${created.data.id}`, { sale_price: "10.00" })).data
        .price,
    ).toBe("10.00");
    expect((await client.get(`products/${parent.id}`)).data.variations).toEqual([created.data.id]);
    await client.delete(`products/${parent.id}/variations/${created.data.id}`, { force: true });
    expect((await client.get(`products/${parent.id}/variations`)).data).toEqual([]);
  });

  // WC_Product::set_regular_price() keeps wc_format_decimal($price) with no rounding, and REST shows that string: a
  // price typed "29" is served "29", not "29.00" (only orders format amounts to the store's 2 decimals).
  it("serves a price as it was typed (wc_format_decimal), and prices orders from it exactly", async () => {
    const client = wooClient(emulator.url, key);
    const simple = await client.post("products", { name: "Typed", regular_price: "29", sale_price: "19.5" });
    expect([simple.data.regular_price, simple.data.sale_price, simple.data.price]).toEqual([
      "29",
      "19.5",
      "19.5",
    ]);
    const fine = (await client.post("products", { name: "Fine", regular_price: "0.125" })).data;
    expect([fine.regular_price, fine.price]).toEqual(["0.125", "0.125"]);
    const parent = (await client.post("products", { name: "Var", type: "variable" })).data;
    const v = (await client.post(`products/${parent.id}/variations`, { regular_price: "7" })).data;
    expect([v.regular_price, v.price]).toEqual(["7", "7"]);
    expect((await client.get(`products/${parent.id}`)).data.price).toBe("7");
    const updated = await client.put(`products/${simple.data.id}`, { regular_price: "30.0", sale_price: "" });
    expect([updated.data.regular_price, updated.data.sale_price, updated.data.price]).toEqual([
      "30.0",
      "",
      "30.0",
    ]);
    const order = await client.post("orders", { line_items: [{ product_id: fine.id, quantity: 2 }] });
    // 0.125 × 2 = 0.25 exactly; the line's `price` is total ÷ quantity, a JSON number.
    const [line] = order.data.line_items;
    expect([line.subtotal, line.price, order.data.total]).toEqual(["0.25", 0.125, "0.25"]);
    const discounted = await client.post("orders", {
      line_items: [{ product_id: simple.data.id, quantity: 3, total: "10.00" }],
    });
    expect(discounted.data.line_items[0].price).toBe(3.3333333333333335);
  });
});
