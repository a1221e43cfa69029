/**
 * The sync source of one Shopify integration: one reader per resource, each choosing for every read between pages
 * and a bulk operation by how many records match (see specs.ts and ADR 0018), and one pure mapper per resource.
 *
 * - `read(null)`: a full read. `read(since)`: records changed since the last read (`updated_at:>'…'`, oldest
 *   change first). `read(pages|bulk cursor)`: resumes an interrupted read. See cursor.ts.
 * - The first page of a read carries Shopify's count of matching records for the progress bar; a bulk read then
 *   reports the operation's `rootObjectCount`.
 * - After a read (full or incremental, pages or bulk), records Shopify deleted while no webhook reached us are
 *   found and removed through deletion pages (reconcile.server.ts, ADR 0046).
 * - Full reads use the shop's bulk concurrency (5 operations from API 2026-01): when the first resource starts a
 *   full read, the exports of the other resources are started too, so Shopify prepares the orders file while the
 *   customers are written. An export no read asked for is cancelled when the run ends.
 */
import { join } from "node:path";
import {
  RESOURCES,
  type CanonicalRecordOf,
  type HeldRecords,
  type Resource,
  type ResourceReader,
  type SourcePage,
  type SyncSource,
} from "../../../sync/types";
import type { ShopifyGraphqlClient } from "../client.server";
import { BulkSpool } from "../bulk/spool.server";
import type { BulkOperations } from "../bulk/operation.server";
import { mapCustomerNode } from "../mapping/customers";
import { mapOrderNode } from "../mapping/orders";
import { mapProductNode } from "../mapping/products";
import type { ShopifyCustomerNode, ShopifyOrderNode, ShopifyProductNode } from "../mapping/types";
import { readBulk, startBulkRead, type BulkReadDeps } from "./bulk-read.server";
import { decodeCursor, encodeCursor, updatedSinceFilter, type BulkCursor, type PagesCursor } from "./cursor";
import { readPages } from "./pages.server";
import { deletionPages } from "./reconcile.server";
import { RESOURCE_SPECS, type ResourceSpec } from "./specs";

export interface ShopifySourceOptions {
  client: ShopifyGraphqlClient;
  bulk: BulkOperations;
  integrationId: string;
  /** Folder for bulk spool files (one per integration and resource). */
  spoolDir: string;
  /** The shop's currency (prices of products and variants are in it). */
  shopCurrency: (signal?: AbortSignal) => Promise<string>;
  /** Overrides the resources' bulk thresholds (tests, measurements): 0 = always bulk, Infinity = always pages. */
  bulkThreshold?: number;
  /** Start the other resources' exports early (needs several bulk operations at once: API 2026-01+). */
  prefetch?: boolean;
  /**
   * After each read, look for records Shopify deleted without a webhook reaching us (ADR 0046). Default true; off
   * only for measurements and for proving the check's tests can fail.
   */
  findDeletions?: boolean;
  /** How it finds which (listing every id up to a size, halving id ranges above; ADR 0046 addendum). */
  deletionSearch?: { listAllUpTo?: number; listRangeUpTo?: number };
  /** Our clock (tests move it). */
  now?: () => Date;
}

/** Builds the SyncSource of one Shopify integration (one per run). */
export function createShopifySource(options: ShopifySourceOptions): SyncSource {
  let currency: string | null = null;
  const prefetched = new Map<Resource, Promise<BulkCursor | null>>();
  const consumed = new Set<Resource>();
  const bulkDeps = (spec: ResourceSpec): BulkReadDeps => ({
    client: options.client,
    bulk: options.bulk,
    spoolPath: join(options.spoolDir, `${options.integrationId}-${spec.resource}.sqlite`),
  });
  const threshold = (spec: ResourceSpec) => options.bulkThreshold ?? spec.bulkThreshold;

  /** Starts the full exports of the resources not read yet (best effort: a read starts its own if this fails). */
  const prefetchOthers = (current: Resource, signal: AbortSignal) => {
    if (!options.prefetch) return;
    for (const resource of RESOURCES) {
      if (resource === current || prefetched.has(resource) || consumed.has(resource)) continue;
      const spec = RESOURCE_SPECS[resource];
      prefetched.set(
        resource,
        (async () => {
          if ((await countOf(options.client, spec, null, signal)) <= threshold(spec)) return null;
          return startBulkRead(bulkDeps(spec), spec, null, null, signal, { waitWhenBusy: false });
        })().catch(() => null),
      );
    }
  };

  async function* readResource(
    spec: ResourceSpec,
    raw: string | null,
    signal: AbortSignal,
  ): AsyncGenerator<SourcePage<Record<string, unknown>>> {
    if (spec.resource === "products") currency ??= await options.shopCurrency(signal);
    const early = prefetched.get(spec.resource);
    consumed.add(spec.resource);
    const cursor = decodeCursor(raw);
    if (cursor?.mode === "pages") return yield* readPages(options.client, spec, cursor, signal);
    if (cursor?.mode === "bulk") return yield* readBulk(bulkDeps(spec), spec, cursor, signal);

    const since = cursor?.mode === "since" ? cursor.since : null;
    const prepared = early ? await early : null;
    if (prepared && since !== null) {
      // Started for a full read this resource does not do (it reads changes since its last run).
      await options.bulk.cancel(prepared.op);
    }
    if (prepared && since === null) {
      yield { records: [], cursor: encodeCursor(prepared) };
      return yield* readBulk(bulkDeps(spec), spec, prepared, signal);
    }
    const filter = since ? updatedSinceFilter(since) : null;
    const matching = await countOf(options.client, spec, filter, signal);
    if (matching > threshold(spec)) {
      const start = await startBulkRead(bulkDeps(spec), spec, filter, since, signal);
      if (since === null) prefetchOthers(spec.resource, signal);
      // Commit the operation id at once: a run killed while Shopify prepares the file resumes with it.
      yield { records: [], cursor: encodeCursor(start), estimatedTotal: matching };
      return yield* readBulk(bulkDeps(spec), spec, start, signal);
    }
    if (since === null) prefetchOthers(spec.resource, signal);
    const start: PagesCursor = { v: 1, mode: "pages", filter, after: null, newest: null, since };
    let first = true;
    for await (const page of readPages(options.client, spec, start, signal)) {
      yield first ? { ...page, estimatedTotal: matching } : page;
      first = false;
    }
  }

  /** A read, then (given what we hold) deletion pages for what Shopify deleted without telling, at its last cursor. */
  async function* readThenFindDeletions(
    spec: ResourceSpec,
    raw: string | null,
    signal: AbortSignal,
    held: HeldRecords | undefined,
  ): AsyncGenerator<SourcePage<Record<string, unknown>>> {
    let last: { cursor: string | null } | null = null;
    for await (const page of readResource(spec, raw, signal)) {
      last = { cursor: page.cursor };
      yield page;
    }
    if (!held || !last || options.findDeletions === false) return;
    yield* deletionPages({
      client: options.client,
      spec,
      held,
      cursor: last.cursor,
      signal,
      now: options.now,
      ...options.deletionSearch,
    });
  }

  const readerFor = <R extends Resource>(
    resource: R,
    map: (node: unknown) => CanonicalRecordOf[R],
  ): ResourceReader<unknown, R> => ({
    read: (cursor, signal, held) => readThenFindDeletions(RESOURCE_SPECS[resource], cursor, signal, held),
    map,
    remoteId: (node) => (node as { id?: string }).id,
  });

  return {
    platform: "shopify",
    readers: {
      customers: readerFor("customers", (node) => mapCustomerNode(node as ShopifyCustomerNode)),
      orders: readerFor("orders", (node) => mapOrderNode(node as ShopifyOrderNode)),
      products: readerFor("products", (node) => {
        if (!currency) throw new Error("The shop's currency is not known yet.");
        return mapProductNode(node as ShopifyProductNode, currency);
      }),
    },
    async close() {
      // Exports started early for resources this run never read: stop Shopify's work, drop their spool files.
      for (const [resource, pending] of prefetched) {
        if (consumed.has(resource)) continue;
        const cursor = await pending;
        if (!cursor) continue;
        await options.bulk.cancel(cursor.op);
        BulkSpool.remove(bulkDeps(RESOURCE_SPECS[resource]).spoolPath);
      }
    },
  };
}

async function countOf(
  client: ShopifyGraphqlClient,
  spec: ResourceSpec,
  filter: string | null,
  signal: AbortSignal,
): Promise<number> {
  const data = await client.request<Record<string, { count: number } | null>>(
    spec.countOperation,
    spec.countDocument,
    { query: filter },
    { signal },
  );
  return data[`${spec.root}Count`]?.count ?? 0;
}
