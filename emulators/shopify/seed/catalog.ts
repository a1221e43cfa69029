/** Shopify-specific seed vocabulary (names, cities and product words come from emulators/shared/names.ts). */

/** Presentment currencies with a fixed rate to the shop currency (presentment = shop × rate). */
export const PRESENTMENT_RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
  JPY: 151,
};

/** Currencies without minor units. */
export const ZERO_DECIMAL_CURRENCIES = new Set(["JPY"]);

export const PRODUCT_TYPES = ["Accessories", "Home", "Apparel", "Stationery"] as const;
export const PRODUCT_TAGS = ["new", "sale", "bestseller", "eco"] as const;
export const CUSTOMER_TAGS = ["vip", "wholesale", "newsletter", "returning"] as const;
export const ORDER_TAGS = ["gift", "wholesale", "priority", "repeat"] as const;
export const STREETS = ["Main", "Elm", "King", "Queen", "Harbour"] as const;
export const CANCEL_REASONS = ["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER"] as const;

export const DAY_MS = 86_400_000;
export const TWO_YEARS_MS = 730 * DAY_MS;
