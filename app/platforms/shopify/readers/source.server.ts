/**
 * The sync source of one Shopify integration: one reader per resource, each choosing for every read between pages
 * and a bulk operation by how many records match (see specs.ts and ADR 0018), and one pure mapper per resource.
 *
 * - `read(null)`: a full read. `read(since)`: records changed since the last read (`updated_at:>'…'`, oldest
 *   change first). `read(pages|bulk cursor)`: resumes an interrupted read. See cursor.ts.
 * - The first page of a read carries Shopify's count of matching records for the progress bar; a bulk read then
 *   reports the operation's `rootObjectCount`.
 */
import { join } from "node:path";
import type {
  CanonicalRecordOf,
  Resource,
  ResourceReader,
  SourcePage,
  SyncSource,
} from "../../../sync/types";
import type { ShopifyGraphqlClient } from "../client.server";
import type { BulkOperations } from "../bulk/operation.server";
import { mapCustomerNode } from "../mapping/customers";
import { mapOrderNode } from "../mapping/orders";
import { mapProductNode } from "../mapping/products";
import type { ShopifyCustomerNode, ShopifyOrderNode, ShopifyProductNode } from "../mapping/types";
import { readBulk, startBulkRead } from "./bulk-read.server";
import { decodeCursor, encodeCursor, updatedSinceFilter, type PagesCursor } from "./cursor";
import { readPages } from "./pages.server";
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
}

/** Builds the SyncSource of one Shopify integration. */
export function createShopifySource(options: ShopifySourceOptions): SyncSource {
  let currency: string | null = null;
  const readerFor = <R extends Resource>(
    resource: R,
    map: (node: unknown) => CanonicalRecordOf[R],
  ): ResourceReader<unknown, R> => ({
    read: (cursor, signal) =>
      readResource(options, RESOURCE_SPECS[resource], cursor, signal, async () => {
        if (resource === "products") currency ??= await options.shopCurrency(signal);
      }),
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
  };
}

async function* readResource(
  options: ShopifySourceOptions,
  spec: ResourceSpec,
  raw: string | null,
  signal: AbortSignal,
  prepare: () => Promise<void>,
): AsyncGenerator<SourcePage<Record<string, unknown>>> {
  await prepare();
  const bulkDeps = {
    bulk: options.bulk,
    spoolPath: join(options.spoolDir, `${options.integrationId}-${spec.resource}.sqlite`),
  };
  const cursor = decodeCursor(raw);
  if (cursor?.mode === "pages") return yield* readPages(options.client, spec, cursor, signal);
  if (cursor?.mode === "bulk") return yield* readBulk(bulkDeps, spec, cursor, signal);

  const since = cursor?.mode === "since" ? cursor.since : null;
  const filter = since ? updatedSinceFilter(since) : null;
  const matching = await countOf(options.client, spec, filter, signal);
  const threshold = options.bulkThreshold ?? spec.bulkThreshold;
  if (matching > threshold) {
    const start = await startBulkRead(bulkDeps, spec, filter, since, signal);
    // Commit the operation id at once: a run killed while Shopify prepares the file resumes with it.
    yield { records: [], cursor: encodeCursor(start), estimatedTotal: matching };
    return yield* readBulk(bulkDeps, spec, start, signal);
  }
  const start: PagesCursor = { v: 1, mode: "pages", filter, after: null, newest: null, since };
  let first = true;
  for await (const page of readPages(options.client, spec, start, signal)) {
    yield first ? { ...page, estimatedTotal: matching } : page;
    first = false;
  }
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
