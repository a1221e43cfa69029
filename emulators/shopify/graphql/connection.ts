/**
 * Relay connections over a sorted array, the way Shopify pages: first/after or last/before (max 250), `reverse`,
 * opaque cursors (base64 JSON of the sort value and id, like Shopify's `{"last_id":…,"last_value":…}`) and
 * pageInfo. Binary search keeps a page of a 1,000,000-record array cheap.
 */
import { GraphQLError } from "graphql";
import { compareKeys, type SortTuple } from "../store/keys";

export const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  /** Set by bulk operations: return this many items when neither first nor last is given. */
  __defaultSize?: number;
}

export type { SortTuple };

export interface Connection<N> {
  edges: Array<{ cursor: string; node: N }>;
  nodes: N[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

export function encodeCursor(key: SortTuple): string {
  return Buffer.from(JSON.stringify({ last_id: key[1].toString(), last_value: key[0].toString() })).toString(
    "base64",
  );
}

export function decodeCursor(cursor: string): SortTuple {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as {
      last_id?: unknown;
      last_value?: unknown;
    };
    if (
      typeof parsed.last_id !== "string" ||
      typeof parsed.last_value !== "string" ||
      !/^\d+$/.test(parsed.last_id)
    ) {
      throw new Error("shape");
    }
    const value =
      /^\d+$/.test(parsed.last_value) && parsed.last_value.length > 15
        ? BigInt(parsed.last_value)
        : Number(parsed.last_value);
    if (typeof value === "number" && Number.isNaN(value)) throw new Error("value");
    return [value, BigInt(parsed.last_id)];
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

/** Validates first/last the way Shopify does for list connections. */
export function checkPageArgs(args: PageArgs, requireFirstOrLast = true): void {
  if (requireFirstOrLast && args.first == null && args.last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  if (args.first != null && args.last != null) {
    throw new GraphQLError("providing both first and last is not supported", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  for (const name of ["first", "last"] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`The \`${name}\` argument must be between 0 and ${MAX_PAGE_SIZE}.`, {
        extensions: { code: "BAD_REQUEST" },
      });
    }
  }
}

/** First index i in ascending `items` with key(items[i]) > key (upper) or >= key (lower). */
function bound<T>(
  items: ArrayLike<T>,
  keyOf: (item: T) => SortTuple,
  key: SortTuple,
  upper: boolean,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keyOf(items[mid]), key);
    if (c < 0 || (upper && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Slices one page out of `items` (ascending by `keyOf`) and wraps its records. `defaultSize` applies when neither
 * first nor last is given (bulk queries and nested lists that allow it).
 */
export function paginate<T, N>(
  items: ArrayLike<T>,
  keyOf: (item: T) => SortTuple,
  args: PageArgs,
  wrap: (item: T) => N,
  options: { requireFirstOrLast?: boolean; defaultSize?: number } = {},
): Connection<N> {
  const bulkSize = args.__defaultSize;
  checkPageArgs(args, bulkSize === undefined && (options.requireFirstOrLast ?? true));
  const defaultSize = bulkSize ?? options.defaultSize;
  const n = items.length;
  const reverse = Boolean(args.reverse);
  const at = (j: number): T => items[reverse ? n - 1 - j : j];
  let lo = 0;
  let hi = n;
  if (args.after) {
    const key = decodeCursor(args.after);
    lo = reverse ? n - bound(items, keyOf, key, false) : bound(items, keyOf, key, true);
  }
  if (args.before) {
    const key = decodeCursor(args.before);
    hi = reverse ? n - bound(items, keyOf, key, true) : bound(items, keyOf, key, false);
  }
  if (hi < lo) hi = lo;
  let start = lo;
  let end = hi;
  if (args.first != null) end = Math.min(hi, lo + args.first);
  else if (args.last != null) start = Math.max(lo, hi - args.last);
  else if (defaultSize != null) end = Math.min(hi, lo + defaultSize);
  const edges: Connection<N>["edges"] = [];
  for (let j = start; j < end; j++) {
    const item = at(j);
    // Bulk output has no cursors: skip encoding one per item of a million-record export.
    edges.push({ cursor: bulkSize === undefined ? encodeCursor(keyOf(item)) : "", node: wrap(item) });
  }
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < n,
      hasPreviousPage: start > 0,
      startCursor: edges.length > 0 ? edges[0].cursor : null,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
  };
}
