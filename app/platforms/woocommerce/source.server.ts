/**
 * The WooCommerce sync source: one reader per resource over the REST client.
 *
 * - Orders and products: `modified_after` (+ `dates_are_gmt=true`) from the cursor, ordered by id (an order
 *   modified during the read keeps its place, so no page shifts under the reader).
 * - Customers: WooCommerce ignores `modified_after` on `/customers`, so every read goes through all of them and keeps
 *   those whose `date_modified_gmt` is after the cursor. Every role is listed (`role=all`) and store staff are left
 *   out (roles.ts, ADR 0047): paying customers also hold `subscriber` or a plugin's role.
 * - Products bring their variations (fetched per variable product, a few at a time).
 * - `_fields` asks only for what the mapping reads; `per_page=100`, the most WordPress allows.
 * - Orders and products end with the ids in the store's trash (`status=trash`), reported as deletions.
 * - Every read then compares the store's total with ours and, only when ours is larger, finds the records deleted
 *   for good (reconcile.server.ts, ADR 0045).
 * Cursors: see cursor.ts.
 */
import { unfinishedDeletionCheck } from "../../sync/deletion-check";
import type { HeldRecords, Resource, ResourceReader, SourcePage, SyncSource } from "../../sync/types";
import type { WooClient } from "./client.server";
import {
  finishScan,
  fingerprint,
  inScope,
  isWanted,
  modifiedAfterFor,
  newScan,
  observe,
  parseCursor,
  serializeCursor,
  storeClock,
  type ScanState,
  type WooCursor,
} from "./cursor";
import { mapCustomer, mapOrder, mapProduct } from "./mapping";
import { countHeader, mapLimit, streamPages, type FetchedPage } from "./pages.server";
import { missingRecords, type LeftOut } from "./reconcile.server";
import { CUSTOMER_RULE_FIELDS, isCustomer } from "./roles";
import type {
  WooCustomer,
  WooId,
  WooOrder,
  WooProduct,
  WooProductWithVariations,
  WooSystemStatus,
  WooVariation,
} from "./types";

export const PER_PAGE = 100;

export const FIELDS = {
  customers:
    "id,email,first_name,last_name,username,role,billing,is_paying_customer,date_created_gmt,date_modified_gmt",
  orders:
    "id,number,status,currency,total,customer_id,billing,line_items,refunds,date_created_gmt,date_modified_gmt,date_paid_gmt",
  products: "id,name,slug,type,status,sku,price,variations,brands,date_created_gmt,date_modified_gmt",
  variations: "id,sku,price,status,name,attributes,date_modified_gmt",
} as const;

/** Every WordPress user: the default list holds only the `customer` role (ADR 0047). */
const CUSTOMER_LIST = { role: "all" } as const;

export interface WooSourceOptions {
  client: WooClient;
  /** List pages in flight at once after the first one. */
  pageConcurrency: number;
  /** The store currency when already known (saved at connect); read from system_status otherwise. */
  currency?: string | null;
  /** Our clock for the deletion check (tests move it). */
  now?: () => Date;
}

type Listed = { id: WooId; date_modified_gmt?: string | null; date_created_gmt?: string | null };

/** Builds the SyncSource of one WooCommerce store. */
export function createWooSource(options: WooSourceOptions): SyncSource {
  const { client } = options;
  let currency: Promise<string | null> | null = options.currency ? Promise.resolve(options.currency) : null;
  const storeCurrency = (signal: AbortSignal) => {
    currency ??= client
      .get<WooSystemStatus>("system_status", { _fields: "settings" }, { signal })
      .then((r) => r.data.settings?.currency?.toUpperCase() ?? null);
    return currency;
  };

  const list = <T>(endpoint: string, params: Record<string, string>) => {
    return async (page: number, signal: AbortSignal): Promise<FetchedPage<T>> => {
      const response = await client.list<T>(endpoint, { ...params, page, per_page: PER_PAGE }, { signal });
      return {
        records: response.data,
        totalPages: countHeader(response.headers["x-wp-totalpages"]),
        total: countHeader(response.headers["x-wp-total"]),
        date: response.headers.date,
      };
    };
  };

  function reader<T extends Listed, Out, R extends Resource>(spec: {
    endpoint: string;
    params: (cursor: WooCursor) => Record<string, string>;
    /** Turns a page of listed records into what `map` takes (products: + variations). */
    expand: (records: T[], signal: AbortSignal) => Promise<Out[]>;
    map: ResourceReader<Out, R>["map"];
    remoteId: (remote: Out) => string | undefined;
    /** False when the server filters by date itself and its total is the number of changes. */
    totalIsChanges: boolean;
    /** Posts (orders, products) have a trash: list it after the records, as deletions. */
    trash: boolean;
    /**
     * Filters of the list that its total and id listing must share (customers: `role=all`); also the cursor's scope:
     * a cursor made over another list starts over (cursor.ts `inScope`).
     */
    listFilter?: Record<string, string>;
    /** Listed records that are not ours to read (customers: store staff): never mapped, never compared. */
    leftOut?: LeftOut;
  }): ResourceReader<Out, R> {
    const scope = spec.listFilter ? new URLSearchParams(spec.listFilter).toString() : undefined;
    /**
     * The ids in the store's trash, as deletion pages carrying the read's final cursor. Trashed records leave the
     * lists (`status=any` excludes them), and a webhook about it may never have come (disabled, unreachable, or not
     * yet delivered): the sync removes them here too. A restore lists the record again; a later sync revives it.
     */
    async function* trashed(cursor: string, signal: AbortSignal): AsyncGenerator<SourcePage<Out>> {
      if (!spec.trash) return;
      const page = list<Listed>(spec.endpoint, {
        status: "trash",
        _fields: "id",
        orderby: "id",
        order: "asc",
      });
      for (let n = 1; ; n++) {
        const fetched = await page(n, signal);
        const ids = fetched.records.map((r) => String(r.id)).filter((id) => /^\d+$/.test(id));
        if (ids.length > 0) yield { records: [], cursor, deleted: ids };
        if (fetched.records.length < PER_PAGE) return;
      }
    }
    /**
     * Records deleted for good (no webhook, not in the trash), as deletion pages carrying the read's final cursor.
     * A failure here removes nothing unconfirmed and does not fail the read: it is reported as the run's warning
     * and the next read checks again.
     */
    async function* missing(
      cursor: string,
      signal: AbortSignal,
      held: HeldRecords | undefined,
      knownTotal: number | null,
      leftOutCount: number,
    ): AsyncGenerator<SourcePage<Out>> {
      if (!held) return;
      try {
        for await (const ids of missingRecords({
          client,
          endpoint: spec.endpoint,
          held,
          knownTotal,
          ...(spec.listFilter ? { listFilter: spec.listFilter } : {}),
          ...(spec.leftOut ? { leftOut: { ...spec.leftOut, count: leftOutCount } } : {}),
          perPage: PER_PAGE,
          concurrency: options.pageConcurrency,
          signal,
          now: options.now,
        })) {
          yield { records: [], cursor, deleted: ids };
        }
      } catch (error) {
        if (signal.aborted) throw error;
        yield {
          records: [],
          cursor,
          warning: unfinishedDeletionCheck(`the store for ${spec.endpoint} deleted without a webhook`, error),
        };
      }
    }
    return {
      map: spec.map,
      remoteId: spec.remoteId,
      async *read(cursorText, signal, held): AsyncGenerator<SourcePage<Out>> {
        const cursor = inScope(parseCursor(cursorText), scope);
        // The live list's own total (a full list's last non-empty page; with HPOS an empty page says 0).
        const listsAll = !spec.totalIsChanges || cursor.since === null;
        let liveTotal: number | null = null;
        const scan: ScanState = cursor.scan ?? newScan();
        const base = { v: 1 as const, since: cursor.since, seen: cursor.seen };
        const serialize = (c: WooCursor) => serializeCursor(scope === undefined ? c : { ...c, scope });
        let yielded = false;
        for await (const [page, fetched] of streamPages(list<T>(spec.endpoint, spec.params(cursor)), {
          startPage: scan.page + 1,
          perPage: PER_PAGE,
          concurrency: options.pageConcurrency,
          signal,
        })) {
          if (scan.startedAt === null && scan.page === 0) scan.startedAt = storeClock(fetched.date);
          if (listsAll && fetched.records.length > 0 && fetched.total !== null) liveTotal = fetched.total;
          const wanted: T[] = [];
          for (const record of fetched.records) {
            if (spec.leftOut?.test(record)) {
              scan.skipped = (scan.skipped ?? 0) + 1;
              continue;
            }
            const modified = record.date_modified_gmt ?? record.date_created_gmt ?? null;
            if (!modified) {
              wanted.push(record); // unreadable date: let the mapping report it
              continue;
            }
            const print = fingerprint(record);
            observe(scan, modified, String(record.id), print);
            if (isWanted(cursor, modified, String(record.id), () => print)) wanted.push(record);
          }
          scan.page = page;
          const last = fetched.records.length < PER_PAGE;
          const nextCursor = last ? finishScan(base, scan) : { ...base, scan: { ...scan } };
          yielded = true;
          const serialized = serialize(nextCursor);
          yield {
            records: await spec.expand(wanted, signal),
            cursor: serialized,
            ...(fetched.total !== null && (spec.totalIsChanges || cursor.since === null)
              ? { estimatedTotal: fetched.total }
              : {}),
          };
          if (last) {
            yield* trashed(serialized, signal);
            yield* missing(serialized, signal, held, liveTotal, scan.skipped ?? 0);
            return;
          }
        }
        // The stream ended on an empty page (past the end): close the scan with what was read.
        const done = serialize(yielded || scan.page > 0 ? finishScan(base, scan) : base);
        yield { records: [], cursor: done };
        yield* trashed(done, signal);
        yield* missing(done, signal, held, liveTotal, scan.skipped ?? 0);
      },
    };
  }

  const byModified = (cursor: WooCursor): Record<string, string> => {
    const after = modifiedAfterFor(cursor.since);
    return {
      orderby: "id",
      order: "asc",
      dates_are_gmt: "true",
      ...(after ? { modified_after: after } : {}),
    };
  };

  async function variationsOf(product: WooProduct, signal: AbortSignal): Promise<WooVariation[]> {
    if (product.type !== "variable") return [];
    const all: WooVariation[] = [];
    for (let page = 1; ; page++) {
      const response = await client.list<WooVariation>(
        `products/${product.id}/variations`,
        { per_page: PER_PAGE, page, _fields: FIELDS.variations, orderby: "id", order: "asc" },
        { signal },
      );
      all.push(...response.data);
      if (response.data.length < PER_PAGE) return all;
    }
  }

  return {
    platform: "woocommerce",
    readers: {
      customers: reader<WooCustomer, WooCustomer, "customers">({
        endpoint: "customers",
        params: () => ({ ...CUSTOMER_LIST, orderby: "id", order: "asc", _fields: FIELDS.customers }),
        expand: async (records) => records,
        map: mapCustomer,
        remoteId: (c) => (c?.id ? String(c.id) : undefined),
        totalIsChanges: false,
        trash: false,
        listFilter: CUSTOMER_LIST,
        leftOut: { fields: CUSTOMER_RULE_FIELDS, test: (user) => !isCustomer(user) },
      }),
      orders: reader<WooOrder, WooOrder, "orders">({
        endpoint: "orders",
        params: (cursor) => ({ ...byModified(cursor), _fields: FIELDS.orders }),
        expand: async (records) => records,
        map: mapOrder,
        remoteId: (o) => (o?.id ? String(o.id) : undefined),
        totalIsChanges: true,
        trash: true,
      }),
      products: reader<WooProduct, WooProductWithVariations, "products">({
        endpoint: "products",
        params: (cursor) => ({ ...byModified(cursor), _fields: FIELDS.products }),
        expand: async (records, signal) => {
          const money = await storeCurrency(signal);
          return mapLimit(records, options.pageConcurrency, async (product) => ({
            product,
            variations: await variationsOf(product, signal),
            currency: money,
          }));
        },
        map: mapProduct,
        remoteId: (p) => (p?.product?.id ? String(p.product.id) : undefined),
        totalIsChanges: true,
        trash: true,
      }),
    },
  };
}
