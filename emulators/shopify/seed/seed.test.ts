import { describe, expect, it } from "vitest";
import { seedShop } from "./seed";

const now = new Date("2026-11-01T00:00:00Z");
const options = {
  domain: "demo.myshopify.com",
  seed: 42,
  customers: 2_000,
  orders: 4_000,
  products: 60,
  now,
};

describe("seed data", () => {
  it("GIVEN the same seed WHEN generating twice THEN the shops are identical", () => {
    const a = seedShop(options);
    const b = seedShop(options);
    expect([...a.customers.values()]).toEqual([...b.customers.values()]);
    expect([...a.orders.values()]).toEqual([...b.orders.values()]);
    expect(
      seedShop({ ...options, seed: 43 })
        .customers.values()
        .next().value,
    ).not.toEqual(a.customers.values().next().value);
  });

  it("GIVEN a generated shop THEN it has the variety the app must handle", () => {
    const shop = seedShop(options);
    const customers = [...shop.customers.values()];
    const orders = [...shop.orders.values()];
    const states = new Set(customers.map((c) => c.emailConsent?.marketingState ?? "none"));
    expect([...states].sort()).toEqual([
      "INVALID",
      "NOT_SUBSCRIBED",
      "PENDING",
      "SUBSCRIBED",
      "UNSUBSCRIBED",
      "none",
    ]);
    expect(orders.some((o) => o.customerId === null && o.email !== null)).toBe(true);
    expect(new Set(orders.map((o) => o.presentmentCurrency)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(orders.map((o) => o.financialStatus)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(orders.map((o) => o.fulfillmentStatus)).size).toBeGreaterThanOrEqual(3);
    expect(orders.some((o) => o.refunds.length > 0)).toBe(true);
    expect([...shop.products.values()].some((p) => p.variants.length > 1)).toBe(true);
    const updated = customers.map((c) => c.updatedAt.getTime());
    expect(now.getTime() - Math.min(...updated)).toBeGreaterThan(600 * 86_400_000);
    expect([...shop.customers.keys(), ...shop.orders.keys()].some((id) => id > 2n ** 53n)).toBe(true);
    const ids = [
      ...shop.customers.keys(),
      ...shop.orders.keys(),
      ...shop.products.keys(),
      ...orders.flatMap((o) => o.lineItems.map((l) => l.id)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("GIVEN a generated shop THEN ids grow with creation time, as on Shopify, and each update follows its creation", () => {
    const shop = seedShop(options);
    const BIG = 2n ** 53n;
    for (const kind of ["customers", "orders", "products"] as const) {
      const records = [...shop[kind].values()]
        .filter((r) => r.id < BIG) // the few rows given ids above 2^53 on purpose
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const created = records.map((r) => r.createdAt.getTime());
      expect(created, kind).toEqual([...created].sort((a, b) => a - b));
      expect(new Set(created).size, kind).toBeGreaterThan(records.length / 2);
      expect(records.every((r) => r.updatedAt.getTime() >= r.createdAt.getTime())).toBe(true);
    }
  });

  it("GIVEN a generated shop THEN every order's customer was created at or before the order, as in a real shop", () => {
    const shop = seedShop(options);
    const orders = [...shop.orders.values()];
    const late = orders.filter((o) => {
      if (o.customerId === null) return false;
      const customer = shop.customers.get(o.customerId);
      return !customer || customer.createdAt.getTime() > o.createdAt.getTime();
    });
    expect({ late: late.length, first: late.slice(0, 3).map((o) => o.name) }).toEqual({ late: 0, first: [] });
    // Still mostly customers' orders, spread over many customers; the facts behind per-customer totals (orders
    // count, amount spent, last order) link each order to the customer its record names.
    const withCustomer = orders.filter((o) => o.customerId !== null);
    expect(withCustomer.length).toBeGreaterThan(orders.length * 0.8);
    expect(new Set(withCustomer.map((o) => o.customerId)).size).toBeGreaterThan(options.customers / 2);
    const facts = shop.seeded!.orderFacts();
    const linked = (o: (typeof orders)[number]) =>
      facts.customerRow[shop.orders.rowOfId(o.id)] ===
      (o.customerId === null ? -1 : shop.customers.rowOfId(o.customerId));
    expect(orders.every(linked)).toBe(true);
  });

  it("GIVEN two shops of one seed WHEN generated THEN some emails appear in both", () => {
    const a = seedShop(options);
    const b = seedShop({ ...options, domain: "second.myshopify.com" }, options.customers);
    const emailsA = new Set([...a.customers.values()].map((c) => c.email).filter(Boolean));
    const shared = [...b.customers.values()].filter((c) => c.email && emailsA.has(c.email));
    expect(shared.length).toBeGreaterThan(100);
    expect(shared.length).toBeLessThan(options.customers);
  });

  it("GIVEN 100,000 customers and 100,000 orders WHEN generated THEN every record is there", () => {
    const big = seedShop({ ...options, customers: 100_000, orders: 100_000, products: 200 });
    expect(big.customers.size).toBe(100_000);
    expect(big.orders.size).toBe(100_000);
  });
});
