/** Filtering and sorting of a shop's records for connections, counts and bulk operations. */
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop } from "../model";
import { sortValue, sortedRecords, type SortKey } from "../seed/store";
import { compareTerm, parseSearchDate, parseSearchQuery, type SearchTerm } from "./search-query";
import type { SortTuple } from "./connection";

export type Resource = "customers" | "orders" | "products";
export type RecordOf<R extends Resource> = R extends "customers"
  ? EmuCustomer
  : R extends "orders"
    ? EmuOrder
    : EmuProduct;

export interface RecordList<T> {
  items: T[];
  keyOf: (item: T) => SortTuple;
  warnings: Array<{ field: string; message: string }>;
}

const SUPPORTED_SORT: Record<Resource, SortKey[]> = {
  customers: ["UPDATED_AT", "CREATED_AT", "ID"],
  orders: ["UPDATED_AT", "CREATED_AT", "ID", "PROCESSED_AT"],
  products: ["UPDATED_AT", "CREATED_AT", "ID"],
};

type Matcher<T> = (record: T, term: SearchTerm) => boolean | undefined;

function dateTerm(value: Date | null, term: SearchTerm): boolean | undefined {
  const expected = parseSearchDate(term.value);
  if (expected === null) return undefined;
  if (value === null) return term.negated;
  // `field:date` (no operator) matches the whole day.
  if (term.op === ":") {
    const inDay = value.getTime() >= expected && value.getTime() < expected + 86_400_000;
    return term.negated ? !inDay : inDay;
  }
  return compareTerm(value.getTime(), term, expected);
}

function idTerm(id: bigint, term: SearchTerm): boolean | undefined {
  const digits = /(\d+)$/.exec(term.value);
  if (!digits) return undefined;
  return compareTerm(id, term, BigInt(digits[1]));
}

function tagTerm(tags: string[], term: SearchTerm): boolean {
  const has = tags.some((t) => t.toLowerCase() === term.value.toLowerCase());
  return term.negated ? !has : has;
}

function common<T extends { id: bigint; createdAt: Date; updatedAt: Date }>(
  record: T,
  term: SearchTerm,
): boolean | undefined {
  switch (term.field) {
    case "updated_at":
      return dateTerm(record.updatedAt, term);
    case "created_at":
      return dateTerm(record.createdAt, term);
    case "id":
      return idTerm(record.id, term);
    default:
      return undefined;
  }
}

const matchers: { [R in Resource]: Matcher<RecordOf<R>> } = {
  customers: (c, term) => {
    switch (term.field) {
      case "email":
        return compareTerm(c.email ?? "", term, term.value);
      case "tag":
        return tagTerm(c.tags, term);
      case "state":
        return compareTerm(c.state, term, term.value.toUpperCase());
      default:
        return common(c, term);
    }
  },
  orders: (o, term) => {
    switch (term.field) {
      case "processed_at":
        return dateTerm(o.processedAt, term);
      case "email":
        return compareTerm(o.email ?? "", term, term.value);
      case "name":
        return compareTerm(o.name, term, term.value.startsWith("#") ? term.value : `#${term.value}`);
      case "financial_status":
        return compareTerm(o.financialStatus, term, term.value.toUpperCase());
      case "fulfillment_status":
        return compareTerm(o.fulfillmentStatus, term, term.value.toUpperCase());
      case "customer_id":
        return o.customerId === null ? term.negated : idTerm(o.customerId, term);
      case "tag":
        return tagTerm(o.tags, term);
      case "test":
        return compareTerm(String(o.test), term, term.value.toLowerCase());
      case "status": {
        const v = term.value.toLowerCase();
        const state = o.cancelledAt ? "cancelled" : o.closedAt ? "closed" : "open";
        const ok = v === "any" || v === state;
        return term.negated ? !ok : ok;
      }
      default:
        return common(o, term);
    }
  },
  products: (p, term) => {
    switch (term.field) {
      case "title":
        return compareTerm(p.title, term, term.value);
      case "handle":
        return compareTerm(p.handle, term, term.value);
      case "status":
        return compareTerm(p.status, term, term.value.toUpperCase());
      case "vendor":
        return compareTerm(p.vendor, term, term.value);
      case "product_type":
        return compareTerm(p.productType, term, term.value);
      case "tag":
        return tagTerm(p.tags, term);
      default:
        return common(p, term);
    }
  },
};

/**
 * The records of `resource` matching `query`, ordered by `sortKey` then id (ascending; `reverse` is applied by
 * pagination). `visible` hides records the token may not see (orders older than 60 days).
 */
export function listRecords<R extends Resource>(
  shop: EmuShop,
  resource: R,
  options: { query?: string | null; sortKey?: string | null; visible?: (record: RecordOf<R>) => boolean },
): RecordList<RecordOf<R>> {
  const requested = (options.sortKey ?? "ID") as SortKey;
  const sortKey: SortKey = SUPPORTED_SORT[resource].includes(requested) ? requested : "ID";
  const map = shop[resource] as unknown as Map<bigint, RecordOf<R>>;
  const all = sortedRecords(map, sortKey);
  const parsed = parseSearchQuery(options.query);
  const matcher = matchers[resource] as Matcher<RecordOf<R>>;
  const warnings: RecordList<RecordOf<R>>["warnings"] = [];
  const terms: SearchTerm[] = [];
  for (const term of parsed.terms) {
    // Probe the matcher with the first record (or a dummy check) to find unsupported fields once, not per record.
    const probe = all.length > 0 ? matcher(all[0], term) : true;
    if (probe === undefined) {
      warnings.push({ field: term.field, message: `Invalid search field for this query.` });
    } else {
      terms.push(term);
    }
  }
  const visible = options.visible;
  const items =
    terms.length === 0 && !visible
      ? all
      : all.filter(
          (record) => (!visible || visible(record)) && terms.every((term) => matcher(record, term) === true),
        );
  return {
    items,
    keyOf: (item) => [sortValue(item, sortKey), item.id],
    warnings,
  };
}
