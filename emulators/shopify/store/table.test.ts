/** Seeded tables: records generated on demand, exactly as if they had been stored, plus an overlay of writes. */
import { describe, expect, it } from "vitest";
import { seedShop } from "../seed/seed";
import type { EmuCustomer } from "../model";
import { compareKeys } from "./keys";
import { customerTotal, orderRowsOfCustomer } from "./views";

const now = new Date("2026-11-01T00:00:00Z");
const options = { domain: "demo.myshopify.com", seed: 9, customers: 3_000, orders: 5_000, products: 40, now };

describe("a seeded table", () => {
  it("GIVEN any row WHEN generated alone, twice or after others THEN the record is the same", () => {
    const a = seedShop(options);
    const b = seedShop(options);
    const alone = b.orders.record(4321);
    expect([...a.orders.values()][4321]).toEqual(alone);
    expect(b.orders.record(4321)).toEqual(alone);
    expect(a.customers.get(alone.customerId!)).toEqual(b.customers.get(alone.customerId!));
  });

  it("GIVEN ids of every kind, above 2^53 included WHEN looked up THEN each finds its record; unknown ids find nothing", () => {
    const shop = seedShop(options);
    const ids = [...shop.customers.keys()];
    expect(ids.filter((id) => id > 2n ** 53n).length).toBe(6);
    for (const id of ids.slice(0, 600)) expect(shop.customers.get(id)?.id).toBe(id);
    expect(shop.customers.get(1n)).toBeUndefined();
    expect(shop.customers.get(ids[0] + 10_000_000n)).toBeUndefined();
    expect(shop.orders.get(ids[0])).toBeUndefined();
  });

  it("GIVEN the key arrays WHEN sorted by updatedAt THEN the order is the one the generated records give", () => {
    const shop = seedShop(options);
    const records = [...shop.customers.values()];
    const expected = records
      .map((c) => [c.updatedAt.getTime(), c.id] as [number, bigint])
      .sort(compareKeys)
      .map(([, id]) => id);
    const sorted = Array.from(shop.customers.sortedRows("UPDATED_AT"), (row) => shop.customers.idOfRow(row));
    expect(sorted).toEqual(expected);
  });

  it("GIVEN writes WHEN reading THEN changed, created and deleted records show, sort follows, a snapshot does not move", () => {
    const shop = seedShop(options);
    const table = shop.customers;
    const first = table.record(0);
    const snapshot = table.snapshot();
    const later = new Date(now.getTime() + 1000);
    const changed: EmuCustomer = { ...first, note: "changed", updatedAt: later };
    table.set(first.id, changed);
    const created: EmuCustomer = { ...first, id: shop.nextId++, email: "new@example.com", updatedAt: later };
    table.set(created.id, created);
    table.delete(table.record(1).id);

    expect(table.size).toBe(options.customers);
    expect(table.get(first.id)?.note).toBe("changed");
    expect(table.get(created.id)?.email).toBe("new@example.com");
    const last = Array.from(table.sortedRows("UPDATED_AT"))
      .slice(-2)
      .map((row) => table.idOfRow(row));
    expect(last).toEqual([first.id, created.id]);
    expect(Array.from(table.sortedRows("UPDATED_AT"))).not.toContain(1);
    expect(snapshot.record(0)).toEqual(first);
  });

  it("GIVEN seeded orders WHEN totals are read THEN they equal the sums over the generated orders", () => {
    const shop = seedShop(options);
    const orders = [...shop.orders.values()];
    const customer = orders.find((o) => o.customerId !== null)!.customerId!;
    const mine = orders.filter((o) => o.customerId === customer);
    const spent = mine
      .filter((o) => !o.cancelledAt)
      .reduce((sum, o) => sum + BigInt(o.totalPrice.replace(".", "")), 0n);
    expect(customerTotal(shop, customer)).toMatchObject({ count: mine.length, spentCents: spent });
    expect(orderRowsOfCustomer(shop, customer, "ID").map((row) => shop.orders.idOfRow(row))).toEqual(
      mine.map((o) => o.id).sort((x, y) => (x < y ? -1 : 1)),
    );
  });

  it("GIVEN 1,000,000 orders and customers WHEN seeded THEN no record is stored: each is generated when read", () => {
    const shop = seedShop({ ...options, customers: 1_000_000, orders: 1_000_000, products: 1_000 });
    expect(shop.orders.size).toBe(1_000_000);
    expect(shop.customers.size).toBe(1_000_000);
    expect([...shop.orders.overlaid()]).toEqual([]);
    const order = shop.orders.record(999_999);
    expect(order.name).toBe("#1001000");
    expect(shop.orders.get(order.id)).toEqual(order);
  });
});
