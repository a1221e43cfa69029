/**
 * Records Shopify deleted while their delete webhooks were not arriving (a subscription removed after 8 failed
 * deliveries, an uninstall, an unreachable app), found after a read and removed through the engine's deletion path
 * (ADR 0046; the WooCommerce counterpart is ADR 0045).
 *
 * Cheap when nothing is missing: one count of what the reader reads (`{resource}Count(limit: null)`) against ours.
 * Only when ours is larger is it found which: in a small store by listing the store's ids (ids only, `sortKey: ID`,
 * 250 a page) and merging them with ours as two ascending streams; in a larger one by halving id ranges where ours
 * is larger (`{resource}Count(query: "id:>=a id:<=b")` against ours) and listing only the small ranges that still
 * differ (app/sync/id-bisection.ts). An id missing from a listing is deleted only when `nodes(ids:)` answers null.
 * Without `read_all_orders` orders older than 60 days are missing from counts, listings and `nodes` alike, exactly
 * as if deleted: then only the orders of the last {@link RECENT_ORDERS_DAYS} days are compared, on both sides.
 */
import { AscendingIds, missingIds, unfinishedDeletionCheck } from "../../../sync/deletion-check";
import { missingIdsByRanges, type BoundedRange } from "../../../sync/id-bisection";
import type { HeldFilter, HeldRecords, SourcePage } from "../../../sync/types";
import type { ShopifyGraphqlClient } from "../client.server";
import { ALL_ORDERS_SCOPE } from "../access-scopes";
import { APP_SCOPES_QUERY, RECORDS_EXIST_QUERY } from "../queries/reconcile";
import type { ResourceSpec } from "./specs";

/** Ids per listing page and per `nodes` confirmation: Shopify's page and input-array maximum. */
export const IDS_PER_REQUEST = 250;
/**
 * Without `read_all_orders` Shopify shows the orders created in the last 60 days. Compared then: orders created
 * (Shopify's count and listing) or dated (ours: the processing date) in the last 50 — ten days short of the limit, so
 * an order we compare is one Shopify can still show by id (an order is processed when it is created, or earlier
 * for an import; an import's later creation only hides a gap, never makes one).
 */
export const RECENT_ORDERS_DAYS = 50;
/**
 * Up to this many of ours, the store's ids are listed from the oldest (at most 4 pages: about what halving would
 * cost in counts before its first page); above it, ranges are halved with counts (ADR 0046, addendum).
 */
export const LIST_ALL_UP_TO = 4 * IDS_PER_REQUEST;

export interface DeletionCheckOptions {
  client: ShopifyGraphqlClient;
  spec: ResourceSpec;
  held: HeldRecords;
  /** The read's final cursor: deletion pages carry it (the position does not move). */
  cursor: string | null;
  signal: AbortSignal;
  /** Our clock (tests move it). */
  now?: () => Date;
  /** Up to this many of ours the store's ids are listed whole ({@link LIST_ALL_UP_TO}); tests lower it. */
  listAllUpTo?: number;
  /** A range where we hold at most this many is listed, not halved (default: one page, {@link IDS_PER_REQUEST}). */
  listRangeUpTo?: number;
}

/**
 * Deletion pages for the records Shopify confirmed gone, then nothing; or a warning page when the check could not
 * decide or did not finish (nothing unconfirmed is removed; the read and the run still succeed).
 */
export async function* deletionPages<T>(options: DeletionCheckOptions): AsyncGenerator<SourcePage<T>> {
  const { cursor, signal } = options;
  const what = options.spec.resource;
  try {
    for await (const step of missingRecords(options)) {
      if ("warning" in step) yield { records: [], cursor, warning: step.warning };
      else yield { records: [], cursor, deleted: step.deleted };
    }
  } catch (error) {
    if (signal.aborted) throw error;
    yield {
      records: [],
      cursor,
      warning: unfinishedDeletionCheck(`Shopify for ${what} deleted while webhooks were not arriving`, error),
    };
  }
}

type Step = { deleted: string[] } | { warning: string };

/** Yields batches of ids Shopify confirmed gone, or one warning when the check cannot decide. */
async function* missingRecords(options: DeletionCheckOptions): AsyncGenerator<Step> {
  const { client, spec, held, signal } = options;
  // Rows first seen here from now on are not compared: the store may have created them after its count or listing.
  const seenBefore = (options.now ?? (() => new Date()))();
  let filter: HeldFilter = { idPrefix: spec.gidPrefix };
  let query: string | null = null;
  let theirs = await storeCount(client, spec, query, signal);
  let ours = await held.count(seenBefore, filter);
  if (ours <= theirs.count) return;
  if (spec.resource === "orders" && !(await seesAllOrders(client, signal))) {
    // Older orders are hidden from this token and would look deleted: compare the recent ones only.
    const from = new Date(seenBefore.getTime() - RECENT_ORDERS_DAYS * 86_400_000);
    filter = { ...filter, datedFrom: from };
    query = `created_at:>='${from.toISOString()}'`;
    theirs = await storeCount(client, spec, query, signal);
    ours = await held.count(seenBefore, filter);
    if (ours <= theirs.count) return;
  }
  if (theirs.precision !== "EXACT") {
    yield {
      warning:
        `Shopify gave only an approximate count of ${spec.resource} (${theirs.precision} ${theirs.count}), ` +
        `so Commerce Sync cannot tell whether any were deleted while webhooks were not arriving; the next sync checks again.`,
    };
    return;
  }
  const confirm = (batch: string[]) => gone(client, batch, signal);
  const gap = ours - theirs.count;
  const found =
    ours <= (options.listAllUpTo ?? LIST_ALL_UP_TO)
      ? missingIds({
          held,
          seenBefore,
          filter,
          gap,
          store: storeIds(client, spec, query, signal),
          batchSize: IDS_PER_REQUEST,
          confirm,
        })
      : missingIdsByRanges({
          held,
          seenBefore,
          filter,
          gap,
          storeCount: async (range) => {
            const counted = await storeCount(client, spec, withIdRange(query, range), signal);
            return { count: counted.count, exact: counted.precision === "EXACT" };
          },
          storeIds: (range) => storeIds(client, spec, withIdRange(query, range), signal),
          listUpTo: options.listRangeUpTo ?? IDS_PER_REQUEST,
          batchSize: IDS_PER_REQUEST,
          confirm,
        });
  for await (const deleted of found) yield { deleted };
}

/**
 * `query` narrowed to ids in `range`, with the comparators Shopify documents for the `id` filter of these counts and
 * listings ("Filter by `id` range": `id:>=1234`, `id:<=1234`); our ranges are half-open, Shopify's bounds inclusive.
 */
export function withIdRange(query: string | null, range: BoundedRange): string {
  const bounds = `id:>=${range.from} id:<=${range.to - 1n}`;
  return query ? `${query} ${bounds}` : bounds;
}

/** The store's count of the resource: all of it (`query` null: what the reads read), or those `query` keeps. */
async function storeCount(
  client: ShopifyGraphqlClient,
  spec: ResourceSpec,
  query: string | null,
  signal: AbortSignal,
): Promise<{ count: number; precision: string }> {
  const data = await client.request<Record<string, { count: number; precision: string } | null>>(
    spec.countOperation,
    spec.countDocument,
    { query },
    { signal },
  );
  const found = data[`${spec.root}Count`];
  if (!found) throw new Error(`Shopify gave no ${spec.resource} count.`);
  return found;
}

/** Whether the token sees orders of any age (read_all_orders), as Shopify says now. */
async function seesAllOrders(client: ShopifyGraphqlClient, signal: AbortSignal): Promise<boolean> {
  const data = await client.request<{ currentAppInstallation: { accessScopes: Array<{ handle: string }> } }>(
    "AppScopes",
    APP_SCOPES_QUERY,
    {},
    { signal },
  );
  return data.currentAppInstallation.accessScopes.some((s) => s.handle === ALL_ORDERS_SCOPE);
}

/** The store's ids in ascending order (`sortKey: ID`), one page of 250 at a time, as the merge asks for them. */
function storeIds(
  client: ShopifyGraphqlClient,
  spec: ResourceSpec,
  query: string | null,
  signal: AbortSignal,
): AscendingIds {
  let after: string | null = null;
  let exhausted = false;
  const shape = new RegExp(`^${spec.gidPrefix.replace(/[/.]/g, "\\$&")}[1-9]\\d*$`);
  return new AscendingIds(async () => {
    if (exhausted) return null;
    const data = await client.request<
      Record<
        string,
        {
          edges: Array<{ node: { id: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        }
      >
    >(spec.idsOperation, spec.idsDocument, { first: IDS_PER_REQUEST, after, query }, { signal });
    const page = data[spec.root];
    exhausted = !page.pageInfo.hasNextPage || page.pageInfo.endCursor === null;
    after = page.pageInfo.endCursor;
    // Anything of another shape (not an id of this resource) is left out.
    return page.edges.map((e) => e.node.id).filter((id) => shape.test(id));
  });
}

/** The ids among `ids` (≤ 250) for which Shopify answers null: deleted (or never existed). */
async function gone(client: ShopifyGraphqlClient, ids: string[], signal: AbortSignal): Promise<string[]> {
  const data = await client.request<{ nodes: Array<{ id: string } | null> }>(
    "RecordsExist",
    RECORDS_EXIST_QUERY,
    { ids },
    { signal },
  );
  if (!Array.isArray(data.nodes) || data.nodes.length !== ids.length)
    throw new Error("Shopify's answer about which records exist did not match the ids asked for.");
  return ids.filter((_, i) => data.nodes[i] === null);
}
