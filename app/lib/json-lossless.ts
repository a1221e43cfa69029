/**
 * JSON parsing that keeps integers above 2^53 exact. Shopify's REST-shaped webhook bodies carry numeric ids such as
 * `"id": 820982911946154508`, and WooCommerce's REST answers and webhook bodies carry its ids (MySQL `BIGINT
 * UNSIGNED`, printed by PHP as 64-bit integers) as JSON numbers too: `JSON.parse` would round either. Integer
 * literals that do not fit a double exactly are turned into strings before parsing; every other value parses as
 * usual. docs/decisions/0004-money-ids-time.md.
 */

/** `JSON.parse`, except that unsafe integers (beyond ±(2^53 − 1)) become decimal strings. */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Rewrites the JSON text so that integer literals too large for a double are quoted. Strings are left untouched. */
export function quoteUnsafeIntegers(text: string): string {
  let out: string[] | null = null;
  let copiedUpTo = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === 34 /* " */) {
      // Skip the string literal, honouring escapes.
      i += 1;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i += 2;
        else if (c === 34) break;
        else i += 1;
      }
      i += 1;
      continue;
    }
    if (code === 45 /* - */ || isDigit(code)) {
      const start = i;
      i += 1;
      while (i < length && isDigit(text.charCodeAt(i))) i += 1;
      let integer = true;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */ || c === 43 || c === 45 || isDigit(c)) {
          integer = false;
          i += 1;
        } else break;
      }
      const literal = text.slice(start, i);
      // 15 digits always fit; longer literals are checked exactly.
      if (integer && literal.replace("-", "").length > 15 && !Number.isSafeInteger(Number(literal))) {
        out ??= [];
        out.push(text.slice(copiedUpTo, start), `"${literal}"`);
        copiedUpTo = i;
      }
      continue;
    }
    i += 1;
  }
  if (!out) return text;
  out.push(text.slice(copiedUpTo));
  return out.join("");
}
