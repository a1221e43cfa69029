/**
 * Orders and their line items, keyed by (integration, external id). An order whose customer is unknown, or a guest,
 * links or creates the contact from the order's email; guests get a ContactSource `guest:<email>` so redaction and
 * purge know which stores fed the contact. Newest wins (`excluded.externalUpdatedAt >= current`). An order never
 * links a customer the store deleted again (ADR 0044): it goes to the contact that customer was, and the tombstone
 * stays. An order of a redacted customer read before the redaction is kept without its buyer (ADR 0048). Runs inside
 * the caller's transaction and throws on failure.
 */
import { orderedId } from "../../db/ordered-id";
import { executeIn, insertRows, type Column, type SqlExecutor } from "../sql.server";
import type { OrderRecord } from "../types";
import { sqlDate } from "../../db/sql-date";
import {
  CONTACT_COLUMNS,
  CONTACT_SOURCE_COLUMNS,
  contactsByEmail,
  sourcesByExternalId,
} from "./contacts.server";
import { guestExternalId, newestByKey, normalizeEmail, revivalGuard, type WriteContext } from "./context";
import { customerSuppressionKey, orderSuppressionKey, redactionHold } from "./suppressions.server";

/**
 * Finds or creates the contact of each order: by this store's customer id (a deleted customer's tombstone included:
 * its orders stay that person's), else by the guest key, else by email within the organization, else a new contact
 * from the order's email and buyer name. Returns externalId → contactId.
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
    let contactId = bySource.get(key)?.contactId;
    if (!contactId) {
      const email = normalizeEmail(order.email);
      contactId = email ? byEmail.get(email) : undefined;
      if (!contactId) {
        contactId = orderedId();
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
      bySource.set(key, { contactId, deletedAt: null });
      // Linked with a null updated-at so the real customer record (if any) overwrites nothing it shouldn't.
      newSources.push([orderedId(), contactId, ctx.integrationId, key, null, now, now]);
    }
    result.set(order.externalId, contactId);
  }
  await insertRows(tx, dialect, "Contact", CONTACT_COLUMNS, newContacts, `ON CONFLICT ("id") DO NOTHING`);
  await insertRows(
    tx,
    dialect,
    "ContactSource",
    CONTACT_SOURCE_COLUMNS,
    newSources,
    `ON CONFLICT ("integrationId", "externalId") DO NOTHING`,
  );
  return result;
}

/** Order columns, in the order the writer binds them (bench/ reuses them). */
export const ORDER_COLUMNS: Column[] = [
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

/** OrderItem columns, in the order the writer binds them. */
export const ORDER_ITEM_COLUMNS: Column[] = [
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

/** An order with nothing of its buyer: what a redaction lets us keep of a sale (ADR 0048). */
function withoutBuyer(order: OrderRecord): OrderRecord {
  return {
    ...order,
    customerExternalId: null,
    email: null,
    customerFirstName: null,
    customerLastName: null,
    customerPhone: null,
  };
}

/** An `OrderItem` row in ORDER_ITEM_COLUMNS order (also used by the ingest benchmark's floors). */
export function orderItemRow(
  orderId: string,
  item: OrderRecord["items"][number],
  position: number,
): unknown[] {
  return [
    orderedId(),
    orderId,
    item.externalId,
    item.productExternalId,
    item.variantExternalId,
    item.title,
    item.sku,
    item.quantity,
    item.unitPriceMinor,
    position,
  ];
}

/** Upserts one page of orders (and replaces the line items of every order it inserted or updated). */
export async function writeOrders(tx: SqlExecutor, ctx: WriteContext, input: OrderRecord[]): Promise<void> {
  if (input.length === 0) return;
  const { dialect } = ctx;
  const versions = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  // An order of a customer this store asked us to redact, in a version not newer than the redaction, is kept as a
  // sale without a buyer (ADR 0048): no email, no contact found, created or linked.
  const held = await redactionHold(
    tx,
    ctx,
    versions,
    (o) => ({
      ids: [
        orderSuppressionKey(o.externalId),
        ...(o.customerExternalId ? [customerSuppressionKey(o.customerExternalId)] : []),
      ],
      email: o.email,
    }),
    (o) => o.externalUpdatedAt,
  );
  const orders = held ? versions.map((o) => (held(o) ? withoutBuyer(o) : o)) : versions;
  const contacts = await resolveOrderContacts(tx, ctx, orders);
  const now = sqlDate(dialect.kind, ctx.now);
  const rows = orders.map((o) => [
    orderedId(),
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
     WHERE excluded."externalUpdatedAt" >= "Order"."externalUpdatedAt"${revivalGuard(ctx, "Order")}`,
    `"id", "externalId"`,
  );
  if (written.length === 0) return;
  const idByExternal = new Map(written.map((w) => [w.externalId, w.id]));
  // An order that came back with the id this page generated for it was inserted, not updated (an update keeps the
  // existing id): no line items can point at it yet, so only updated orders need their items deleted.
  const newIds = new Set(rows.map((r) => r[0] as string));
  await executeIn(
    tx,
    dialect,
    [],
    written.filter((w) => !newIds.has(w.id)).map((w) => w.id),
    (_, inList) => `DELETE FROM "OrderItem" WHERE ${inList('"orderId"')}`,
  );
  const items: unknown[][] = [];
  for (const order of orders) {
    const orderId = idByExternal.get(order.externalId);
    if (!orderId) continue;
    order.items.forEach((item, position) => items.push(orderItemRow(orderId, item, position)));
  }
  await insertRows(tx, dialect, "OrderItem", ORDER_ITEM_COLUMNS, items);
}
