/**
 * Deterministic seed data. A shop is a pure function of (seed, domain, counts, now), and so is each of its records:
 * seeded customers, products and orders are generated on demand from their row (customers.ts, products.ts,
 * orders.ts), only their timestamps are kept (8 bytes a row), so a 1,000,000-order shop seeds in seconds and a few
 * tens of MB. Every 500th customer, order and product has an id above 2^53 (ids.ts).
 */
import { hashSeed } from "../../shared/prng";
import type { EmuShop } from "../model";
import { RecordTable } from "../store/table";
import { customerRows } from "./customers";
import { ShopIds } from "./ids";
import { orderRows } from "./orders";
import { productRows } from "./products";

export { PRESENTMENT_RATES, ZERO_DECIMAL_CURRENCIES } from "./catalog";

export interface SeedShopOptions {
  domain: string;
  seed: number;
  customers: number;
  orders: number;
  products: number;
  /** Reference "now": generated timestamps lie in the two years before it. */
  now: Date;
  plan?: EmuShop["plan"];
  currencyCode?: string;
}

function shopIds(seed: number, domain: string): ShopIds {
  return new ShopIds(hashSeed(seed, domain) % 1000);
}

/** Creates an empty shop (no records). */
export function createEmptyShop(
  domain: string,
  seed: number,
  options: Partial<Pick<EmuShop, "plan" | "currencyCode">> = {},
): EmuShop {
  const handle = domain.replace(/\.myshopify\.com$/, "");
  const ids = shopIds(seed, domain);
  return {
    domain,
    id: 60_000_000_000n + BigInt(ids.shopIndex),
    name: handle
      .split(/[-_.]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(" "),
    email: `owner@${handle}.example.com`,
    currencyCode: options.currencyCode ?? "USD",
    ianaTimezone: "America/New_York",
    plan: options.plan ?? "Standard",
    customers: new RecordTable(),
    orders: new RecordTable(),
    products: new RecordTable(),
    webhookSubscriptions: new Map(),
    seeded: null,
    installed: true,
    nextId: ids.firstCreatedId,
  };
}

/**
 * Generates a complete shop. `poolOffset` shifts which part of the shared person pool the shop starts at: shops
 * after the first reuse about a fifth of the first shop's people.
 */
export function seedShop(options: SeedShopOptions, poolOffset = 0): EmuShop {
  const shop = createEmptyShop(options.domain, options.seed, options);
  const ids = shopIds(options.seed, options.domain);
  const common = { seed: options.seed, domain: options.domain, nowMs: options.now.getTime(), ids };
  const customers = customerRows({
    ...common,
    count: options.customers,
    currencyCode: shop.currencyCode,
    poolOffset,
  });
  const products = productRows({ ...common, count: options.products });
  const orders = orderRows({
    ...common,
    count: options.orders,
    currencyCode: shop.currencyCode,
    customerCreatedS: customers.createdS,
    productCount: options.products,
    pricing: products.pricing,
    customer: (row) => customers.generate(row),
    product: (row) => products.rows.generate(row),
  });
  shop.customers = new RecordTable(customers);
  shop.products = new RecordTable(products.rows);
  shop.orders = new RecordTable(orders.rows);
  shop.seeded = {
    orderFacts: orders.facts,
    variantSlot: (variantId) => {
      const slot = ids.variantSlot(variantId, options.products);
      return slot && slot.index < products.pricing.variantCount[slot.productRow] ? slot : null;
    },
  };
  return shop;
}
