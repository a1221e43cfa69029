/**
 * The WooCommerce emulator's in-memory records. Named `EmulatedWoo*` so they are never mistaken for the app's
 * canonical records or for the REST bodies a WooCommerce client reads. Kept compact (money in integer cents, times
 * in epoch milliseconds on whole seconds, as WordPress stores them) so 100,000 customers and orders fit comfortably;
 * `render/` turns them into the exact REST v3 bodies of WooCommerce 11.0.1.
 */

/** Source of "now" in epoch milliseconds; tests inject a manual clock instead of sleeping. */
export interface Clock {
  now(): number;
}

export interface EmulatedWooAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface EmulatedWooMeta {
  id: number;
  key: string;
  value: string;
}

/** A WordPress user as `/customers` shows it: customers, and (role ≠ customer) the shop's staff. */
export interface EmulatedWooCustomer {
  id: number;
  createdMs: number;
  modifiedMs: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  /**
   * WordPress's `display_name`, which `/customers?orderby=name` sorts by (not shown in the REST body). Set once when
   * the user is created (`wpDisplayName`); a REST edit keeps it.
   */
  displayName: string;
  role: string;
  billing: EmulatedWooAddress;
  shipping: EmulatedWooAddress;
  isPayingCustomer: boolean;
  metaData: EmulatedWooMeta[];
}

export interface EmulatedWooAttribute {
  id: number;
  name: string;
  slug: string;
  position: number;
  visible: boolean;
  variation: boolean;
  options: string[];
}

export interface EmulatedWooProduct {
  id: number;
  name: string;
  slug: string;
  type: "simple" | "variable";
  status: string;
  featured: boolean;
  description: string;
  shortDescription: string;
  sku: string;
  /** Cents; null = no price (variable parents derive theirs from variations). */
  regularPriceCents: number | null;
  salePriceCents: number | null;
  /** The prices as a REST write stored them (`wc_format_decimal`, "" = none); absent: shown from the cents. */
  regularPriceText?: string;
  salePriceText?: string;
  createdMs: number;
  modifiedMs: number;
  manageStock: boolean;
  stockQuantity: number | null;
  totalSales: number;
  categories: { id: number; name: string; slug: string }[];
  attributes: EmulatedWooAttribute[];
  variationIds: number[];
  weight: string;
  metaData: EmulatedWooMeta[];
  /** Status before trashing, restored on untrash. */
  trashedFrom?: string;
}

export interface EmulatedWooVariation {
  id: number;
  parentId: number;
  sku: string;
  regularPriceCents: number;
  salePriceCents: number | null;
  /** As on products: the typed prices, when a REST write set them. */
  regularPriceText?: string;
  salePriceText?: string;
  status: string;
  createdMs: number;
  modifiedMs: number;
  manageStock: boolean;
  stockQuantity: number | null;
  attributes: { id: number; name: string; option: string }[];
  description: string;
  menuOrder: number;
  metaData: EmulatedWooMeta[];
}

/**
 * A line item keeps the ids it was sold with (0 once the product is force-deleted, as on a real store); its `sku`
 * and `image` are read from the live product when rendered, as WooCommerce's REST API does.
 */
export interface EmulatedWooLineItem {
  id: number;
  name: string;
  productId: number;
  variationId: number;
  quantity: number;
  /** Unit price in cents (rendered as a JSON number, as real WooCommerce does). */
  unitPriceCents: number;
  subtotalCents: number;
  totalCents: number;
  parentName: string | null;
  metaData: EmulatedWooMeta[];
}

export interface EmulatedWooShippingLine {
  id: number;
  methodTitle: string;
  methodId: string;
  instanceId: string;
  totalCents: number;
}

export interface EmulatedWooRefund {
  id: number;
  reason: string;
  amountCents: number;
  createdMs: number;
  /** True when the payment gateway refunded the money (`api_refund`), false for a manual refund. */
  refundedPayment: boolean;
}

export interface EmulatedWooOrder {
  id: number;
  parentId: number;
  status: string;
  currency: string;
  createdMs: number;
  modifiedMs: number;
  paidMs: number | null;
  completedMs: number | null;
  /** 0 for a guest order, including one whose customer was deleted. */
  customerId: number;
  orderKey: string;
  billing: EmulatedWooAddress;
  shipping: EmulatedWooAddress;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  createdVia: string;
  customerNote: string;
  lineItems: EmulatedWooLineItem[];
  shippingLines: EmulatedWooShippingLine[];
  discountCents: number;
  /** Newest first, as the REST body lists them. */
  refunds: EmulatedWooRefund[];
  metaData: EmulatedWooMeta[];
  /** Status before trashing, restored on untrash. */
  trashedFrom?: string;
}

export type KeyPermissions = "read" | "write" | "read_write";

export interface EmulatedWooApiKey {
  keyId: number;
  userId: number;
  description: string;
  permissions: KeyPermissions;
  consumerKey: string;
  consumerSecret: string;
  /** WooCommerce keeps used nonces keyed by their timestamp (so a second nonce with the same timestamp replaces it). */
  nonces: Map<number, string>;
  lastAccessMs: number | null;
}

export type WebhookStatus = "active" | "paused" | "disabled";

export interface EmulatedWooWebhook {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  deliveryUrl: string;
  /** Signs deliveries; never part of a REST body (a real store never returns it). */
  secret: string;
  createdMs: number;
  modifiedMs: number;
  failureCount: number;
  userId: number;
}

/** Formats cents as WooCommerce money: "29.99", "-10.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * Parses a WooCommerce money string ("29.99", "3", 12.5) to cents, `times` over (a line of that many units), rounded
 * half away from zero as WooCommerce rounds to 2 decimals; null when empty or not a number.
 */
export function parseCents(value: unknown, times = 1): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return parseCents(String(value), times);
  if (typeof value !== "string" || value.trim() === "") return null;
  const match = /^\s*(-)?(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match || (match[2] === "" && !match[3])) return null;
  const decimals = match[3] ?? "";
  // Exact: the amount in units of 10^-decimals, times the quantity, then to cents.
  const scaled = BigInt(`${match[2] || "0"}${decimals}`) * BigInt(times) * 100n;
  const unit = 10n ** BigInt(decimals.length);
  const cents = Number((scaled + unit / 2n) / unit);
  return match[1] ? -cents : cents;
}

/** `wc_format_decimal($value)` as `set_regular_price()` applies it: no rounding, only the number's own characters. */
export function wcFormatDecimal(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const kept = String(value)
    .trim()
    .replace(/[^0-9.-]/g, "");
  const dot = kept.lastIndexOf(".");
  // Only the last dot is the decimal point, as WooCommerce's preg_replace keeps it.
  return dot < 0 ? kept : `${kept.slice(0, dot).replace(/\./g, "")}${kept.slice(dot)}`;
}

export function emptyAddress(withEmail: boolean): EmulatedWooAddress {
  const address: EmulatedWooAddress = {
    first_name: "",
    last_name: "",
    company: "",
    address_1: "",
    address_2: "",
    city: "",
    state: "",
    postcode: "",
    country: "",
    phone: "",
  };
  if (withEmail) address.email = "";
  return address;
}

/** WordPress stores dates to the second: every record time is a whole second. */
export function toWholeSecondMs(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
