import { describe, expect, it } from "vitest";
import { WooStore } from "../store/store";
import { SEED_END_MS } from "./seed";

describe("WooCommerce emulator seeding", () => {
  const clock = { now: () => Date.UTC(2026, 10, 24) };
  const seedStore = (seed: number, counts = { customers: 300, orders: 600, products: 30 }) => {
    const store = new WooStore(clock, () => {});
    store.seed(seed, counts);
    return store;
  };

  it("is deterministic for a seed and differs across seeds", () => {
    const a = seedStore(42);
    const b = seedStore(42);
    const c = seedStore(43);
    const snapshot = (s: WooStore) =>
      JSON.stringify([
        [...s.orders.values()].map((o) => ({ ...o, orderKey: "" })),
        [...s.customers.values()],
      ]);
    expect(snapshot(a)).toBe(snapshot(b));
    expect(snapshot(a)).not.toBe(snapshot(c));
  });

  it("has guest orders, variable products with variations, refunds, several statuses and shared guest emails", () => {
    const store = seedStore(5);
    const orders = [...store.orders.values()];
    expect(orders.some((o) => o.customerId === 0)).toBe(true);
    expect(new Set(orders.map((o) => o.status)).size).toBeGreaterThanOrEqual(5);
    expect(orders.some((o) => o.refunds.length > 0)).toBe(true);
    const variable = [...store.products.values()].filter((p) => p.type === "variable");
    expect(variable.length).toBeGreaterThan(0);
    expect(
      variable.every((p) => p.variationIds.every((id) => store.variations.get(id)?.parentId === p.id)),
    ).toBe(true);
    const guestEmails = orders
      .filter((o) => o.customerId === 0)
      .map((o) => (o.billing.email ?? "").toLowerCase());
    expect(new Set(guestEmails).size).toBeLessThan(guestEmails.length);
    const accountEmails = new Set([...store.customers.values()].map((c) => c.email));
    expect(accountEmails.size).toBe(store.customers.size);
    expect(guestEmails.some((e) => accountEmails.has(e))).toBe(true);
    const modified = [...store.customers.values()].filter((c) => c.modifiedMs > c.createdMs);
    expect(modified.length).toBeGreaterThan(0);
  });

  it("gives every order a customer created at or before it, as in a real store", () => {
    const store = seedStore(11, { customers: 2_000, orders: 4_000, products: 30 });
    const orders = [...store.orders.values()];
    const late = orders.filter((o) => {
      if (o.customerId === 0) return false;
      const customer = store.customers.get(o.customerId);
      return !customer || customer.createdMs > o.createdMs;
    });
    expect({ late: late.length, first: late.slice(0, 3).map((o) => o.id) }).toEqual({ late: 0, first: [] });
    const withCustomer = orders.filter((o) => o.customerId !== 0);
    expect(withCustomer.length).toBeGreaterThan(orders.length * 0.7);
    expect(new Set(withCustomer.map((o) => o.customerId)).size).toBeGreaterThan(1_000);
  });

  it("ends its history on the fixed date by default and on the end it is given (the demo's today)", () => {
    const dates = (store: WooStore) =>
      [...store.orders.values()].flatMap((o) => [
        o.createdMs,
        o.modifiedMs,
        ...(o.completedMs === null ? [] : [o.completedMs]),
        ...o.refunds.map((r) => r.createdMs),
      ]);
    const fixed = dates(seedStore(7));
    expect(Math.max(...fixed)).toBeLessThanOrEqual(SEED_END_MS);
    expect(Math.max(...fixed)).toBeGreaterThan(SEED_END_MS - 30 * 86_400_000);

    const end = Date.UTC(2026, 11, 2, 9, 30, 15);
    const store = new WooStore(clock, () => {});
    store.seed(7, { customers: 300, orders: 600, products: 30 }, end);
    const moved = dates(store);
    expect(Math.max(...moved)).toBeLessThanOrEqual(end);
    expect(Math.min(...moved)).toBeGreaterThanOrEqual(end - 3 * 365 * 86_400_000);
    // The last month has orders, spread as the rest of the three years are.
    const lastMonth = [...store.orders.values()].filter((o) => o.createdMs > end - 30 * 86_400_000).length;
    expect(lastMonth).toBeGreaterThan(5);
    // Same records, shifted as a whole.
    const shift = end - SEED_END_MS;
    expect(moved.map((ms) => ms - shift)).toEqual(fixed);
  });

  it("builds the benchmark store (20,000 customers, 50,000 orders, 2,000 products) with every line item pointing at a real product", () => {
    const store = seedStore(3, { customers: 20_000, orders: 50_000, products: 2_000 });
    expect([store.customers.size, store.orders.size, store.products.size]).toEqual([20_000, 50_000, 2_000]);
    const postIds = [...store.products.keys(), ...store.variations.keys(), ...store.orders.keys()];
    expect(new Set(postIds).size).toBe(postIds.length);
    const strays: number[] = [];
    for (const order of store.orders.values()) {
      if (order.modifiedMs % 1000 !== 0) strays.push(order.id);
      for (const item of order.lineItems) {
        const variationParent = item.variationId
          ? store.variations.get(item.variationId)?.parentId
          : item.productId;
        if (!store.products.has(item.productId) || variationParent !== item.productId) strays.push(order.id);
      }
    }
    expect(strays).toEqual([]);
  });

  it("builds 100,000 customers and 100,000 orders", () => {
    const store = seedStore(1, { customers: 100_000, orders: 100_000, products: 100 });
    expect(store.customers.size).toBe(100_000);
    expect(store.orders.size).toBe(100_000);
  });
});
