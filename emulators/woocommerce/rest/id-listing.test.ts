import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, wooClient } from "../test-helpers";

type Client = ReturnType<typeof wooClient>;

/**
 * The requests a deletion check makes (ADR 0045), as WooCommerce 11 answers them: the live list's ids alone, by id,
 * with the same `X-WP-Total` as the full list; `include`; a record read by id, and its 404 once force-deleted.
 */
describe("WooCommerce emulator: listing ids and reading deleted records", () => {
  let emulator: WooEmulator;
  let client: Client;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      seed: 11,
      counts: { customers: 14, orders: 23, products: 9 },
      autoDeliver: false,
    });
    client = wooClient(emulator.url, emulator.createKey("read_write"));
  });
  afterAll(() => emulator.close());

  it("lists only ids, ascending, with the full list's X-WP-Total and X-WP-TotalPages", async () => {
    const [trashed] = [...emulator.store.orders.values()].filter((o) => o.status === "completed");
    await client.delete(`orders/${trashed.id}`);
    for (const resource of ["orders", "products", "customers"]) {
      const full = await client.get(resource, { per_page: 100 });
      const ids = await client.get(resource, { _fields: "id", orderby: "id", order: "asc", per_page: 5 });
      expect(ids.headers["x-wp-total"]).toBe(full.headers["x-wp-total"]);
      expect(ids.headers["x-wp-totalpages"]).toBe(String(Math.ceil(Number(full.headers["x-wp-total"]) / 5)));
      const all = (full.data as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
      expect(ids.data).toEqual(all.slice(0, 5).map((id) => ({ id })));
      // The same total on one id: what an incremental sync asks for.
      const one = await client.get(resource, { per_page: 1, _fields: "id" });
      expect(one.headers["x-wp-total"]).toBe(full.headers["x-wp-total"]);
    }
    // The trashed order is in neither (status=any leaves the trash out).
    const orders = await client.get("orders", { _fields: "id", per_page: 100 });
    expect((orders.data as { id: number }[]).map((o) => o.id)).not.toContain(trashed.id);
  });

  it("narrows a list to `include` under the same status filter", async () => {
    const [a, b, trashed] = [...emulator.store.orders.values()].filter(
      (o) => o.status !== "trash" && o.status !== "checkout-draft",
    );
    await client.delete(`orders/${trashed.id}`);
    const listed = await client.get("orders", {
      include: `${b.id},${a.id},${trashed.id}`,
      _fields: "id",
      orderby: "id",
      order: "asc",
    });
    expect(listed.data).toEqual([{ id: Math.min(a.id, b.id) }, { id: Math.max(a.id, b.id) }]);
    expect(listed.headers["x-wp-total"]).toBe("2");
  });

  it("reads a record by id until it is force-deleted, then answers 404 with the resource's invalid-id error", async () => {
    const order = [...emulator.store.orders.values()].find((o) => o.status === "on-hold")!;
    const product = [...emulator.store.products.values()].find((p) => p.status === "publish")!;
    const customer = [...emulator.store.customers.values()].find((c) => c.role === "customer")!;
    const gone = {
      orders: { id: order.id, code: "woocommerce_rest_shop_order_invalid_id", message: "Invalid ID." },
      products: { id: product.id, code: "woocommerce_rest_product_invalid_id", message: "Invalid ID." },
      customers: { id: customer.id, code: "wc_user_invalid_id", message: "Invalid user ID." },
    };
    for (const [resource, { id, code, message }] of Object.entries(gone)) {
      const alive = await client.get(`${resource}/${id}`, { _fields: "id" });
      expect((alive.data as { id: number }).id).toBe(id);
      await client.delete(`${resource}/${id}`, { force: true });
      for (const request of [
        client.get(`${resource}/${id}`, { _fields: "id" }),
        client.delete(`${resource}/${id}`, { force: true }),
      ]) {
        const error = await failure(request);
        expect(error.status).toBe(404);
        expect(error.data).toEqual({ code, message, data: { status: 404 } });
      }
    }
  });
});
