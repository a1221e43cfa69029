/** Shared pieces of the resolver objects: money bags with fixed presentment rates, dates, counts, protected data. */
import { PRESENTMENT_RATES, ZERO_DECIMAL_CURRENCIES } from "../../seed/catalog";
import { centsToDecimal, decimalToCents, shopifyDecimal } from "../../store/money";
import type { GqlContext } from "../context";
import { protectedDataDenied } from "../errors";

export const iso = (date: Date | null): string | null =>
  date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : null;

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

/** Converts a shop-currency amount to a presentment currency with the emulator's fixed rates. */
export function toPresentment(amount: string, currency: string): string {
  const rate = PRESENTMENT_RATES[currency] ?? 1;
  if (rate === 1) return amount;
  const cents = decimalToCents(amount);
  // Rates have at most 2 decimals: work in hundredths of a cent to stay exact, then round half up.
  const scaled = cents * BigInt(Math.round(rate * 100));
  let converted = (scaled + 50n) / 100n;
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) converted = ((converted + 50n) / 100n) * 100n;
  return centsToDecimal(converted);
}

export function moneyV2(amount: string, currencyCode: string): MoneyV2 {
  return { amount: shopifyDecimal(amount), currencyCode };
}

export function moneyBag(amount: string, shopCurrency: string, presentmentCurrency: string) {
  return {
    shopMoney: moneyV2(amount, shopCurrency),
    presentmentMoney: moneyV2(toPresentment(amount, presentmentCurrency), presentmentCurrency),
  };
}

export const count = (n: number) => ({ count: n, precision: "EXACT" });

/** Protected customer data (name, email, phone, address) resolves to null with an error until the app is approved. */
export function guardProtected(ctx: GqlContext | undefined, field: string): void {
  if (ctx?.emu.app.protectedCustomerDataApproved === false) throw protectedDataDenied(field);
}
