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
});
