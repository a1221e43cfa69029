/**
 * WooCommerce REST v3 bodies → canonical records. Pure: no I/O; throws on data it cannot read (the engine then
 * counts that record as failed with the message).
 *
 * - Contacts follow the seed: name from the account or else billing, phone from billing, custom fields
 *   `woocommerce_id`, `username`, `is_paying_customer` (+ `orders_count`, `total_spent` when a store sends them:
 *   WooCommerce removed both from REST v2 on, so WooCommerce 11 never does). Consent: WooCommerce has no
 *   marketing-consent field, so a contact is never `subscribed` on its say-so: `unknown`, which the engine never
 *   lets replace a state another store knows (see ADR 0020 and its addendum).
 * - Orders: guest checkouts and orders whose customer account was deleted (`customer_id: 0`) carry no customer id,
 *   so the engine links them by billing email. Fulfilled when completed. Money from decimal strings, exact; an
 *   amount with more decimals than the currency is rounded to its minor unit as WooCommerce rounds.
 * - Products: a variable product's variations are its variants; any other product is one variant of its own (its
 *   SKU and price), as Shopify's single "Default Title" variant.
 */
import { MoneyError, roundToMinorUnits } from "../../lib/money";
import {
  UNKNOWN_CONSENT,
  type ContactRecord,
  type OrderItemRecord,
  type OrderRecord,
  type ProductRecord,
  type ProductVariantRecord,
} from "../../sync/types";
import type {
  WooCustomer,
  WooId,
  WooLineItem,
  WooOrder,
  WooProductWithVariations,
  WooVariation,
} from "./types";

/** "2026-11-24T04:36:29" (WooCommerce `_gmt`, no zone) → Date in UTC. Null/empty → null. */
export function parseGmt(value: string | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  if (Number.isNaN(date.getTime())) throw new Error(`"${value}" is not a date`);
  return date;
}

/** Date → "2026-11-24T04:36:29" (the form `modified_after` takes with `dates_are_gmt=true`). */
export function formatGmt(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function requiredDate(value: string | null | undefined, field: string, fallback?: string | null): Date {
  const date = parseGmt(value) ?? parseGmt(fallback);
  if (!date) throw new Error(`${field} is missing`);
  return date;
}

function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** WooCommerce customer → contact. */
export function mapCustomer(customer: WooCustomer): ContactRecord {
  if (customer === null || typeof customer !== "object" || !customer.id)
    throw new Error("customer has no id");
  const billing = customer.billing ?? {};
  const customFields: Record<string, unknown> = {
    woocommerce_id: String(customer.id),
    username: text(customer.username),
    is_paying_customer: customer.is_paying_customer ?? false,
  };
  if (customer.orders_count !== undefined) customFields.orders_count = customer.orders_count;
  if (customer.total_spent !== undefined) customFields.total_spent = customer.total_spent;
  return {
    externalId: String(customer.id),
    email: text(customer.email) ?? text(billing.email),
    firstName: text(customer.first_name) ?? text(billing.first_name),
    lastName: text(customer.last_name) ?? text(billing.last_name),
    phone: text(billing.phone),
    tags: [],
    customFields,
    // WooCommerce records no consent: "unknown" keeps another store's known state on the same contact.
    marketingState: UNKNOWN_CONSENT,
    marketingOptInLevel: null,
    marketingUpdatedAt: null,
    externalUpdatedAt: requiredDate(
      customer.date_modified_gmt,
      "date_modified_gmt",
      customer.date_created_gmt,
    ),
  };
}

const FINANCIAL_STATUS: Record<string, string> = {
  pending: "pending",
  "on-hold": "pending",
  "checkout-draft": "pending",
  processing: "paid",
  completed: "paid",
  cancelled: "voided",
  refunded: "refunded",
  failed: "failed",
};

/** WooCommerce order → order (with its line items). */
export function mapOrder(order: WooOrder): OrderRecord {
  if (order === null || typeof order !== "object" || !order.id) throw new Error("order has no id");
  const currency = text(order.currency)?.toUpperCase();
  if (!currency) throw new Error("order has no currency");
  const billing = order.billing ?? {};
  const totalMinor = money(order.total, currency, "total");
  const refundedMinor = (order.refunds ?? []).reduce(
    (sum, r) => sum + absolute(money(r.total, currency, "refund total")),
    0n,
  );
  const updatedAt = requiredDate(order.date_modified_gmt, "date_modified_gmt", order.date_created_gmt);
  return {
    externalId: String(order.id),
    orderNumber: text(order.number) ?? String(order.id),
    customerExternalId: positiveId(order.customer_id),
    email: text(billing.email),
    customerFirstName: text(billing.first_name),
    customerLastName: text(billing.last_name),
    customerPhone: text(billing.phone),
    financialStatus: financialStatus(order, totalMinor, refundedMinor),
    fulfillmentStatus: order.status === "completed" ? "fulfilled" : "unfulfilled",
    totalMinor,
    currency,
    orderDate: requiredDate(order.date_created_gmt, "date_created_gmt"),
    externalUpdatedAt: updatedAt,
    cancelledAt: order.status === "cancelled" ? updatedAt : null,
    items: (order.line_items ?? []).map((item) => mapLineItem(item, currency)),
  };
}

function financialStatus(order: WooOrder, totalMinor: bigint, refundedMinor: bigint): string {
  if (order.status === "refunded" || (refundedMinor > 0n && refundedMinor >= totalMinor)) return "refunded";
  const base = FINANCIAL_STATUS[order.status] ?? (order.date_paid_gmt ? "paid" : "pending");
  return refundedMinor > 0n && base === "paid" ? "partially_refunded" : base;
}

/** An id that names a record (0 names none: a guest, a deleted product), as text; above 2^53 it arrives as text. */
function positiveId(id: WooId | null | undefined): string | null {
  if (typeof id === "number") return Number.isInteger(id) && id > 0 ? String(id) : null;
  return typeof id === "string" && /^[1-9]\d*$/.test(id) ? id : null;
}

function mapLineItem(item: WooLineItem, currency: string): OrderItemRecord {
  const quantity = Number(item.quantity);
  if (!Number.isInteger(quantity)) throw new Error(`line item ${item.id} has quantity ${item.quantity}`);
  return {
    externalId: item.id ? String(item.id) : null,
    // A product deleted for good leaves product_id 0 and sku null on past line items.
    productExternalId: positiveId(item.product_id),
    variantExternalId: positiveId(item.variation_id),
    title: text(item.name) ?? "(untitled item)",
    sku: text(item.sku ?? null),
    quantity,
    unitPriceMinor: unitPrice(item, quantity, currency),
  };
}

/**
 * The unit price after discounts. WooCommerce computes `price` as total ÷ quantity in floating point (10.00 / 3 →
 * 3.3333333333333335), so the exact line `total` divided here is preferred, rounded once to the nearest minor unit
 * (half away from zero); `price` only when there is no total.
 */
function unitPrice(item: WooLineItem, quantity: number, currency: string): bigint {
  if (item.total !== undefined && item.total !== "" && quantity !== 0) {
    const unit = money(item.total, currency, `line item ${item.id} total`, BigInt(Math.abs(quantity)));
    return quantity < 0 ? -unit : unit;
  }
  if (item.price === undefined || item.price === "") return 0n;
  return money(item.price, currency, `line item ${item.id} price`);
}

/** Product (+ its variations and the store currency) → product with variants. */
export function mapProduct(input: WooProductWithVariations): ProductRecord {
  const { product, variations, currency } = input;
  if (!product || typeof product !== "object" || !product.id) throw new Error("product has no id");
  const updatedAt = requiredDate(product.date_modified_gmt, "date_modified_gmt", product.date_created_gmt);
  const variants: ProductVariantRecord[] =
    product.type === "variable"
      ? variations.map((v) => mapVariation(v, currency))
      : [
          {
            externalId: String(product.id),
            title: "Default",
            sku: text(product.sku ?? null),
            priceMinor: price(product.price, currency, `product ${product.id} price`),
            externalUpdatedAt: updatedAt,
          },
        ];
  const prices = variants.map((v) => v.priceMinor).filter((p): p is bigint => p !== null);
  const own = price(product.price, currency, `product ${product.id} price`);
  return {
    externalId: String(product.id),
    title: text(product.name) ?? `Product ${product.id}`,
    status: product.status,
    vendor: text(product.brands?.[0]?.name ?? null),
    productType: text(product.type ?? null),
    handle: text(product.slug ?? null),
    currency,
    minPriceMinor: prices.length ? prices.reduce((a, b) => (b < a ? b : a)) : own,
    maxPriceMinor: prices.length ? prices.reduce((a, b) => (b > a ? b : a)) : own,
    externalUpdatedAt: updatedAt,
    variants,
  };
}

function mapVariation(variation: WooVariation, currency: string | null): ProductVariantRecord {
  const options = (variation.attributes ?? []).map((a) => a.option).filter(Boolean);
  return {
    externalId: String(variation.id),
    title: options.length ? options.join(" / ") : (text(variation.name) ?? `Variation ${variation.id}`),
    sku: text(variation.sku ?? null),
    priceMinor: price(variation.price, currency, `variation ${variation.id} price`),
    externalUpdatedAt: parseGmt(variation.date_modified_gmt),
  };
}

function price(value: string | undefined, currency: string | null, what: string): bigint | null {
  if (value === undefined || value === "" || currency === null) return null;
  return money(value, currency, what);
}

/**
 * A WooCommerce amount in minor units. A store may keep more decimals than its currency has (its "Number of decimals"
 * setting, a catalogue price typed as "0.125"): such amounts are rounded to the currency's minor unit as WooCommerce
 * itself rounds (`wc_format_decimal`, half away from zero) rather than refusing the whole record (ADR 0020 addendum).
 */
function money(value: string | number, currency: string, what: string, divisor = 1n): bigint {
  try {
    return roundToMinorUnits(value, currency, divisor);
  } catch (error) {
    if (error instanceof MoneyError) throw new Error(`${what}: ${error.message}`);
    throw error;
  }
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}
