/**
 * Derived views the GraphQL layer needs fast at scale — per-customer order totals, a customer's orders, the product
 * behind a variant id — built from the seeded facts (typed arrays, no record generated) plus the few records changed
 * since seeding, and rebuilt only after a write (the tables' versions).
 */
import type { EmuProduct, EmuShop, EmuVariant } from "../model";
import type { SortKey } from "./keys";
import { decimalToCents } from "./money";

export interface CustomerTotal {
  count: number;
  spentCents: bigint;
  lastOrderId: bigint | null;
}

interface Cache<T> {
  key: string;
  value: T;
}

const caches = new WeakMap<EmuShop, Map<string, Cache<unknown>>>();

/** Memoizes `build` per shop and name until the versions in `key` change. */
function cached<T>(shop: EmuShop, name: string, key: string, build: () => T): T {
  let byName = caches.get(shop);
  if (!byName) caches.set(shop, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.key === key) return hit.value as T;
  const value = build();
  byName.set(name, { key, value });
  return value;
}

const versions = (shop: EmuShop) =>
  `${shop.customers.version}/${shop.orders.version}/${shop.products.version}`;

/**
 * The live orders of the shop as (row, customer row or -1, total cents, cancelled, createdAt ms), seeded ones from
 * the facts arrays, changed and created ones from their records.
 */
function forEachOrder(
  shop: EmuShop,
  visit: (
    row: number,
    customerRow: number,
    totalCents: number,
    cancelled: boolean,
    createdMs: number,
  ) => void,
): void {
  const orders = shop.orders;
  const generated = orders.generatedCount;
  if (generated > 0 && shop.seeded) {
    const facts = shop.seeded.orderFacts();
    for (let row = 0; row < generated; row++) {
      if (orders.isOverlaid(row) || orders.isDeleted(row)) continue;
      visit(
        row,
        facts.customerRow[row],
        facts.totalCents[row],
        facts.cancelled[row] === 1,
        orders.sortValue(row, "CREATED_AT") as number,
      );
    }
  }
  for (const order of orders.overlaid()) {
    const row = orders.rowOfId(order.id);
    const customerRow = order.customerId === null ? -1 : shop.customers.rowOfId(order.customerId);
    if (order.customerId !== null && customerRow < 0) continue;
    visit(
      row,
      customerRow,
      Number(decimalToCents(order.totalPrice)),
      order.cancelledAt !== null,
      order.createdAt.getTime(),
    );
  }
}

/** Order count, total spent (shop currency cents, cancelled orders excluded) and last order, per customer row. */
export function customerTotalsByRow(shop: EmuShop): Map<number, CustomerTotal> {
  return cached(shop, "totals", versions(shop), () => {
    const totals = new Map<number, CustomerTotal & { lastAt: number }>();
    forEachOrder(shop, (row, customerRow, totalCents, cancelled, createdMs) => {
      if (customerRow < 0) return;
      let entry = totals.get(customerRow);
      if (!entry)
        totals.set(customerRow, (entry = { count: 0, spentCents: 0n, lastOrderId: null, lastAt: -Infinity }));
      entry.count += 1;
      if (!cancelled) entry.spentCents += BigInt(totalCents);
      if (createdMs > entry.lastAt) {
        entry.lastAt = createdMs;
        entry.lastOrderId = shop.orders.idOfRow(row);
      }
    });
    return totals;
  });
}

/** A customer's totals (zero when they have no order). */
export function customerTotal(shop: EmuShop, customerId: bigint): CustomerTotal {
  const row = shop.customers.rowOfId(customerId);
  return customerTotalsByRow(shop).get(row) ?? { count: 0, spentCents: 0n, lastOrderId: null };
}

/** A customer's order rows in ascending (sortKey, id) order. */
export function orderRowsOfCustomer(shop: EmuShop, customerId: bigint, sortKey: SortKey): number[] {
  const index = cached(shop, `orders-by-customer:${sortKey}`, versions(shop), () => {
    const customerOf = new Map<number, number>();
    forEachOrder(shop, (row, customerRow) => {
      if (customerRow >= 0) customerOf.set(row, customerRow);
    });
    const byCustomer = new Map<number, number[]>();
    for (const row of shop.orders.sortedRows(sortKey)) {
      const customerRow = customerOf.get(row);
      if (customerRow === undefined) continue;
      let list = byCustomer.get(customerRow);
      if (!list) byCustomer.set(customerRow, (list = []));
      list.push(row);
    }
    return byCustomer;
  });
  return index.get(shop.customers.rowOfId(customerId)) ?? [];
}

/** The product and variant behind a variant id, or undefined. */
export function findVariant(
  shop: EmuShop,
  variantId: bigint,
): { product: EmuProduct; variant: EmuVariant } | undefined {
  const changed = cached(shop, "changed-variants", String(shop.products.version), () => {
    const index = new Map<bigint, { product: EmuProduct; variant: EmuVariant }>();
    for (const product of shop.products.overlaid())
      for (const variant of product.variants) index.set(variant.id, { product, variant });
    return index;
  });
  const hit = changed.get(variantId);
  if (hit) return hit;
  const slot = shop.seeded?.variantSlot(variantId);
  if (!slot || shop.products.isOverlaid(slot.productRow)) return undefined;
  const product = shop.products.get(shop.products.idOfRow(slot.productRow));
  const variant = product?.variants[slot.index];
  return product && variant ? { product, variant } : undefined;
}

/** Ids of a customer's orders (compliance bodies). */
export function orderIdsOfCustomer(shop: EmuShop, customerId: bigint): bigint[] {
  return orderRowsOfCustomer(shop, customerId, "ID").map((row) => shop.orders.idOfRow(row));
}
