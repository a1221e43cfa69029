/**
 * Exact money: amounts are integer minor units (bigint) of an ISO 4217 currency. Platforms send decimal strings
 * ("29.99"); they are parsed digit by digit, never through floating point.
 */
import { AppError } from "./errors";
const ZERO_DECIMAL = new Set([
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

/** An amount that cannot be represented exactly (bad text, too many decimals, not finite). */
export class MoneyError extends AppError {
  constructor(message: string) {
    super("invalid_money", message, { httpStatus: 422 });
  }
}

/** Number of minor-unit digits of a currency (2 unless ISO 4217 says otherwise). */
export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/**
 * "19.99" USD → 1999n. Accepts an optional sign and trailing zeros beyond the currency's digits ("19.990");
 * refuses anything that would need rounding ("19.995" USD), because rounding silently would lose money.
 */
export function toMinorUnits(amount: string | number | bigint, currency: string): bigint {
  if (typeof amount === "bigint") return amount * 10n ** BigInt(currencyExponent(currency));
  const { text, negative, whole, fraction } = parseDecimal(amount);
  const exponent = currencyExponent(currency);
  const kept = fraction.slice(0, exponent).padEnd(exponent, "0");
  const dropped = fraction.slice(exponent);
  if (/[1-9]/.test(dropped)) {
    throw new MoneyError(
      `${text} ${currency.toUpperCase()} has more decimals than the currency allows (${exponent})`,
    );
  }
  const minor = BigInt(whole + kept);
  return negative ? -minor : minor;
}

/**
 * The amount in minor units, rounded half away from zero — PHP's `round()`, which WooCommerce uses whenever it
 * formats an amount to fewer decimals (`wc_format_decimal` with `dp`). For stores that keep more decimals than their
 * currency has (a "Number of decimals" setting above it, a catalogue price of "0.125"): "10.125" USD → 1013n,
 * "1081.08" JPY → 1081n. Exact: digits are scaled as integers, never through floating point. With `divisor` the
 * quotient is rounded once ("10.00" USD ÷ 3 → 333n), so a unit price is not rounded twice.
 */
export function roundToMinorUnits(amount: string | number, currency: string, divisor = 1n): bigint {
  if (divisor <= 0n) throw new MoneyError(`cannot divide an amount by ${divisor}`);
  const { negative, whole, fraction } = parseDecimal(amount);
  const numerator = BigInt(whole + fraction) * 10n ** BigInt(currencyExponent(currency));
  const denominator = 10n ** BigInt(fraction.length) * divisor;
  const quotient = numerator / denominator;
  const minor = (numerator % denominator) * 2n >= denominator ? quotient + 1n : quotient;
  return negative ? -minor : minor;
}

/** 5997n USD → "59.97". */
export function formatMinorUnits(minor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? "-" : ""}${whole}${exponent > 0 ? `.${fraction}` : ""}`;
}

/** Unit price × quantity, exact. */
export function multiply(minor: bigint, quantity: number): bigint {
  if (!Number.isInteger(quantity)) throw new MoneyError(`quantity ${quantity} is not a whole number`);
  return minor * BigInt(quantity);
}

export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** "-19.990" → sign, whole digits ("0" when none) and fraction digits, as text; refuses anything else. */
function parseDecimal(amount: string | number): {
  text: string;
  negative: boolean;
  whole: string;
  fraction: string;
} {
  const text = typeof amount === "number" ? numberToPlainString(amount) : amount.trim();
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    throw new MoneyError(`"${String(amount)}" is not a decimal amount`);
  }
  return { text, negative: match[1] === "-", whole: match[2] || "0", fraction: match[3] ?? "" };
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`${n} is not a finite amount`);
  // Shortest round-trip representation; WooCommerce sends some prices as JSON numbers (e.g. 9.5).
  const s = String(n);
  if (/e/i.test(s)) return n.toFixed(20).replace(/\.?0+$/, "");
  return s;
}
