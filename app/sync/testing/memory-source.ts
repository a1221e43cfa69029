/**
 * An in-memory store platform for tests, benchmarks and demos: the engine's contract without HTTP.
 *
 * Remote records look like a small store API (snake_case, decimal money strings, ISO dates) so the mappers do real
 * work and can reject bad data. A dataset is either an array (tests; append to it to simulate new updates) or a
 * generator `(index) => record` with a size (benchmarks: nothing is held in memory). The cursor is the index of the
 * next record, so it only moves forward and an incremental read picks up records appended later.
 */
import { toMinorUnits } from "../../lib/money";
import type {
  ContactRecord,
  OrderRecord,
  ProductRecord,
  Resource,
  ResourceReader,
  SourcePage,
  SyncSource,
} from "../types";

export interface MemoryCustomer {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone?: string | null;
  tags?: string;
  accepts_marketing?: boolean;
  total_spent?: string;
  orders_count?: number;
  updated_at: string;
}

export interface MemoryLineItem {
  id: string;
  product_id: string | null;
  variant_id: string | null;
  title: string;
  sku?: string | null;
  quantity: number;
  price: string;
}

export interface MemoryOrder {
  id: string;
  number: string | number;
  customer_id: string | null;
  email: string | null;
  first_name?: string | null;
  last_name?: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  total: string;
  currency: string;
  created_at: string;
  updated_at: string;
  cancelled_at?: string | null;
  line_items: MemoryLineItem[];
}

export interface MemoryVariant {
  id: string;
  title: string;
  sku?: string | null;
  price: string | null;
  updated_at?: string;
}

export interface MemoryProduct {
  id: string;
  title: string;
  status: string;
  vendor?: string | null;
  product_type?: string | null;
  handle?: string | null;
  currency?: string;
  updated_at: string;
  variants: MemoryVariant[];
}

export type Dataset<T> = T[] | { size: number; at: (index: number) => T };

export interface MemorySourceOptions {
  platform?: string;
  customers?: Dataset<MemoryCustomer>;
  orders?: Dataset<MemoryOrder>;
  products?: Dataset<MemoryProduct>;
  pageSize?: number;
  /** Awaited before each page (simulates a slow store; tests use it to kill a process mid-run). */
  pageDelayMs?: number;
  /** Throws from the reader of `resource` after it yielded `afterPages` pages (simulated crash). */
  failAfter?: { resource: Resource; afterPages: number; message?: string; error?: () => Error };
  /** Called before each page is yielded (tests: abort, count pages). */
  onPage?: (resource: Resource, pageIndex: number) => void;
  /** Report `estimatedTotal` on pages (default true). */
  estimate?: boolean;
}

function sizeOf<T>(data: Dataset<T>): number {
  return Array.isArray(data) ? data.length : data.size;
}
function itemAt<T>(data: Dataset<T>, index: number): T {
  return Array.isArray(data) ? data[index] : data.at(index);
}

function parseDate(value: unknown, field: string): Date {
  if (typeof value !== "string" || value === "") throw new Error(`${field} is missing`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${field} "${value}" is not a date`);
  return date;
}
function requireId(value: unknown, field: string): string {
  if (typeof value !== "string" && typeof value !== "number") throw new Error(`${field} is missing`);
  const id = String(value);
  if (id === "") throw new Error(`${field} is missing`);
  return id;
}

/** Pure mapper: memory customer → ContactRecord. */
export function mapMemoryCustomer(remote: MemoryCustomer): ContactRecord {
  return {
    externalId: requireId(remote.id, "customer id"),
    email: remote.email ?? null,
    firstName: remote.first_name ?? null,
    lastName: remote.last_name ?? null,
    phone: remote.phone ?? null,
    tags: remote.tags
      ? remote.tags
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [],
    customFields: {
      memory_id: remote.id,
      ...(remote.orders_count !== undefined ? { orders_count: remote.orders_count } : {}),
      ...(remote.total_spent !== undefined ? { total_spent: remote.total_spent } : {}),
    },
    marketingState: remote.accepts_marketing ? "subscribed" : "not_subscribed",
    marketingOptInLevel: remote.accepts_marketing ? "single_opt_in" : null,
    marketingUpdatedAt: null,
    externalUpdatedAt: parseDate(remote.updated_at, "updated_at"),
  };
}

/** Pure mapper: memory order → OrderRecord (money parsed exactly; a bad amount throws). */
export function mapMemoryOrder(remote: MemoryOrder): OrderRecord {
  const currency = remote.currency;
  if (!currency) throw new Error("currency is missing");
  return {
    externalId: requireId(remote.id, "order id"),
    orderNumber: requireId(remote.number, "order number"),
    customerExternalId: remote.customer_id ?? null,
    email: remote.email ?? null,
    customerFirstName: remote.first_name ?? null,
    customerLastName: remote.last_name ?? null,
    financialStatus: remote.financial_status ?? null,
    fulfillmentStatus: remote.fulfillment_status ?? null,
    totalMinor: toMinorUnits(remote.total, currency),
    currency,
    orderDate: parseDate(remote.created_at, "created_at"),
    externalUpdatedAt: parseDate(remote.updated_at, "updated_at"),
    cancelledAt: remote.cancelled_at ? parseDate(remote.cancelled_at, "cancelled_at") : null,
    items: (remote.line_items ?? []).map((item) => ({
      externalId: item.id ?? null,
      productExternalId: item.product_id ?? null,
      variantExternalId: item.variant_id ?? null,
      title: item.title,
      sku: item.sku ?? null,
      quantity: item.quantity,
      unitPriceMinor: toMinorUnits(item.price, currency),
    })),
  };
}

/** Pure mapper: memory product → ProductRecord. */
export function mapMemoryProduct(remote: MemoryProduct): ProductRecord {
  const currency = remote.currency ?? "USD";
  const prices = remote.variants
    .filter((v) => v.price !== null)
    .map((v) => toMinorUnits(v.price as string, currency));
  const updatedAt = parseDate(remote.updated_at, "updated_at");
  return {
    externalId: requireId(remote.id, "product id"),
    title: remote.title,
    status: remote.status,
    vendor: remote.vendor ?? null,
    productType: remote.product_type ?? null,
    handle: remote.handle ?? null,
    currency,
    minPriceMinor: prices.length ? prices.reduce((a, b) => (b < a ? b : a)) : null,
    maxPriceMinor: prices.length ? prices.reduce((a, b) => (b > a ? b : a)) : null,
    externalUpdatedAt: updatedAt,
    variants: remote.variants.map((v) => ({
      externalId: requireId(v.id, "variant id"),
      title: v.title,
      sku: v.sku ?? null,
      priceMinor: v.price === null ? null : toMinorUnits(v.price, currency),
      externalUpdatedAt: v.updated_at ? parseDate(v.updated_at, "variant updated_at") : updatedAt,
    })),
  };
}

function reader<T, R extends Resource>(
  resource: R,
  data: Dataset<T>,
  map: (remote: T) => ReturnType<ResourceReader<T, R>["map"]>,
  options: MemorySourceOptions,
): ResourceReader<T, R> {
  const pageSize = options.pageSize ?? 250;
  return {
    map,
    async *read(cursor: string | null, signal: AbortSignal): AsyncGenerator<SourcePage<T>> {
      let index = cursor === null ? 0 : Number(cursor);
      if (!Number.isInteger(index) || index < 0) throw new Error(`Invalid memory cursor "${cursor}"`);
      let pages = 0;
      while (index < sizeOf(data)) {
        if (signal.aborted) return;
        if (options.failAfter?.resource === resource && pages >= options.failAfter.afterPages) {
          throw (
            options.failAfter.error?.() ??
            new Error(options.failAfter.message ?? `Simulated crash reading ${resource} after ${pages} pages`)
          );
        }
        if (options.pageDelayMs) await new Promise((r) => setTimeout(r, options.pageDelayMs));
        const end = Math.min(index + pageSize, sizeOf(data));
        const records: T[] = [];
        for (let i = index; i < end; i++) records.push(itemAt(data, i));
        options.onPage?.(resource, pages);
        pages += 1;
        index = end;
        yield {
          records,
          cursor: String(index),
          ...(options.estimate === false ? {} : { estimatedTotal: sizeOf(data) }),
        };
      }
    },
  };
}

/** Builds a SyncSource over in-memory datasets (only the resources given get a reader). */
export function createMemorySource(options: MemorySourceOptions): SyncSource {
  return {
    platform: options.platform ?? "memory",
    readers: {
      ...(options.customers
        ? { customers: reader("customers", options.customers, mapMemoryCustomer, options) }
        : {}),
      ...(options.orders ? { orders: reader("orders", options.orders, mapMemoryOrder, options) } : {}),
      ...(options.products
        ? { products: reader("products", options.products, mapMemoryProduct, options) }
        : {}),
    },
  };
}

const ISO_BASE = Date.UTC(2025, 0, 1);

/** Deterministic customer #i (emails unique per `emailDomain`). */
export function syntheticCustomer(
  i: number,
  options: { emailDomain?: string; updatedOffsetMs?: number } = {},
): MemoryCustomer {
  return {
    id: `c${i}`,
    email: `Customer${i}@${options.emailDomain ?? "example.com"}`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    phone: i % 3 === 0 ? `+1555${String(i).padStart(7, "0")}` : null,
    tags: i % 2 === 0 ? "vip,newsletter" : "",
    accepts_marketing: i % 2 === 0,
    total_spent: `${i % 1000}.${String(i % 100).padStart(2, "0")}`,
    orders_count: i % 7,
    updated_at: new Date(ISO_BASE + i * 1000 + (options.updatedOffsetMs ?? 0)).toISOString(),
  };
}

/** Deterministic order #i with `itemCount` line items; every 10th is a guest order, customers cycle over `customerCount`. */
export function syntheticOrder(
  i: number,
  options: { customerCount?: number; itemCount?: number; productCount?: number } = {},
): MemoryOrder {
  const customerCount = options.customerCount ?? 1000;
  const productCount = options.productCount ?? 100;
  const guest = i % 10 === 9;
  const customer = i % customerCount;
  const items: MemoryLineItem[] = [];
  let total = 0n;
  for (let k = 0; k < (options.itemCount ?? 3); k++) {
    const product = (i + k) % productCount;
    const cents = 500 + ((i * 7 + k * 13) % 10_000);
    total += BigInt(cents * (k + 1));
    items.push({
      id: `li${i}_${k}`,
      product_id: `p${product}`,
      variant_id: `v${product}_0`,
      title: `Product ${product}`,
      sku: `SKU-${product}`,
      quantity: k + 1,
      price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
    });
  }
  return {
    id: `o${i}`,
    number: 1000 + i,
    customer_id: guest ? null : `c${customer}`,
    email: guest ? `guest${i}@example.org` : `customer${customer}@example.com`,
    first_name: guest ? `Guest${i}` : null,
    last_name: null,
    financial_status: "paid",
    fulfillment_status: i % 4 === 0 ? "fulfilled" : null,
    total: `${total / 100n}.${String(total % 100n).padStart(2, "0")}`,
    currency: "USD",
    created_at: new Date(ISO_BASE + i * 60_000).toISOString(),
    updated_at: new Date(ISO_BASE + i * 60_000 + 1000).toISOString(),
    cancelled_at: null,
    line_items: items,
  };
}

/** Deterministic product #i with `variantCount` variants. */
export function syntheticProduct(i: number, options: { variantCount?: number } = {}): MemoryProduct {
  const variants: MemoryVariant[] = [];
  for (let k = 0; k < (options.variantCount ?? 2); k++) {
    const cents = 999 + i * 10 + k * 100;
    variants.push({
      id: `v${i}_${k}`,
      title: `Size ${k}`,
      sku: `SKU-${i}-${k}`,
      price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
    });
  }
  return {
    id: `p${i}`,
    title: `Product ${i}`,
    status: "active",
    vendor: "Acme",
    product_type: "Widget",
    handle: `product-${i}`,
    currency: "USD",
    updated_at: new Date(ISO_BASE + i * 5000).toISOString(),
    variants,
  };
}

/** A generated dataset of `size` records (nothing held in memory). */
export function generated<T>(size: number, at: (index: number) => T): Dataset<T> {
  return { size, at };
}
