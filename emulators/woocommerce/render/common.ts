/**
 * What every REST body shares: versions, the render context, WordPress dates (site time and `_gmt`), `_links`,
 * meta data, addresses in each body's key order, money as HTML.
 */
import {
  formatCents,
  type EmulatedWooAddress,
  type EmulatedWooMeta,
  type EmulatedWooProduct,
  type EmulatedWooVariation,
} from "../store/records";

export const WC_VERSION = "11.0.1";
export const WP_VERSION = "7.1";

export interface RenderContext {
  /** Site URL without trailing slash, e.g. http://127.0.0.1:8088 */
  siteUrl: string;
  utcOffsetMinutes: number;
  product(id: number): EmulatedWooProduct | undefined;
  variation(id: number): EmulatedWooVariation | undefined;
}

export const ALLOW_ITEM = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** WordPress site-time or GMT date string: "2026-11-24T04:33:12" (no zone, no fraction). */
export function wpDate(ms: number | null, offsetMinutes: number): string | null {
  if (ms === null) return null;
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
}

/** `[name, site-time value, name_gmt, GMT value]`, for bodies that list both next to each other. */
export function dates(
  prefix: string,
  ms: number | null,
  ctx: RenderContext,
): [string, string | null, string, string | null] {
  return [prefix, wpDate(ms, ctx.utcOffsetMinutes), `${prefix}_gmt`, wpDate(ms, 0)];
}

export function selfLinks(ctx: RenderContext, path: string, collection: string) {
  return {
    self: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/${path}`, targetHints: { allow: ALLOW_ITEM } }],
    collection: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/${collection}` }],
  };
}

export function meta(items: EmulatedWooMeta[]) {
  return items.map((m) => ({ id: m.id, key: m.key, value: m.value }));
}

type AddressKey = Exclude<keyof EmulatedWooAddress, "email" | "phone">;

// The real store orders the keys differently in customer and order bodies (state before or after postcode); the
// captures are compared byte for byte, so each keeps its own order.
const CUSTOMER_ADDRESS_KEYS: AddressKey[] = [
  "first_name",
  "last_name",
  "company",
  "address_1",
  "address_2",
  "city",
  "postcode",
  "country",
  "state",
];
const ORDER_ADDRESS_KEYS: AddressKey[] = [
  "first_name",
  "last_name",
  "company",
  "address_1",
  "address_2",
  "city",
  "state",
  "postcode",
  "country",
];

function address(a: EmulatedWooAddress, keys: AddressKey[], withEmail: boolean) {
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = a[key];
  if (withEmail) out.email = a.email ?? "";
  out.phone = a.phone;
  return out;
}

export function customerAddress(a: EmulatedWooAddress, withEmail: boolean) {
  return address(a, CUSTOMER_ADDRESS_KEYS, withEmail);
}

export function orderAddress(a: EmulatedWooAddress, withEmail: boolean) {
  return address(a, ORDER_ADDRESS_KEYS, withEmail);
}

/** A price as WooCommerce's `wc_price()` HTML. */
export function priceHtml(cents: number | null): string {
  if (cents === null) return "";
  return `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol" translate="no">&#36;</span>${formatCents(cents)}</bdi></span>`;
}
