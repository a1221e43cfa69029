/**
 * What every list endpoint shares: WordPress's paging arguments and date filters (bounds strictly exclusive, on
 * whole seconds, site time unless `dates_are_gmt`), a sort cache per store version, and pagination with the real
 * `X-WP-Total`, `X-WP-TotalPages` and `Link` headers.
 */
import { buildPhpQuery, setQueryEntry } from "../php";
import type { WooStore } from "../store/store";
import { dateFilterMs, idList, type ArgSpec, type ArgValue } from "./params";
import { COLLECTION_ALLOW, type RestRequest, type RestResult } from "./request";

export const PAGING_ARGS: Record<string, ArgSpec> = {
  context: { type: "enum", values: ["view", "edit"], default: "view" },
  page: { type: "integer", minimum: 1, default: 1 },
  per_page: { type: "integer", minimum: 1, maximum: 100, default: 10 },
  offset: { type: "integer" },
  search: { type: "string" },
  include: { type: "integer-array" },
  exclude: { type: "integer-array" },
};

export const DATE_ARGS: Record<string, ArgSpec> = {
  after: { type: "date-time" },
  before: { type: "date-time" },
  modified_after: { type: "date-time" },
  modified_before: { type: "date-time" },
  dates_are_gmt: { type: "boolean", default: false },
};

export const ORDER_ARG: ArgSpec = { type: "enum", values: ["asc", "desc"], default: "desc" };

/**
 * Sorted lists and filtered results per store version: a full sync pages through the same filtered list hundreds
 * of times, so each page should cost its own 100 records, not a sort and a filter of 50,000. Any mutation bumps
 * the store version, which invalidates everything here.
 */
export class ListCache {
  private readonly sortedLists = new Map<string, { version: number; list: unknown[] }>();
  private readonly results = new Map<string, { version: number; list: unknown[] }>();

  constructor(
    private readonly store: WooStore,
    private readonly maxResults = 32,
  ) {}

  /** The records sorted by `key` (ties by id); the returned array is shared: never mutate it. */
  sorted<T extends { id: number }>(
    name: string,
    records: Map<number, T>,
    orderby: string,
    order: "asc" | "desc",
    key: (r: T) => number | string,
    tieAscending = false,
  ): readonly T[] {
    const cacheKey = `${name}|${orderby}|${order}`;
    const cached = this.sortedLists.get(cacheKey);
    if (cached && cached.version === this.store.version) return cached.list as T[];
    const list = [...records.values()];
    const dir = order === "asc" ? 1 : -1;
    const tieDir = tieAscending ? 1 : dir;
    list.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka < kb) return -dir;
      if (ka > kb) return dir;
      return (a.id - b.id) * tieDir;
    });
    this.sortedLists.set(cacheKey, { version: this.store.version, list });
    return list;
  }

  /**
   * A list's full result for one set of arguments (paging aside), computed once per store version. `args` are the
   * validated arguments; page, per_page, offset and context do not change the result.
   */
  filtered<T>(name: string, args: Record<string, ArgValue>, compute: () => T[]): readonly T[] {
    const { page: _page, per_page: _perPage, offset: _offset, context: _context, ...rest } = args;
    const cacheKey = `${name}|${JSON.stringify(rest)}`;
    const cached = this.results.get(cacheKey);
    if (cached && cached.version === this.store.version) return cached.list as T[];
    const list = compute();
    this.results.delete(cacheKey);
    this.results.set(cacheKey, { version: this.store.version, list });
    if (this.results.size > this.maxResults) this.results.delete(this.results.keys().next().value!);
    return list;
  }

  clear(): void {
    this.sortedLists.clear();
    this.results.clear();
  }
}

/**
 * The date filters of a list: created (`after`/`before`) and modified (`modified_after`/`modified_before`) bounds,
 * all strictly exclusive. Records are on whole seconds, so a cursor equal to a record's own date excludes it.
 */
export function dateFilter<T>(
  args: Record<string, ArgValue>,
  utcOffsetMinutes: number,
  created: (r: T) => number,
  modified: (r: T) => number,
): (r: T) => boolean {
  const gmt = args.dates_are_gmt === true;
  const bound = (name: string) =>
    typeof args[name] === "string" ? dateFilterMs(args[name] as string, gmt, utcOffsetMinutes) : undefined;
  const after = bound("after");
  const before = bound("before");
  const modAfter = bound("modified_after");
  const modBefore = bound("modified_before");
  return (r: T) =>
    (after === undefined || created(r) > after) &&
    (before === undefined || created(r) < before) &&
    (modAfter === undefined || modified(r) > modAfter) &&
    (modBefore === undefined || modified(r) < modBefore);
}

/** `include` / `exclude` id lists. */
export function includeExclude<T extends { id: number }>(raw: Record<string, unknown>): (r: T) => boolean {
  const include = new Set(idList(raw.include));
  const exclude = new Set(idList(raw.exclude));
  return (r: T) => (include.size === 0 || include.has(r.id)) && !exclude.has(r.id);
}

/**
 * `orderby=include`: the records in the order of the `include` list (SQL `FIELD(id, …)`). HPOS orders and products
 * (WP_Query `post__in`) give FIELD no direction; customers (WP_User_Query) add `order`, so `desc` reverses the list.
 * Without an `include` list the order stays as it is.
 */
export function inIncludeOrder<T extends { id: number }>(
  raw: Record<string, unknown>,
  list: T[],
  reversed = false,
): T[] {
  const position = new Map(idList(raw.include).map((id, index) => [id, index] as const));
  if (position.size === 0) return list;
  const dir = reversed ? -1 : 1;
  return [...list].sort((a, b) => ((position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)) * dir);
}

/**
 * One page of a list with the real headers. `hposTotals`: the orders table query counts only when the page has
 * rows, so a page past the end reports `X-WP-Total: 0` (customers and products keep their totals).
 */
export function paginate<T>(
  siteUrl: string,
  req: RestRequest,
  args: Record<string, ArgValue>,
  all: readonly T[],
  render: (item: T) => unknown,
  restBase: string,
  hposTotals: boolean,
): RestResult {
  const perPage = args.per_page as number;
  const page = args.page as number;
  const offset = args.offset as number | undefined;
  const start = offset !== undefined ? offset : (page - 1) * perPage;
  const items = all.slice(start, start + perPage);
  const total = hposTotals && items.length === 0 ? 0 : all.length;
  const maxPages = Math.ceil(total / perPage);
  const headers: Record<string, string> = {
    "X-WP-Total": String(total),
    "X-WP-TotalPages": String(maxPages),
    ...COLLECTION_ALLOW,
  };
  // Link: the request's own query (oauth_* included, as WordPress's add_query_arg keeps them) plus page.
  const base = `${siteUrl}/wp-json/wc/v3/${restBase}`;
  const linkTo = (target: number) => {
    const entries = req.query.map((e) => ({ ...e }));
    setQueryEntry(entries, "page", String(target));
    return `${base}?${buildPhpQuery(entries)}`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${linkTo(Math.min(page - 1, maxPages))}>; rel="prev"`);
  if (maxPages > page) links.push(`<${linkTo(page + 1)}>; rel="next"`);
  if (links.length) headers.Link = links.join(", ");
  return { status: 200, body: items.map(render), headers };
}
