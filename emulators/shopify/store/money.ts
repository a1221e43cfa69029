/** Exact money on decimal strings and integer cents (never floats). */

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
