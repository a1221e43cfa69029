import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatGmt, mapCustomer, mapOrder, mapProduct, parseGmt } from "./mapping";
import type { WooCustomer, WooOrder, WooProduct, WooVariation } from "./types";

function real<T>(name: string): T {
  const url = new URL(`./fixtures/real-11.0.1/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as T;
}
const customers = real<{ body: WooCustomer[] }>("customers-list.json").body;
const orders = real<{ body: WooOrder[] }>("orders-list.json").body;
const products = real<{ body: WooProduct[] }>("products-list.json").body;
const deliveries = real<{ deliveries: { topic: string; body: string }[] }>(
  "webhook-deliveries.json",
).deliveries;
const delivered = <T>(topic: string) => JSON.parse(deliveries.find((d) => d.topic === topic)!.body) as T;

describe("WooCommerce customer mapping (real 11.0.1 bodies)", () => {
  it("maps a real customer with the seed's fields and never marks consent", () => {
    const alice = mapCustomer(customers[0]);
    expect(alice).toEqual({
      externalId: "2",
      email: "alice@example.test",
      firstName: "Alice",
      lastName: "Anders",
      phone: null,
      tags: [],
      customFields: { woocommerce_id: "2", username: "alice", is_paying_customer: true },
      marketingState: "unknown",
      marketingOptInLevel: null,
      marketingUpdatedAt: null,
      externalUpdatedAt: new Date("2026-11-24T04:35:02Z"),
    });
  });

  it("takes the name and phone from billing when the account has none", () => {
    const c = {
      ...customers[1],
      first_name: "",
      last_name: " ",
      billing: { ...customers[1].billing, first_name: "Robert", last_name: "Brown", phone: "+1 555 0100" },
    };
    const mapped = mapCustomer(c);
    expect([mapped.firstName, mapped.lastName, mapped.phone]).toEqual(["Robert", "Brown", "+1 555 0100"]);
  });

  it("keeps orders_count and total_spent when an older store sends them", () => {
    const mapped = mapCustomer({ ...customers[0], orders_count: 3, total_spent: "120.50" });
    expect(mapped.customFields).toMatchObject({ orders_count: 3, total_spent: "120.50" });
  });

  it("maps a customer.created delivery body (empty billing)", () => {
    const frank = mapCustomer(delivered<WooCustomer>("customer.created"));
    expect(frank).toMatchObject({
      externalId: "6",
      email: "frank@example.test",
      firstName: "Frank",
      phone: null,
    });
  });

  it("refuses a customer without a modification or creation date", () => {
    expect(() => mapCustomer({ ...customers[0], date_modified_gmt: null, date_created_gmt: null })).toThrow(
      /date_modified_gmt is missing/,
    );
  });
});

describe("WooCommerce order mapping (real 11.0.1 bodies)", () => {
  it("maps a real order exactly: number, money, status, dates, line items", () => {
    const order = mapOrder(orders[1]);
    expect(order).toEqual({
      externalId: "19",
      orderNumber: "19",
      customerExternalId: "3",
      email: "bob@example.test",
      customerFirstName: "Bob",
      customerLastName: expect.anything(),
      customerPhone: null,
      financialStatus: "paid",
      fulfillmentStatus: "unfulfilled",
      totalMinor: 11799n,
      currency: "USD",
      orderDate: new Date("2026-11-24T04:35:18Z"),
      externalUpdatedAt: new Date("2026-11-24T04:35:18Z"),
      cancelledAt: null,
      items: [
        {
          externalId: "7",
          productExternalId: "11",
          variantExternalId: null,
          title: "Blue T-Shirt",
          sku: "TS-BLUE",
          quantity: 1,
          unitPriceMinor: 1999n,
        },
        {
          externalId: "8",
          productExternalId: "13",
          variantExternalId: null,
          title: "Green Hoodie",
          sku: "HD-GREEN",
          quantity: 2,
          unitPriceMinor: 4900n,
        },
      ],
    });
  });

  it("marks a completed order fulfilled (order.updated delivery)", () => {
    const order = mapOrder(delivered<WooOrder>("order.updated"));
    expect([order.fulfillmentStatus, order.financialStatus, order.totalMinor]).toEqual([
      "fulfilled",
      "paid",
      2850n,
    ]);
  });

  it("leaves guest orders and orders of deleted customers without a customer id, keeping the billing email", () => {
    const guest = mapOrder({ ...orders[0], customer_id: 0 });
    expect(guest.customerExternalId).toBeNull();
    expect(guest.email).toBe("carol@example.test");
  });

  it("keeps line items whose product was deleted for good (product_id 0, sku null)", () => {
    const base = orders[1];
    const order = mapOrder({
      ...base,
      line_items: [{ ...base.line_items![0], product_id: 0, sku: null }],
    });
    expect(order.items[0]).toMatchObject({ productExternalId: null, sku: null, title: "Blue T-Shirt" });
  });

  it("reports refunds in the financial status and keeps the order total", () => {
    const partial = mapOrder({ ...orders[1], refunds: [{ id: 30, reason: "", total: "-17.99" }] });
    expect([partial.financialStatus, partial.totalMinor]).toEqual(["partially_refunded", 11799n]);
    const full = mapOrder({ ...orders[1], refunds: [{ id: 30, reason: "", total: "-117.99" }] });
    expect(full.financialStatus).toBe("refunded");
    expect(mapOrder({ ...orders[1], status: "refunded" }).financialStatus).toBe("refunded");
  });

  it("maps cancelled, failed, pending and custom statuses", () => {
    const cancelled = mapOrder({ ...orders[1], status: "cancelled" });
    expect([cancelled.financialStatus, cancelled.cancelledAt]).toEqual([
      "voided",
      cancelled.externalUpdatedAt,
    ]);
    expect(mapOrder({ ...orders[1], status: "failed" }).financialStatus).toBe("failed");
    expect(mapOrder({ ...orders[1], status: "on-hold" }).financialStatus).toBe("pending");
    expect(mapOrder({ ...orders[1], status: "shipped-custom", date_paid_gmt: null }).financialStatus).toBe(
      "pending",
    );
  });

  it("computes an exact unit price from the line total, not WooCommerce's floating-point price", () => {
    const order = mapOrder({
      ...orders[1],
      line_items: [{ ...orders[1].line_items![0], quantity: 3, total: "10.00", price: 3.3333333333333335 }],
    });
    expect(order.items[0].unitPriceMinor).toBe(333n);
  });

  it("honours zero-decimal currencies", () => {
    const yen = mapOrder({
      ...orders[1],
      currency: "JPY",
      total: "1500",
      line_items: [{ ...orders[1].line_items![0], quantity: 2, total: "1500", price: 750 }],
    });
    expect([yen.totalMinor, yen.items[0].unitPriceMinor, yen.currency]).toEqual([1500n, 750n, "JPY"]);
  });

  it("rounds the amounts of a store with more decimals than its currency, as WooCommerce rounds", () => {
    // A store whose "Number of decimals" is 3 (USD has 2): every amount comes with 3 decimals.
    const threeDecimals = mapOrder({
      ...orders[1],
      total: "117.995",
      line_items: [{ ...orders[1].line_items![0], quantity: 3, total: "10.125", price: 3.375 }],
      refunds: [{ id: 90, reason: "", total: "-0.005" }],
    });
    expect(threeDecimals.totalMinor).toBe(11800n);
    expect(threeDecimals.items[0].unitPriceMinor).toBe(338n); // 10.125 ÷ 3 = 3.375 → 3.38, rounded once
    expect(threeDecimals.financialStatus).toBe("partially_refunded"); // the half-cent refund rounds to 0.01
    // A yen store left on WooCommerce's default of 2 decimals: tax leaves fractions of a yen.
    const yen = mapOrder({
      ...orders[1],
      currency: "JPY",
      total: "1081.08",
      line_items: [{ ...orders[1].line_items![0], quantity: 1, total: "1001.00", price: 1001 }],
      refunds: [],
    });
    expect([yen.totalMinor, yen.items[0].unitPriceMinor]).toEqual([1081n, 1001n]);
  });

  it("refuses an amount that is not a number, naming the field", () => {
    expect(() => mapOrder({ ...orders[1], total: "12,50" })).toThrow(
      /total: "12,50" is not a decimal amount/,
    );
  });
});

describe("WooCommerce product mapping (real 11.0.1 bodies)", () => {
  it("maps a simple product as one variant carrying its SKU and price", () => {
    const mug = mapProduct({ product: products[2], variations: [], currency: "USD" });
    expect(mug).toEqual({
      externalId: "12",
      title: "Red Mug",
      status: "publish",
      vendor: null,
      productType: "simple",
      handle: "red-mug",
      currency: "USD",
      minPriceMinor: 1100n,
      maxPriceMinor: 1100n,
      externalUpdatedAt: new Date("2026-11-24T04:35:18Z"),
      variants: [
        {
          externalId: "12",
          title: "Default",
          sku: "MUG-RED",
          priceMinor: 1100n,
          externalUpdatedAt: new Date("2026-11-24T04:35:18Z"),
        },
      ],
    });
  });

  it("maps a variable product's variations as variants with their price range", () => {
    const variation = (id: number, color: string, price: string): WooVariation => ({
      id,
      sku: `TS-${color.toUpperCase()}`,
      price,
      date_modified_gmt: "2026-11-20T10:00:00",
      attributes: [
        { id: 1, name: "Color", option: color },
        { id: 2, name: "Size", option: "M" },
      ],
    });
    const product = { ...products[3], type: "variable", price: "18.00", variations: [40, 41] };
    const mapped = mapProduct({
      product,
      variations: [variation(40, "Blue", "18.00"), variation(41, "Red", "21.50")],
      currency: "USD",
    });
    expect(mapped.variants.map((v) => [v.externalId, v.title, v.sku, v.priceMinor])).toEqual([
      ["40", "Blue / M", "TS-BLUE", 1800n],
      ["41", "Red / M", "TS-RED", 2150n],
    ]);
    expect([mapped.minPriceMinor, mapped.maxPriceMinor]).toEqual([1800n, 2150n]);
  });

  it("maps a product.updated delivery body", () => {
    const shirt = mapProduct({
      product: delivered<WooProduct>("product.updated"),
      variations: [],
      currency: "USD",
    });
    expect([shirt.externalId, shirt.minPriceMinor, shirt.variants[0].sku]).toEqual(["11", 1999n, "TS-BLUE"]);
  });

  it("rounds a catalogue price typed with more decimals than the currency", () => {
    const screws = mapProduct({
      product: { ...products[2], price: "0.125", regular_price: "0.125" },
      variations: [],
      currency: "USD",
    });
    expect([screws.minPriceMinor, screws.variants[0].priceMinor]).toEqual([13n, 13n]);
  });

  it("leaves prices empty when the product has none", () => {
    const grouped = mapProduct({
      product: { ...products[0], type: "grouped", price: "" },
      variations: [],
      currency: "USD",
    });
    expect([grouped.minPriceMinor, grouped.variants[0].priceMinor]).toEqual([null, null]);
  });
});

describe("WooCommerce dates", () => {
  it("reads `_gmt` dates as UTC and writes them back to the second", () => {
    const date = parseGmt("2026-11-24T04:36:29")!;
    expect(date.toISOString()).toBe("2026-11-24T04:36:29.000Z");
    expect(formatGmt(date)).toBe("2026-11-24T04:36:29");
    expect(parseGmt(null)).toBeNull();
    expect(() => parseGmt("yesterday")).toThrow(/not a date/);
  });
});
