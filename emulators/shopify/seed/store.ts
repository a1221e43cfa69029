/**
 * Shop records plus the derived views the GraphQL layer needs fast at scale (sorted arrays, per-customer order
 * totals, a variant index). Views are cached per record map and rebuilt after any change made through
 * `touch()` — every write in the emulator goes through here so a 100,000-record shop is not re-sorted per page.
 */
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop, EmuVariant } from "../model";

export type ResourceName = "customers" | "orders" | "products";
export type SortKey = "UPDATED_AT" | "CREATED_AT" | "ID" | "PROCESSED_AT";
type AnyRecord = EmuCustomer | EmuOrder | EmuProduct;

interface ViewCache {
  version: number;
  size: number;
  sorted: Map<string, AnyRecord[]>;
  customerTotals?: Map<bigint, { count: number; spentCents: bigint; lastOrderId: bigint | null }>;
  variants?: Map<bigint, { product: EmuProduct; variant: EmuVariant }>;
  ordersByCustomer?: Map<string, Map<bigint, EmuOrder[]>>;
}

const versions = new WeakMap<Map<bigint, unknown>, number>();
const caches = new WeakMap<Map<bigint, unknown>, ViewCache>();

/** Marks a record map as changed so cached views are rebuilt. */
export function touch(map: Map<bigint, unknown>): void {
  versions.set(map, (versions.get(map) ?? 0) + 1);
}

function cacheFor(map: Map<bigint, unknown>): ViewCache {
  const version = versions.get(map) ?? 0;
  let cache = caches.get(map);
  if (!cache || cache.version !== version || cache.size !== map.size) {
    cache = { version, size: map.size, sorted: new Map() };
    caches.set(map, cache);
  }
  return cache;
}

/** Sort value of a record: epoch ms for dates, the id itself for ID. */
export function sortValue(record: AnyRecord, sortKey: SortKey): number | bigint {
  switch (sortKey) {
    case "UPDATED_AT":
      return record.updatedAt.getTime();
    case "CREATED_AT":
      return record.createdAt.getTime();
    case "PROCESSED_AT":
      return "processedAt" in record ? record.processedAt.getTime() : record.createdAt.getTime();
    case "ID":
      return record.id;
  }
}

export function compareKeys(a: [number | bigint, bigint], b: [number | bigint, bigint]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** All records of a resource in ascending (sortKey, id) order; cached until the next touch(). */
export function sortedRecords<T extends AnyRecord>(map: Map<bigint, T>, sortKey: SortKey): T[] {
  const cache = cacheFor(map);
  let sorted = cache.sorted.get(sortKey) as T[] | undefined;
  if (!sorted) {
    const keyed = Array.from(map.values(), (record) => ({ record, key: sortValue(record, sortKey) }));
    keyed.sort((x, y) => compareKeys([x.key, x.record.id], [y.key, y.record.id]));
    sorted = keyed.map((k) => k.record);
    cache.sorted.set(sortKey, sorted);
  }
  return sorted;
}

/** Order count, total spent (shop currency cents, excluding cancelled orders) and last order per customer. */
export function customerTotals(
  shop: EmuShop,
): Map<bigint, { count: number; spentCents: bigint; lastOrderId: bigint | null }> {
  const cache = cacheFor(shop.orders);
  if (!cache.customerTotals) {
    const totals = new Map<
      bigint,
      { count: number; spentCents: bigint; lastOrderId: bigint | null; lastAt: number }
    >();
    for (const order of shop.orders.values()) {
      if (order.customerId === null) continue;
      let entry = totals.get(order.customerId);
      if (!entry) {
        entry = { count: 0, spentCents: 0n, lastOrderId: null, lastAt: -Infinity };
        totals.set(order.customerId, entry);
      }
      entry.count += 1;
      if (!order.cancelledAt) entry.spentCents += decimalToCents(order.totalPrice);
      if (order.createdAt.getTime() > entry.lastAt) {
        entry.lastAt = order.createdAt.getTime();
        entry.lastOrderId = order.id;
      }
    }
    cache.customerTotals = totals;
  }
  return cache.customerTotals;
}

/** A customer's orders in ascending (sortKey, id) order, from a per-shop index rebuilt after order changes. */
export function ordersOfCustomer(shop: EmuShop, customerId: bigint, sortKey: SortKey): EmuOrder[] {
  const cache = cacheFor(shop.orders);
  cache.ordersByCustomer ??= new Map();
  let index = cache.ordersByCustomer.get(sortKey);
  if (!index) {
    index = new Map();
    for (const order of sortedRecords(shop.orders, sortKey)) {
      if (order.customerId === null) continue;
      let list = index.get(order.customerId);
      if (!list) index.set(order.customerId, (list = []));
      list.push(order);
    }
    cache.ordersByCustomer.set(sortKey, index);
  }
  return index.get(customerId) ?? [];
}

/** Variant id → its product and variant. */
export function variantIndex(shop: EmuShop): Map<bigint, { product: EmuProduct; variant: EmuVariant }> {
  const cache = cacheFor(shop.products);
  if (!cache.variants) {
    const index = new Map<bigint, { product: EmuProduct; variant: EmuVariant }>();
    for (const product of shop.products.values()) {
      for (const variant of product.variants) index.set(variant.id, { product, variant });
    }
    cache.variants = index;
  }
  return cache.variants;
}

/** Allocates the next id of a shop (shared by every object type, like Shopify's global ids). */
export function nextId(shop: EmuShop): bigint {
  const id = shop.nextId;
  shop.nextId += 1n;
  return id;
}

/**
 * Stores a record (replacing any previous object, never mutating it in place: running bulk operations hold
 * snapshots of the old objects).
 */
export function putRecord<T extends AnyRecord>(map: Map<bigint, T>, record: T): void {
  map.set(record.id, record);
  touch(map);
}

export function deleteRecord(map: Map<bigint, unknown>, id: bigint): boolean {
  const deleted = map.delete(id);
  if (deleted) touch(map);
  return deleted;
}

/** "19.99" → 1999n; accepts "73", "73.0", "-5.5". Exact (no floating point). */
export function decimalToCents(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(value.trim());
  if (!m) throw new Error(`Not a decimal amount: ${value}`);
  const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? "0").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

/** 1999n → "19.99". */
export function centsToDecimal(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Formats a decimal the way Shopify's Decimal scalar does: "73.0", "19.9", "19.99". */
export function shopifyDecimal(value: string): string {
  if (!value.includes(".")) return `${value}.0`;
  const trimmed = value.replace(/0+$/, "");
  return trimmed.endsWith(".") ? `${trimmed}0` : trimmed;
}
