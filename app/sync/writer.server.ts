/**
 * Batch upserts of canonical records: a handful of multi-row statements per page instead of queries per record.
 *
 * Rules (issue 5, item 2):
 * - Contacts are deduplicated by normalized email within the organization and linked through ContactSource to
 *   every (integration, external customer id) they came from.
 * - Orders and products are keyed by (integration, external id).
 * - An order whose customer is unknown, or a guest, links or creates the contact from the order's email. Guests
 *   get a ContactSource `guest:<email>` so we know which stores fed the contact (needed by redaction and purge).
 * - A record never overwrites a newer one: every update is guarded by `excluded.externalUpdatedAt >= current`
 *   (equal = idempotent re-apply).
 * All functions run inside the caller's transaction and throw on failure (the caller retries record by record).
 */
import { newId } from "./ids";
import {
  executeIn,
  insertRows,
  selectIn,
  sqlDate,
  type Column,
  type Dialect,
  type SqlExecutor,
} from "./sql.server";
import type { ContactRecord, OrderRecord, ProductRecord } from "./types";

export interface WriteContext {
  dialect: Dialect;
  organizationId: string;
  integrationId: string;
  /** Stored as data on new rows (Contact.source, Order.platform). */
  platform: string;
  now: Date;
}

/** Trimmed, lower-cased email, or null when empty. */
export function normalizeEmail(email: string | null | undefined): string | null {
  const value = email?.trim().toLowerCase();
  return value ? value : null;
}

export const GUEST_PREFIX = "guest:";

/** ContactSource external id of a guest buyer of a store (orders without a customer account). */
export function guestExternalId(email: string): string {
  return `${GUEST_PREFIX}${email}`;
}

const CONTACT_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "organizationId", type: "text" },
  { name: "email", type: "text" },
  { name: "firstName", type: "text" },
  { name: "lastName", type: "text" },
  { name: "phone", type: "text" },
  { name: "tags", type: "json" },
  { name: "customFields", type: "json" },
  { name: "source", type: "text" },
  { name: "marketingState", type: "text" },
  { name: "marketingOptInLevel", type: "text" },
  { name: "marketingUpdatedAt", type: "timestamp" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

const SOURCE_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "contactId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

/** Keeps, per key, the record with the newest updated-at (the later one on ties): one row per key per statement. */
function newestByKey<T>(records: T[], key: (r: T) => string, updatedAt: (r: T) => Date | null): T[] {
  const byKey = new Map<string, T>();
  for (const record of records) {
    const k = key(record);
    const seen = byKey.get(k);
    if (!seen || (updatedAt(record)?.getTime() ?? 0) >= (updatedAt(seen)?.getTime() ?? 0))
      byKey.set(k, record);
  }
  return [...byKey.values()];
}

async function sourcesByExternalId(
  tx: SqlExecutor,
  ctx: WriteContext,
  externalIds: string[],
): Promise<Map<string, string>> {
  const rows = await selectIn<{ externalId: string; contactId: string }>(
    tx,
    ctx.dialect,
    [{ value: ctx.integrationId, type: "text" }],
    [...new Set(externalIds)],
    ([integration], list) =>
      `SELECT "externalId", "contactId" FROM "ContactSource" WHERE "integrationId" = ${integration} AND "externalId" IN (${list})`,
  );
  return new Map(rows.map((r) => [r.externalId, r.contactId]));
}

async function contactsByEmail(
  tx: SqlExecutor,
  ctx: WriteContext,
  emails: string[],
): Promise<Map<string, string>> {
  const rows = await selectIn<{ id: string; email: string }>(
    tx,
    ctx.dialect,
    [{ value: ctx.organizationId, type: "text" }],
    [...new Set(emails)],
    ([org], list) =>
      `SELECT "id", "email" FROM "Contact" WHERE "organizationId" = ${org} AND "email" IN (${list})`,
  );
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** Upserts contacts and their ContactSource links for one page of customers. */
export async function writeContacts(
  tx: SqlExecutor,
  ctx: WriteContext,
  input: ContactRecord[],
): Promise<void> {
  if (input.length === 0) return;
  const { dialect } = ctx;
  const records = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  const emails = records.map((r) => normalizeEmail(r.email)).filter((e): e is string => e !== null);
  const [bySource, byEmail] = await Promise.all([
    sourcesByExternalId(
      tx,
      ctx,
      records.map((r) => r.externalId),
    ),
    contactsByEmail(tx, ctx, emails),
  ]);

  const now = sqlDate(dialect.kind, ctx.now);
  const contactRows = new Map<string, { row: unknown[]; updatedAt: number }>();
  const sourceRows: unknown[][] = [];
  for (const record of records) {
    const email = normalizeEmail(record.email);
    // The email's owner wins over an older link: a customer who changed their email to one we already know is
    // that person. Otherwise keep the contact this store's customer id is linked to, or create one.
    const contactId = (email && byEmail.get(email)) || bySource.get(record.externalId) || newId();
    if (email) byEmail.set(email, contactId);
    const updatedAt = sqlDate(dialect.kind, record.externalUpdatedAt);
    const row = [
      contactId,
      ctx.organizationId,
      email,
      record.firstName,
      record.lastName,
      record.phone,
      // JSON columns travel as JSON values inside the batch parameter (not as strings, which would double-encode).
      record.tags ?? [],
      record.customFields ?? {},
      ctx.platform,
      record.marketingState,
      record.marketingOptInLevel,
      sqlDate(dialect.kind, record.marketingUpdatedAt),
      updatedAt,
      now,
      now,
    ];
    const seen = contactRows.get(contactId);
    const time = record.externalUpdatedAt.getTime();
    if (!seen || time >= seen.updatedAt) contactRows.set(contactId, { row, updatedAt: time });
    sourceRows.push([newId(), contactId, ctx.integrationId, record.externalId, updatedAt, now, now]);
  }

  const newer = `("Contact"."externalUpdatedAt" IS NULL OR excluded."externalUpdatedAt" >= "Contact"."externalUpdatedAt")`;
  const pick = (column: string) =>
    `"${column}" = CASE WHEN ${newer} THEN excluded."${column}" ELSE "Contact"."${column}" END`;
  await insertRows(
    tx,
    dialect,
    "Contact",
    CONTACT_COLUMNS,
    [...contactRows.values()].map((c) => c.row),
    `ON CONFLICT ("id") DO UPDATE SET
       "email" = COALESCE(CASE WHEN ${newer} THEN excluded."email" ELSE "Contact"."email" END, "Contact"."email"),
       ${["firstName", "lastName", "phone", "tags", "marketingState", "marketingOptInLevel", "marketingUpdatedAt", "externalUpdatedAt"].map(pick).join(",\n       ")},
       "customFields" = CASE WHEN ${newer} THEN ${dialect.jsonMerge(`"Contact"."customFields"`, `excluded."customFields"`)}
                        ELSE ${dialect.jsonMerge(`excluded."customFields"`, `"Contact"."customFields"`)} END,
       "updatedAt" = excluded."updatedAt"
     WHERE "Contact"."redactedAt" IS NULL`,
  );
  await insertRows(
    tx,
    dialect,
    "ContactSource",
    SOURCE_COLUMNS,
    sourceRows,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       "contactId" = excluded."contactId", "externalUpdatedAt" = excluded."externalUpdatedAt", "updatedAt" = excluded."updatedAt"
     WHERE "ContactSource"."externalUpdatedAt" IS NULL OR excluded."externalUpdatedAt" >= "ContactSource"."externalUpdatedAt"`,
  );
}

/**
 * Finds or creates the contact of each order: by this store's customer id, else by the guest key, else by email
 * within the organization, else a new contact from the order's email and buyer name. Returns externalId → contactId.
 */
async function resolveOrderContacts(
  tx: SqlExecutor,
  ctx: WriteContext,
  orders: OrderRecord[],
): Promise<Map<string, string | null>> {
  const { dialect } = ctx;
  const keyOf = (order: OrderRecord): string | null => {
    if (order.customerExternalId) return order.customerExternalId;
    const email = normalizeEmail(order.email);
    return email ? guestExternalId(email) : null;
  };
  const keys = orders.map(keyOf).filter((k): k is string => k !== null);
  const bySource = await sourcesByExternalId(tx, ctx, keys);
  const unresolvedEmails = orders
    .filter((o) => {
      const key = keyOf(o);
      return key !== null && !bySource.has(key);
    })
    .map((o) => normalizeEmail(o.email))
    .filter((e): e is string => e !== null);
  const byEmail = await contactsByEmail(tx, ctx, unresolvedEmails);

  const now = sqlDate(dialect.kind, ctx.now);
  const newContacts: unknown[][] = [];
  const newSources: unknown[][] = [];
  const result = new Map<string, string | null>();
  for (const order of orders) {
    const key = keyOf(order);
    if (key === null) {
      result.set(order.externalId, null);
      continue;
    }
    let contactId = bySource.get(key);
    if (!contactId) {
      const email = normalizeEmail(order.email);
      contactId = email ? byEmail.get(email) : undefined;
      if (!contactId) {
        contactId = newId();
        if (email) byEmail.set(email, contactId);
        // externalUpdatedAt stays null: the customer record, when it arrives, always fills the contact in.
        newContacts.push([
          contactId,
          ctx.organizationId,
          email,
          order.customerFirstName ?? null,
          order.customerLastName ?? null,
          order.customerPhone ?? null,
          [],
          {},
          ctx.platform,
          "not_subscribed",
          null,
          null,
          null,
          now,
          now,
        ]);
      }
      bySource.set(key, contactId);
      // Linked with a null updated-at so the real customer record (if any) overwrites nothing it shouldn't.
      newSources.push([newId(), contactId, ctx.integrationId, key, null, now, now]);
    }
    result.set(order.externalId, contactId);
  }
  await insertRows(tx, dialect, "Contact", CONTACT_COLUMNS, newContacts, `ON CONFLICT ("id") DO NOTHING`);
  await insertRows(
    tx,
    dialect,
    "ContactSource",
    SOURCE_COLUMNS,
    newSources,
    `ON CONFLICT ("integrationId", "externalId") DO NOTHING`,
  );
  return result;
}

const ORDER_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "organizationId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "contactId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "orderNumber", type: "text" },
  { name: "platform", type: "text" },
  { name: "financialStatus", type: "text" },
  { name: "fulfillmentStatus", type: "text" },
  { name: "totalMinor", type: "bigint" },
  { name: "currency", type: "text" },
  { name: "email", type: "text" },
  { name: "orderDate", type: "timestamp" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "cancelledAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

const ITEM_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "orderId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "productExternalId", type: "text" },
  { name: "variantExternalId", type: "text" },
  { name: "title", type: "text" },
  { name: "sku", type: "text" },
  { name: "quantity", type: "int" },
  { name: "unitPriceMinor", type: "bigint" },
  { name: "position", type: "int" },
];

/** Upserts one page of orders (and replaces the line items of every order it inserted or updated). */
export async function writeOrders(tx: SqlExecutor, ctx: WriteContext, input: OrderRecord[]): Promise<void> {
  if (input.length === 0) return;
  const { dialect } = ctx;
  const orders = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  const contacts = await resolveOrderContacts(tx, ctx, orders);
  const now = sqlDate(dialect.kind, ctx.now);
  const rows = orders.map((o) => [
    newId(),
    ctx.organizationId,
    ctx.integrationId,
    contacts.get(o.externalId) ?? null,
    o.externalId,
    o.orderNumber,
    ctx.platform,
    o.financialStatus,
    o.fulfillmentStatus,
    o.totalMinor,
    o.currency,
    normalizeEmail(o.email),
    sqlDate(dialect.kind, o.orderDate),
    sqlDate(dialect.kind, o.externalUpdatedAt),
    sqlDate(dialect.kind, o.cancelledAt),
    now,
    now,
  ]);
  const updatable = ORDER_COLUMNS.map((c) => c.name).filter(
    (n) => !["id", "organizationId", "integrationId", "externalId", "platform", "createdAt"].includes(n),
  );
  // RETURNING yields only rows inserted or actually updated (the WHERE skips stale ones): exactly the orders whose
  // items must be (re)written.
  const written = await insertRows<{ id: string; externalId: string }>(
    tx,
    dialect,
    "Order",
    ORDER_COLUMNS,
    rows,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       ${updatable.map((n) => `"${n}" = excluded."${n}"`).join(", ")}, "deletedAt" = NULL
     WHERE excluded."externalUpdatedAt" >= "Order"."externalUpdatedAt"`,
    `"id", "externalId"`,
  );
  if (written.length === 0) return;
  const idByExternal = new Map(written.map((w) => [w.externalId, w.id]));
  await executeIn(
    tx,
    dialect,
    [],
    [...idByExternal.values()],
    (_, list) => `DELETE FROM "OrderItem" WHERE "orderId" IN (${list})`,
  );
  const items: unknown[][] = [];
  for (const order of orders) {
    const orderId = idByExternal.get(order.externalId);
    if (!orderId) continue;
    order.items.forEach((item, position) => {
      items.push([
        newId(),
        orderId,
        item.externalId,
        item.productExternalId,
        item.variantExternalId,
        item.title,
        item.sku,
        item.quantity,
        item.unitPriceMinor,
        position,
      ]);
    });
  }
  await insertRows(tx, dialect, "OrderItem", ITEM_COLUMNS, items);
}

const PRODUCT_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "organizationId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "title", type: "text" },
  { name: "status", type: "text" },
  { name: "vendor", type: "text" },
  { name: "productType", type: "text" },
  { name: "handle", type: "text" },
  { name: "currency", type: "text" },
  { name: "minPriceMinor", type: "bigint" },
  { name: "maxPriceMinor", type: "bigint" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

const VARIANT_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "productId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "title", type: "text" },
  { name: "sku", type: "text" },
  { name: "priceMinor", type: "bigint" },
  { name: "externalUpdatedAt", type: "timestamp" },
];

/** Upserts one page of products with their variants (variants no longer listed are removed). */
export async function writeProducts(
  tx: SqlExecutor,
  ctx: WriteContext,
  input: ProductRecord[],
): Promise<void> {
  if (input.length === 0) return;
  const { dialect } = ctx;
  const products = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  const now = sqlDate(dialect.kind, ctx.now);
  const rows = products.map((p) => [
    newId(),
    ctx.organizationId,
    ctx.integrationId,
    p.externalId,
    p.title,
    p.status,
    p.vendor,
    p.productType,
    p.handle,
    p.currency,
    p.minPriceMinor,
    p.maxPriceMinor,
    sqlDate(dialect.kind, p.externalUpdatedAt),
    now,
    now,
  ]);
  const updatable = PRODUCT_COLUMNS.map((c) => c.name).filter(
    (n) => !["id", "organizationId", "integrationId", "externalId", "createdAt"].includes(n),
  );
  const written = await insertRows<{ id: string; externalId: string }>(
    tx,
    dialect,
    "Product",
    PRODUCT_COLUMNS,
    rows,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       ${updatable.map((n) => `"${n}" = excluded."${n}"`).join(", ")}, "deletedAt" = NULL
     WHERE excluded."externalUpdatedAt" >= "Product"."externalUpdatedAt"`,
    `"id", "externalId"`,
  );
  if (written.length === 0) return;
  const idByExternal = new Map(written.map((w) => [w.externalId, w.id]));
  const variants: unknown[][] = [];
  const keep: string[] = [];
  for (const product of products) {
    const productId = idByExternal.get(product.externalId);
    if (!productId) continue;
    for (const v of newestByKey(
      product.variants,
      (x) => x.externalId,
      (x) => x.externalUpdatedAt,
    )) {
      keep.push(v.externalId);
      variants.push([
        newId(),
        productId,
        ctx.integrationId,
        v.externalId,
        v.title,
        v.sku,
        v.priceMinor,
        sqlDate(dialect.kind, v.externalUpdatedAt ?? product.externalUpdatedAt),
      ]);
    }
  }
  // Variants dropped from a product we just updated are gone on the platform too.
  const productIds = [...idByExternal.values()];
  const keepSet = new Set(keep);
  const existing = await selectIn<{ id: string; externalId: string }>(
    tx,
    dialect,
    [],
    productIds,
    (_, list) => `SELECT "id", "externalId" FROM "ProductVariant" WHERE "productId" IN (${list})`,
  );
  const stale = existing.filter((v) => !keepSet.has(v.externalId)).map((v) => v.id);
  await executeIn(
    tx,
    dialect,
    [],
    stale,
    (_, list) => `DELETE FROM "ProductVariant" WHERE "id" IN (${list})`,
  );
  await insertRows(
    tx,
    dialect,
    "ProductVariant",
    VARIANT_COLUMNS,
    variants,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       "productId" = excluded."productId", "title" = excluded."title", "sku" = excluded."sku",
       "priceMinor" = excluded."priceMinor", "externalUpdatedAt" = excluded."externalUpdatedAt"`,
  );
}
