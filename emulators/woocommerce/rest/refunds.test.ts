import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, wooClient } from "../test-helpers";

// PLATFORM_FACTS ✔ "Refunds: api_refund defaults to true (manual gateways then fail with 500); too large → 500
// woocommerce_rest_cannot_create_order_refund." WooCommerce builds these errors with a bare status as data, so
// WordPress answers HTTP 500 with "data": <number>.
describe("WooCommerce emulator refunds", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 3 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  async function paidOrder(paymentMethod: string): Promise<{ id: number; total: string }> {
    const product = [...emulator.store.products.values()].find(
      (p) => p.type === "simple" && p.regularPriceCents,
    )!;
    const order = await wooClient(emulator.url, key).post("orders", {
      payment_method: paymentMethod,
      set_paid: true,
      line_items: [{ product_id: product.id, quantity: 2 }],
    });
    return order.data;
  }

  it("refuses an API refund on an offline gateway (bank transfer) with 500, and refunds nothing", async () => {
    const order = await paidOrder("bacs");
    const error = await failure(
      wooClient(emulator.url, key).post(`orders/${order.id}/refunds`, { amount: "1.00" }),
    );
    expect(error.status).toBe(500);
    expect(error.data).toEqual({
      code: "woocommerce_rest_cannot_create_order_refund",
      message: "The payment gateway for this order does not support automatic refunds.",
      data: 500,
    });
    expect(emulator.store.orders.get(order.id)!.refunds).toEqual([]);
  });

  it("refuses an API refund when the order's gateway does not exist", async () => {
    const order = await paidOrder("");
    const error = await failure(
      wooClient(emulator.url, key).post(`orders/${order.id}/refunds`, { amount: "1.00" }),
    );
    expect(error.status).toBe(500);
    expect((error.data as { message: string }).message).toBe(
      "The payment gateway for this order does not exist.",
    );
  });

  it("records a manual refund with api_refund=false, and a gateway refund where the gateway can refund", async () => {
    const client = wooClient(emulator.url, key);
    const offline = await paidOrder("cod");
    const manual = await client.post(`orders/${offline.id}/refunds`, {
      amount: "1.50",
      reason: "dent",
      api_refund: false,
    });
    expect(manual.status).toBe(201);
    expect(manual.data).toMatchObject({ amount: "1.50", reason: "dent", refunded_payment: false });
    const card = await paidOrder("stripe");
    const byGateway = await client.post(`orders/${card.id}/refunds`, { amount: "2.00" });
    expect(byGateway.data.refunded_payment).toBe(true);
    expect((await client.get(`orders/${card.id}`)).data.refunds[0]).toEqual({
      id: byGateway.data.id,
      reason: "",
      total: "-2.00",
    });
  });

  it("refuses more than what remains (500 Invalid refund amount.) and a negative amount; a full refund marks the order refunded", async () => {
    const client = wooClient(emulator.url, key);
    const order = await paidOrder("stripe");
    const tooLarge = await failure(client.post(`orders/${order.id}/refunds`, { amount: "100000.00" }));
    expect(tooLarge.status).toBe(500);
    expect(tooLarge.data).toEqual({
      code: "woocommerce_rest_cannot_create_order_refund",
      message: "Invalid refund amount.",
      data: 500,
    });
    const negative = await failure(client.post(`orders/${order.id}/refunds`, { amount: "-1.00" }));
    expect([negative.status, negative.data]).toEqual([
      500,
      {
        code: "woocommerce_rest_invalid_order_refund",
        message: "Refund amount must be greater than zero.",
        data: 400,
      },
    ]);
    await client.post(`orders/${order.id}/refunds`, { amount: "1.00" });
    const rest = (Number(order.total) - 1).toFixed(2);
    await client.post(`orders/${order.id}/refunds`, { amount: rest });
    expect((await client.get(`orders/${order.id}`)).data.status).toBe("refunded");
    const none = await failure(client.post(`orders/${order.id}/refunds`, { amount: "0.01" }));
    expect((none.data as { message: string }).message).toBe("Invalid refund amount.");
  });
});
