/**
 * Filtering and sorting of a shop's records for connections, counts and bulk operations. Works on table rows:
 * sorting and the `updated_at` / `created_at` / `id` filters read the tables' key arrays, so paging a
 * 1,000,000-record shop by date generates only the records on the page. Other filters generate each record once.
 */
import type { EmuCustomer, EmuOrder, EmuProduct, EmuShop } from "../model";
import type { SortKey, SortTuple } from "../store/keys";
import type { RecordTable } from "../store/table";
import { blankCustomer, blankOrder, blankProduct } from "../store/blank-records";
import { compareTerm, parseSearchDate, parseSearchQuery, type SearchTerm } from "./search-query";

export type Resource = "customers" | "orders" | "products";
export type RecordOf<R extends Resource> = R extends "customers"
  ? EmuCustomer
  : R extends "orders"
    ? EmuOrder
    : EmuProduct;

/** Matching rows of a table in connection order, with what paging and wrapping need. */
export interface RowList<T> {
  rows: ArrayLike<number>;
  keyOf: (row: number) => SortTuple;
  record: (row: number) => T;
  warnings: Array<{ field: string; message: string }>;
}

const SUPPORTED_SORT: Record<Resource, SortKey[]> = {
  customers: ["UPDATED_AT", "CREATED_AT", "ID"],
  orders: ["UPDATED_AT", "CREATED_AT", "ID", "PROCESSED_AT"],
  products: ["UPDATED_AT", "CREATED_AT", "ID"],
};

/** Decides a term on a row: true/false, or undefined when the field is not supported. */
type RowMatcher = (row: number, term: SearchTerm) => boolean | undefined;
type RecordMatcher<T> = (record: T, term: SearchTerm) => boolean | undefined;

function dateTerm(valueMs: number | null, term: SearchTerm): boolean | undefined {
  const expected = parseSearchDate(term.value);
  if (expected === null) return undefined;
  if (valueMs === null) return term.negated;
  // `field:date` (no operator) matches the whole day.
  if (term.op === ":") {
    const inDay = valueMs >= expected && valueMs < expected + 86_400_000;
    return term.negated ? !inDay : inDay;
  }
  return compareTerm(valueMs, term, expected);
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

const matchers: { [R in Resource]: RecordMatcher<RecordOf<R>> } = {
  customers: (c, term) => {
    switch (term.field) {
      case "email":
        return compareTerm(c.email ?? "", term, term.value);
      case "tag":
        return tagTerm(c.tags, term);
      case "state":
        return compareTerm(c.state, term, term.value.toUpperCase());
      default:
        return undefined;
    }
  },
  orders: (o, term) => {
    switch (term.field) {
      case "processed_at":
        return dateTerm(o.processedAt.getTime(), term);
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
        return undefined;
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
        return undefined;
    }
  },
};

/** Fields every resource supports, decided from the key arrays without generating the record. */
const KEY_FIELDS = new Set(["updated_at", "created_at", "id"]);

/**
 * The rows of `resource` matching `query`, ordered by `sortKey` then id (ascending; `reverse` is applied by
 * pagination). `visible` hides rows the token may not see (orders older than 60 days), by creation time.
 */
export function listRecords<R extends Resource>(
  shop: EmuShop,
  resource: R,
  options: { query?: string | null; sortKey?: string | null; visibleSince?: number | null },
): RowList<RecordOf<R>> {
  const requested = (options.sortKey ?? "ID") as SortKey;
  const sortKey: SortKey = SUPPORTED_SORT[resource].includes(requested) ? requested : "ID";
  const table = shop[resource] as unknown as RecordTable<RecordOf<R>>;
  const all = table.sortedRows(sortKey);
  const recordMatcher = matchers[resource] as RecordMatcher<RecordOf<R>>;
  const probe = (term: SearchTerm) => {
    if (KEY_FIELDS.has(term.field)) return term.field === "id" ? idTerm(0n, term) : dateTerm(0, term);
    return term.field === "processed_at" && resource === "orders"
      ? dateTerm(0, term)
      : recordMatcher(PROBES[resource] as RecordOf<R>, term);
  };
  const warnings: RowList<RecordOf<R>>["warnings"] = [];
  const terms: SearchTerm[] = [];
  for (const term of parseSearchQuery(options.query).terms) {
    if (probe(term) === undefined)
      warnings.push({ field: term.field, message: "Invalid search field for this query." });
    else terms.push(term);
  }
  const keyMatcher: RowMatcher = (row, term) => {
    switch (term.field) {
      case "updated_at":
        return dateTerm(table.sortValue(row, "UPDATED_AT") as number, term);
      case "created_at":
        return dateTerm(table.sortValue(row, "CREATED_AT") as number, term);
      default:
        return idTerm(table.idOfRow(row), term);
    }
  };
  const keyTerms = terms.filter((t) => KEY_FIELDS.has(t.field));
  const recordTerms = terms.filter((t) => !KEY_FIELDS.has(t.field));
  const since = options.visibleSince ?? null;
  // In id order, the id terms cut one slice by binary search: a count or listing of an id range reads only its rows.
  const [start, end] = sortKey === "ID" ? idSlice(table, all, keyTerms) : [0, all.length];
  let rows: ArrayLike<number> = all;
  if (terms.length > 0 || since !== null) {
    const kept: number[] = [];
    for (let i = start; i < end; i++) {
      const row = all[i];
      if (since !== null && (table.sortValue(row, "CREATED_AT") as number) < since) continue;
      if (!keyTerms.every((term) => keyMatcher(row, term) === true)) continue;
      if (recordTerms.length > 0) {
        const record = table.record(row);
        if (!recordTerms.every((term) => recordMatcher(record, term) === true)) continue;
      }
      kept.push(row);
    }
    rows = kept;
  }
  return {
    rows,
    keyOf: (row) => table.keyOf(row, sortKey),
    record: (row) => table.record(row),
    warnings,
  };
}

/** The positions in `rows` (ascending by id) the non-negated id terms can keep: [start, end). */
function idSlice(
  table: Pick<RecordTable<RecordOf<Resource>>, "idOfRow">,
  rows: Int32Array,
  terms: SearchTerm[],
): [number, number] {
  /** The first position whose id is above `id` (`strictly`) or at least `id`. */
  const firstFrom = (id: bigint, strictly: boolean) => {
    let [low, high] = [0, rows.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = table.idOfRow(rows[mid]);
      if (strictly ? at > id : at >= id) high = mid;
      else low = mid + 1;
    }
    return low;
  };
  let [start, end] = [0, rows.length];
  for (const term of terms) {
    const digits = term.field === "id" && !term.negated ? /(\d+)$/.exec(term.value) : null;
    if (!digits) continue;
    const id = BigInt(digits[1]);
    if (term.op === ">=" || term.op === ":") start = Math.max(start, firstFrom(id, false));
    if (term.op === ">") start = Math.max(start, firstFrom(id, true));
    if (term.op === "<=" || term.op === ":") end = Math.min(end, firstFrom(id, true));
    if (term.op === "<") end = Math.min(end, firstFrom(id, false));
  }
  return [start, Math.max(start, end)];
}

const EPOCH = new Date(0);
/** Stand-in records that tell supported search fields from unknown ones without touching the shop. */
const PROBES: { [R in Resource]: RecordOf<R> } = {
  customers: blankCustomer(0n, EPOCH, "USD"),
  orders: blankOrder(0n, EPOCH, "USD", 0),
  products: blankProduct(0n, EPOCH, ""),
};
