/**
 * Records the store deleted for good without a trace (force delete: no webhook, not in the trash) found after a
 * read, ADR 0045. Cheap when nothing is missing: the store's own total of the live list (`X-WP-Total`, usually
 * already read) against our count. Only when ours is larger are the store's ids listed (`_fields=id`, by id) and
 * merged with ours as two ascending streams, a page and a chunk at a time; each id missing from the listing is
 * deleted only once the store answers 404 `…_invalid_id` for it by id. Pages shifted by deletions during the
 * listing, and records created meanwhile, make candidates the store then confirms alive: never a deletion.
 *
 * A list that holds records the reader leaves out (customers: `role=all` lists store staff, ADR 0047) compares its
 * total minus those the read left out, lists their ids without them, and removes a candidate the store still has but
 * now leaves out (a customer made shop manager) as it removes a deleted one.
 */
import { AscendingIds, missingIds } from "../../sync/deletion-check";
import type { HeldRecords } from "../../sync/types";
import type { WooClient } from "./client.server";
import { countHeader, mapLimit, streamPages } from "./pages.server";

/** Listed records a reader leaves out: the store holds them, but they are not ours to hold. */
export interface LeftOut {
  /** `_fields` that `test` reads, besides `id` (`role,is_paying_customer`). */
  fields: string;
  /** True for a record the reader leaves out (a listed one, or one read by id to confirm a candidate). */
  test: (record: Record<string, unknown>) => boolean;
}

/** Candidates confirmed (one GET each, a few at a time) and then yielded together. */
export const CONFIRM_BATCH = 100;

export interface MissingRecordsOptions {
  client: WooClient;
  /** The list endpoint the reader reads, with its default filters (`status=any`). */
  endpoint: string;
  /** Filters the reader's list adds (customers: `role=all`): the total and the listing use them too. */
  listFilter?: Record<string, string>;
  /** Records of that list the reader leaves out, and how many the read behind `knownTotal` left out. */
  leftOut?: LeftOut & { count: number };
  held: HeldRecords;
  /** The live list's `X-WP-Total` this read already saw (a full list's last page), or null to ask for it. */
  knownTotal: number | null;
  perPage: number;
  /** Requests in flight at once (listing pages, confirmations). */
  concurrency: number;
  signal: AbortSignal;
  /** Our clock (tests move it). */
  now?: () => Date;
}

/** The store's total of the live list (one id asked for; the answer's `X-WP-Total` is what counts). */
async function liveTotal(
  client: WooClient,
  endpoint: string,
  listFilter: Record<string, string> | undefined,
  signal: AbortSignal,
): Promise<number | null> {
  const response = await client.list<unknown>(
    endpoint,
    { ...listFilter, per_page: 1, _fields: "id" },
    { signal },
  );
  return countHeader(response.headers["x-wp-total"]);
}

/**
 * Yields batches of ids the store confirmed gone (404 `…_invalid_id` by id). Returns at once — after one request at
 * most, none when `knownTotal` is given — when the store holds at least as many live records as we do.
 */
export async function* missingRecords(options: MissingRecordsOptions): AsyncGenerator<string[]> {
  const { client, endpoint, held, signal, listFilter, leftOut } = options;
  const now = options.now ?? (() => new Date());
  // Rows first seen from here on are not compared: the store may have created them after its total or listing.
  const seenBefore = now();
  const total = options.knownTotal ?? (await liveTotal(client, endpoint, listFilter, signal));
  if (total === null) return;
  // What we may hold of it: the records the read left out (staff) are the store's, never ours.
  const theirs = total - (leftOut?.count ?? 0);
  const ours = await held.count(seenBefore);
  if (ours <= theirs) return;
  const fields = leftOut ? `id,${leftOut.fields}` : "id";
  const pages = streamPages(
    async (page, pageSignal) => {
      const response = await client.list<Record<string, unknown>>(
        endpoint,
        { ...listFilter, _fields: fields, orderby: "id", order: "asc", per_page: options.perPage, page },
        { signal: pageSignal },
      );
      return {
        records: response.data,
        totalPages: countHeader(response.headers["x-wp-totalpages"]),
        total: null,
        date: undefined,
      };
    },
    { startPage: 1, perPage: options.perPage, concurrency: options.concurrency, signal },
  );
  const store = new AscendingIds(async () => {
    const next = await pages.next();
    // A record left out is not in the listing: one we hold (a customer made staff) becomes a candidate.
    return next.done
      ? null
      : next.value[1].records
          .filter((r) => !leftOut?.test(r))
          .map((r) => String(r.id))
          .filter((id) => /^[1-9]\d*$/.test(id));
  });
  try {
    yield* missingIds({
      held,
      seenBefore,
      gap: ours - theirs,
      store,
      batchSize: CONFIRM_BATCH,
      confirm: async (batch) => {
        const gone = await mapLimit(batch, options.concurrency, (id) =>
          isGone(client, endpoint, id, leftOut, signal),
        );
        return batch.filter((_, i) => gone[i]);
      },
    });
  } finally {
    await pages.return(undefined);
  }
}

/**
 * One record by id (`_fields`: `id` and `fields`): the record; null when the store says it does not exist (404
 * `…_invalid_id`: `woocommerce_rest_shop_order_invalid_id`, `wc_user_invalid_id`…); undefined for a 404 that says
 * nothing more (a proxy's, a security plugin's), which proves nothing.
 */
export async function recordById(
  client: WooClient,
  endpoint: string,
  id: string,
  fields: string | undefined,
  signal?: AbortSignal,
): Promise<Record<string, unknown> | null | undefined> {
  const response = await client.get<Record<string, unknown>>(
    `${endpoint}/${id}`,
    { _fields: fields ? `id,${fields}` : "id" },
    { signal, accept: [404] },
  );
  const data = typeof response.data === "object" && response.data !== null ? response.data : {};
  if (response.status !== 404) return data;
  return typeof data.code === "string" && /_invalid_id$/.test(data.code) ? null : undefined;
}

/**
 * True only when the store says the record does not exist (404 `…_invalid_id`) or shows it as one the reader leaves
 * out (a customer made shop manager: removed as a deletion, ADR 0047); a trashed one still reads and stays.
 */
async function isGone(
  client: WooClient,
  endpoint: string,
  id: string,
  leftOut: LeftOut | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  const record = await recordById(client, endpoint, id, leftOut?.fields, signal);
  if (record === undefined) return false;
  return record === null || (leftOut !== undefined && leftOut.test(record));
}
