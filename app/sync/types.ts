/**
 * The contract between store platforms and the sync engine.
 *
 * A platform module exposes, per resource, a reader (an async generator of pages of remote records, starting from a
 * cursor) and a pure mapper (remote record → canonical record). The engine only ever sees these shapes: it never
 * branches on the platform. Canonical records are ours and platform-free; money is integer minor units (bigint),
 * external ids are strings, dates are UTC `Date`s.
 */

export const RESOURCES = ["customers", "orders", "products"] as const;
export type Resource = (typeof RESOURCES)[number];

export type SyncKind = "full" | "incremental" | "reconcile";
export type SyncRunStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "cancelled";

/** A customer as we store it. `email` may be un-normalized here; the engine trims and lower-cases it. */
/** Marketing state of a record whose platform records no consent (WooCommerce): never overwrites a known state. */
export const UNKNOWN_CONSENT = "unknown";

export interface ContactRecord {
  externalId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  tags: string[];
  /** Platform extras (orders_count, total_spent, ...). Merged key by key into the contact across stores. */
  customFields: Record<string, unknown>;
  /**
   * "subscribed" | "not_subscribed" | "pending" | "unsubscribed" | "invalid", or UNKNOWN_CONSENT ("unknown") when
   * the platform has no consent signal at all: the contact writer never lets "unknown" replace a known state.
   */
  marketingState: string;
  /** "single_opt_in" | "confirmed_opt_in" | "unknown" | null */
  marketingOptInLevel: string | null;
  marketingUpdatedAt: Date | null;
  /** The platform's updated-at: a record never overwrites a row holding a newer one. */
  externalUpdatedAt: Date;
}

export interface OrderItemRecord {
  externalId: string | null;
  productExternalId: string | null;
  variantExternalId: string | null;
  title: string;
  sku: string | null;
  quantity: number;
  unitPriceMinor: bigint;
}

export interface OrderRecord {
  externalId: string;
  orderNumber: string;
  /** Null for guest checkouts. An unknown customer id is fine: the engine links or creates the contact by email. */
  customerExternalId: string | null;
  email: string | null;
  /** Optional buyer name/phone (billing address), used only when the order has to create the contact. */
  customerFirstName?: string | null;
  customerLastName?: string | null;
  customerPhone?: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  totalMinor: bigint;
  currency: string;
  orderDate: Date;
  externalUpdatedAt: Date;
  cancelledAt: Date | null;
  items: OrderItemRecord[];
}

export interface ProductVariantRecord {
  externalId: string;
  title: string;
  sku: string | null;
  priceMinor: bigint | null;
  externalUpdatedAt: Date | null;
}

export interface ProductRecord {
  externalId: string;
  title: string;
  status: string;
  vendor: string | null;
  productType: string | null;
  handle: string | null;
  currency: string | null;
  minPriceMinor: bigint | null;
  maxPriceMinor: bigint | null;
  externalUpdatedAt: Date;
  variants: ProductVariantRecord[];
}

export interface CanonicalRecordOf {
  customers: ContactRecord;
  orders: OrderRecord;
  products: ProductRecord;
}
export type CanonicalRecord = CanonicalRecordOf[Resource];

/** One page of remote records. */
export interface SourcePage<T = unknown> {
  /** Remote records, exactly as the platform sent them (mapped by the reader's `map`). */
  records: T[];
  /**
   * Where to resume after this page (opaque to the engine). Stored in the run's checkpoint in the same transaction
   * as the page's rows; after the last page it is the starting point of the next incremental sync. Null = no
   * position yet (the next read starts from the beginning).
   */
  cursor: string | null;
  /** Total records the reader expects for this read, if the platform says (drives the progress bar). */
  estimatedTotal?: number;
  /**
   * External ids of records the store lists as deleted (WooCommerce's trash): in the page's transaction, orders and
   * products are soft-deleted and a customer's store link is removed, as a deletion webhook does. A record already
   * deleted here is left as it is.
   */
  deleted?: string[];
  /**
   * A problem the reader met that did not stop its read (e.g. a check after its last page failed). Kept with the
   * run's errors, committed with the page; the resource and the run still succeed.
   */
  warning?: string;
}

/** Which held records a reader compares: ids behind a prefix, records dated from a day. */
export interface HeldFilter {
  /** Only ids starting with it (Shopify's `gid://shopify/Order/`), ordered by the decimal that follows. */
  idPrefix?: string;
  /** Only records whose own date is at or after it (orders: `orderDate`; no other resource has one). */
  datedFrom?: Date;
}

/**
 * Ids whose decimal part (after `HeldFilter.idPrefix`) is at least `from` and below `to` (null: no upper bound).
 * Half-open, so adjacent ranges share no id; bigints, because ids pass 2^53.
 */
export interface IdRange {
  from: bigint;
  to: bigint | null;
}

/**
 * What this integration holds of one resource, read-only, handed by the engine to a reader that compares it with
 * the store (to find records the store deleted without telling: ADR 0045). Live records only: orders and products
 * not deleted, customers linked by a customer record of their own (not only by an order). `seenBefore` keeps out
 * rows first seen here at or after that time (e.g. records created in the store while it was being listed).
 */
export interface HeldRecords {
  /** How many live records there are (of those `filter` keeps). */
  count(seenBefore: Date, filter?: HeldFilter): Promise<number>;
  /**
   * Their external ids that are decimal integers (no leading zero) — or, with `filter.idPrefix`, that prefix followed
   * by one (`gid://shopify/Order/` + `123`) — ascending by that integer's value, after `after` (exclusive; null: from
   * the smallest), at most `limit`. Ids of any other shape are never listed.
   */
  idsAfter(after: string | null, limit: number, seenBefore: Date, filter?: HeldFilter): Promise<string[]>;
  /** How many of the ids `idsAfter` lists lie in `range` (ADR 0046, addendum: bisecting by counts). */
  countIn(range: IdRange, seenBefore: Date, filter?: HeldFilter): Promise<number>;
  /**
   * The id `idsAfter` lists at position `skip` (0: the first; negative from the end, -1: the last) among those in
   * `range`; null past either end.
   */
  idAt(range: IdRange, skip: number, seenBefore: Date, filter?: HeldFilter): Promise<string | null>;
}

/**
 * Reads and maps one resource of one store.
 *
 * `read(null)` is a full read; `read(cursor)` resumes after the page that returned `cursor` (or an incremental read
 * from the cursor saved by the previous run). Cursors only move forward; a reader may re-read a small overlap,
 * which idempotent upserts make safe. `map` is pure and throws on bad data (the record is then counted as failed).
 */
export interface ResourceReader<Remote = unknown, R extends Resource = Resource> {
  /** `held` (given by the engine) is what we hold of this resource, for readers that reconcile deletions. */
  read(cursor: string | null, signal: AbortSignal, held?: HeldRecords): AsyncGenerator<SourcePage<Remote>>;
  map(remote: Remote): CanonicalRecordOf[R];
  /** Stable id of a remote record for error reports when `map` fails (defaults to `remote.id`). */
  remoteId?(remote: Remote): string | undefined;
}

export type ResourceReaders = {
  [R in Resource]?: ResourceReader<never, R> | ResourceReader<unknown, R>;
};

/** What a platform hands the engine for one integration. */
export interface SyncSource {
  /** "shopify" | "woocommerce" | "memory" …: stored as data (Contact.source, Order.platform), never branched on. */
  platform: string;
  readers: ResourceReaders;
  /** Optional up-front count for the progress bar. */
  count?(resource: Resource, signal?: AbortSignal): Promise<number | undefined>;
  /** Called once when the run ends, however it ends (flushes the audit trail of store calls, closes connections). */
  close?(): Promise<void>;
}

/** The result of a run, per resource: what the product reports for each sync (`{ success, synced, failed, errors }`). */
export interface ResourceResult {
  success: boolean;
  synced: number;
  failed: number;
  errors: string[];
  /** Records the read removed because the store lists them as deleted or confirmed them gone (absent when none). */
  deleted?: number;
}

export interface SyncError {
  resource: Resource;
  externalId: string | null;
  message: string;
  at: string;
}

export interface ProgressSnapshot {
  runId: string;
  integrationId: string;
  status: SyncRunStatus;
  currentResource: Resource | null;
  done: number;
  total: number | null;
  resources: Partial<
    Record<Resource, { synced: number; failed: number; done: boolean; total: number | null }>
  >;
}

export interface SyncRunSummary {
  runId: string;
  integrationId: string;
  kind: SyncKind;
  status: SyncRunStatus;
  resources: Partial<Record<Resource, ResourceResult>>;
  /** Total number of errors seen (the stored list is bounded). */
  errorCount: number;
  errorMessage: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Outcome of applying one remote record (webhooks, record-by-record retries). */
export type RecordOutcome =
  | { externalId: string | null; status: "applied" }
  | { externalId: string | null; status: "failed"; error: string };
