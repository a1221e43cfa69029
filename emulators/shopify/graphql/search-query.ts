/**
 * The subset of Shopify's search syntax the emulator understands for `query:` arguments: space-separated terms
 * joined by AND, each `field:value` or `field:<op>value` with op one of `>`, `>=`, `<`, `<=` (values may be quoted
 * with ' or "), plus `-field:value` negation. Dates accept ISO 8601 with or without a time. Unknown fields are
 * reported back as warnings (Shopify returns `extensions.search` warnings and ignores them).
 */
export type Comparator = ":" | ">" | ">=" | "<" | "<=";

export interface SearchTerm {
  field: string;
  op: Comparator;
  value: string;
  negated: boolean;
}

export interface ParsedSearch {
  terms: SearchTerm[];
  /** Free text (no field): ignored by the emulator except for matching names/emails. */
  text: string[];
}

/** Parses a Shopify search query string. */
export function parseSearchQuery(query: string | null | undefined): ParsedSearch {
  const result: ParsedSearch = { terms: [], text: [] };
  if (!query) return result;
  const tokenPattern = /(-?)([A-Za-z_][\w.]*):(>=|<=|>|<)?\s*(?:'([^']*)'|"([^"]*)"|(\S+))|(\S+)/g;
  for (const m of query.matchAll(tokenPattern)) {
    if (m[7] !== undefined) {
      if (m[7] !== "AND") result.text.push(m[7]);
      continue;
    }
    result.terms.push({
      negated: m[1] === "-",
      field: m[2].toLowerCase(),
      op: (m[3] as Comparator | undefined) ?? ":",
      value: m[4] ?? m[5] ?? m[6] ?? "",
    });
  }
  return result;
}

/** Parses a search date ("2024-01-01", "2024-01-01T10:00:00Z", "2024-01-01 10:00:00"); null when invalid. */
export function parseSearchDate(value: string): number | null {
  const normalized = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(" ", "T");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : ms;
}

/** Compares a record value with a term's value. */
export function compareTerm(
  actual: number | bigint | string,
  term: SearchTerm,
  expected: number | bigint | string,
): boolean {
  let outcome: boolean;
  switch (term.op) {
    case ">":
      outcome = actual > expected;
      break;
    case ">=":
      outcome = actual >= expected;
      break;
    case "<":
      outcome = actual < expected;
      break;
    case "<=":
      outcome = actual <= expected;
      break;
    case ":":
      outcome =
        typeof actual === "string" && typeof expected === "string"
          ? actual.toLowerCase() === expected.toLowerCase()
          : actual === expected;
      break;
  }
  return term.negated ? !outcome : outcome;
}
