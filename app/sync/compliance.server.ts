/**
 * Data-protection operations behind the mandatory compliance webhooks (customers/redact, shop/redact,
 * customers/data_request) and the matching WooCommerce/admin actions. Each writes an AuditLog row that records what
 * was done without repeating the personal data itself.
 */
import type { Prisma } from "@prisma/client";
import type { EmailDigestKeys } from "../crypto/email-digest.server";
import type { AppDb } from "../db/client.server";
import { idChunks } from "../db/id-chunks";
import { containsIgnoringCase } from "../db/text-filter";
import { refreshIntegrationCounters } from "./run-records.server";
import { dialectFor, TX_OPTIONS } from "./sql.server";
import { guestExternalId, normalizeEmail } from "./writer/context";
import { recordSuppressions, storeRedactionLock, suppressionKeys } from "./writer/suppressions.server";

export interface CustomerSelector {
  integrationId: string;
  /** The store's customer id (ContactSource.externalId). */
  customerExternalId?: string | null;
  email?: string | null;
  /** Orders the platform asks us to redact / report (external ids), in addition to the customer's own. */
  orderExternalIds?: string[];
  /** Who asked: "webhook:customers/redact", "merchant:<shop>" … */
  actor?: string;
}

async function integrationOrThrow(db: AppDb | Prisma.TransactionClient, integrationId: string) {
  const integration = await db.integration.findUnique({ where: { id: integrationId } });
  if (!integration) throw new Error(`Integration ${integrationId} does not exist.`);
  return integration;
}

/**
 * Contacts of this store matching the selector: by customer id, by guest key, or by email within the organization.
 * At most three (a store links one contact per external id), so their ids are safe in an `in` list. A customer the
 * store deleted is found through its link's tombstone (ADR 0044): a redaction usually follows the deletion, and the
 * contact still holds what this store sent.
 */
async function matchingContactIds(
  tx: Prisma.TransactionClient,
  organizationId: string,
  selector: CustomerSelector,
) {
  const email = normalizeEmail(selector.email);
  const externalIds = [selector.customerExternalId, email ? guestExternalId(email) : null].filter(
    (x): x is string => !!x,
  );
  const ids = new Set<string>();
  if (externalIds.length) {
    const sources = await tx.contactSource.findMany({
      where: { integrationId: selector.integrationId, externalId: { in: externalIds } },
      select: { contactId: true },
    });
    for (const s of sources) ids.add(s.contactId);
  }
  if (email) {
    const byEmail = await tx.contact.findFirst({
      where: { organizationId, email, sources: { some: { integrationId: selector.integrationId } } },
      select: { id: true },
    });
    if (byEmail) ids.add(byEmail.id);
  }
  return [...ids];
}

/**
 * This store's orders a request covers, as filters to run one after another:
 * - first the orders it names, at most IDS_PER_STATEMENT ids per filter (a buyer may have thousands of orders, and
 *   Shopify names them all: `orders_to_redact`, `orders_requested`);
 * - then the customer's own orders, by contact or email (no id list: one statement however many).
 * An order may match more than one filter; callers dedupe (the export by id; the redaction because an order it has
 * cleared no longer matches the contact/email filter).
 */
function customerOrderFilters(selector: CustomerSelector, contactIds: string[]): Prisma.OrderWhereInput[] {
  const { integrationId } = selector;
  const named = idChunks([...new Set(selector.orderExternalIds ?? [])]).map((ids) => ({
    integrationId,
    externalId: { in: ids },
  }));
  const email = normalizeEmail(selector.email);
  const own: Prisma.OrderWhereInput[] = [
    ...(contactIds.length ? [{ contactId: { in: contactIds } }] : []),
    ...(email ? [{ email }] : []),
  ];
  return own.length ? [...named, { integrationId, OR: own }] : named;
}

/** What a redacted delivery's body becomes: valid JSON that names no one. */
export const REDACTED_PAYLOAD = '{"redacted":true}';
const REDACTED_NOTE = "Its body was erased by a data redaction request.";

/**
 * Erases the bodies of this store's stored webhook deliveries that concern the customer: those whose body holds
 * their email (any case), or whose record is the customer or one of the orders named. `resourceId` takes the
 * platforms' two shapes: the id itself (Shopify GIDs) or `<resource>:<id>` (WooCommerce). A delivery still waiting
 * is marked ignored, so it cannot bring the data back after the redaction. Returns how many were erased.
 */
async function forgetWebhookPayloads(
  tx: Prisma.TransactionClient,
  kind: AppDb["$kind"],
  selector: CustomerSelector,
): Promise<number> {
  const email = normalizeEmail(selector.email);
  const ids = [selector.customerExternalId, ...(selector.orderExternalIds ?? [])].filter(
    (x): x is string => !!x,
  );
  const resourceIds = new Set([
    ...ids,
    ...(selector.customerExternalId ? [`customer:${selector.customerExternalId}`] : []),
    ...(selector.orderExternalIds ?? []).map((id) => `order:${id}`),
  ]);
  const about: Prisma.WebhookEventWhereInput[] = [
    ...idChunks([...resourceIds]).map((chunk) => ({ resourceId: { in: chunk } })),
    ...(email ? [{ payload: containsIgnoringCase(kind, email) as Prisma.StringFilter }] : []),
  ];
  let erased = 0;
  // One filter at a time; a body already erased no longer matches, so none is counted twice.
  for (const filter of about) {
    const where = {
      integrationId: selector.integrationId,
      AND: [{ payload: { not: REDACTED_PAYLOAD } }, filter],
    };
    const waiting = await tx.webhookEvent.updateMany({
      where: { ...where, status: "received" },
      data: {
        payload: REDACTED_PAYLOAD,
        status: "ignored",
        lastError: REDACTED_NOTE,
        processedAt: new Date(),
      },
    });
    const done = await tx.webhookEvent.updateMany({ where, data: { payload: REDACTED_PAYLOAD } });
    erased += waiting.count + done.count;
  }
  return erased;
}

/**
 * Removes a customer's personal data received from one store.
 *
 * This store's orders of the customer lose their email and contact link, and this store's ContactSource links go
 * (a deleted customer's tombstone too). A contact still fed by another store of the organization (a live link there)
 * keeps its data (that store holds it lawfully); otherwise its email, name, phone, tags and custom fields are cleared
 * and it is marked `redacted` (kept as an anonymous row so later stale updates cannot bring the data back: the
 * engine never updates a redacted contact). The customer's keys (ids, and emails as keyed digests) are recorded as
 * suppressions of this store, so a record of them read before the redaction — a sync's snapshot, a late webhook —
 * cannot create them again (ADR 0048).
 *
 * Atomic: everything happens in one transaction, however many orders the request names (they are updated
 * IDS_PER_STATEMENT at a time inside it). A redaction interrupted part-way (connection lost, worker killed, the
 * transaction's timeout) changes nothing, and the job's retry runs it whole. It is deliberately not a sequence of
 * resumable steps: the contact is found through the store links this function deletes, so a retry after a partial
 * commit could no longer find a contact whose links were gone but whose data was not yet cleared.
 */
export async function redactCustomer(
  db: AppDb,
  selector: CustomerSelector,
  options: { emailDigestKeys: EmailDigestKeys },
) {
  const integration = await integrationOrThrow(db, selector.integrationId);
  const result = await db.$transaction(async (tx) => {
    // First: waits for this store's writes in flight (PostgreSQL), and holds off new ones until this commits.
    await storeRedactionLock(tx, dialectFor(db.$kind), selector.integrationId, "redact");
    const redactedAt = new Date();
    const contactIds = await matchingContactIds(tx, integration.organizationId, selector);
    const orderFilters = customerOrderFilters(selector, contactIds);
    const keys = await suppressionKeys(tx, selector, contactIds, orderFilters, options.emailDigestKeys);
    await recordSuppressions(tx, selector.integrationId, keys, redactedAt);
    const unlinked = { email: null, contactId: null };
    let ordersRedacted = 0;
    // The named orders first: once cleared, they no longer match the contact/email filter, so none counts twice.
    for (const where of orderFilters) {
      ordersRedacted += (await tx.order.updateMany({ where, data: unlinked })).count;
    }
    let redacted = 0;
    let contactsUnlinked = 0;
    for (const contactId of contactIds) {
      // Tombstones go too (a redacted customer leaves nothing of this store); another store's tombstone feeds nothing.
      await tx.contactSource.deleteMany({ where: { contactId, integrationId: selector.integrationId } });
      const others = await tx.contactSource.count({ where: { contactId, deletedAt: null } });
      if (others > 0) {
        contactsUnlinked += 1;
        continue;
      }
      await tx.contact.update({
        where: { id: contactId },
        data: {
          email: null,
          firstName: null,
          lastName: null,
          phone: null,
          tags: [],
          customFields: {},
          marketingState: "redacted",
          marketingOptInLevel: null,
          redactedAt,
        },
      });
      redacted += 1;
    }
    const webhookDeliveries = await forgetWebhookPayloads(tx, db.$kind, selector);
    const detail = {
      integrationId: selector.integrationId,
      customerExternalId: selector.customerExternalId ?? null,
      contactsRedacted: redacted,
      contactsUnlinked,
      ordersRedacted,
      webhookDeliveriesRedacted: webhookDeliveries,
      suppressionKeys: keys.length,
    };
    await tx.auditLog.create({
      data: {
        organizationId: integration.organizationId,
        integrationId: integration.id,
        actor: selector.actor ?? "system",
        action: "customer.redact",
        detail,
      },
    });
    return detail;
  }, TX_OPTIONS);
  await refreshIntegrationCounters(db, db, selector.integrationId);
  return result;
}

/**
 * Deletes everything one store fed us (shop/redact): its orders, products, contact links (tombstones included),
 * its customer suppressions (ADR 0048), and the contacts no other store of the organization feeds. The Integration row and its sync history stay (they hold
 * no customer data).
 */
export async function purgeIntegrationData(
  db: AppDb,
  integrationId: string,
  options: { actor?: string } = {},
) {
  const integration = await integrationOrThrow(db, integrationId);
  const result = await db.$transaction(
    async (tx) => {
      // Fed by this store: live links and tombstones of customers it deleted (the contact holds what it sent).
      // Kept only when another store links the contact live; a tombstone there feeds nothing.
      const fed = await tx.contactSource.findMany({ where: { integrationId }, select: { contactId: true } });
      const fedIds = [...new Set(fed.map((s) => s.contactId))];
      const shared = await tx.contactSource.findMany({
        where: {
          integrationId: { not: integrationId },
          deletedAt: null,
          contact: { sources: { some: { integrationId } } },
        },
        select: { contactId: true },
        distinct: ["contactId"],
      });
      const sharedIds = new Set(shared.map((s) => s.contactId));
      const onlyHere = fedIds.filter((id) => !sharedIds.has(id));
      const orders = await tx.order.deleteMany({ where: { integrationId } });
      const products = await tx.product.deleteMany({ where: { integrationId } });
      const sources = await tx.contactSource.deleteMany({ where: { integrationId } });
      // The store's redactions go with its data: nothing of it is left for them to guard (ADR 0048).
      const suppressions = await tx.customerSuppression.deleteMany({ where: { integrationId } });
      // Stored deliveries hold whole bodies (customers, addresses). One still being applied keeps its row, emptied.
      const deliveries = await tx.webhookEvent.deleteMany({
        where: { integrationId, status: { not: "processing" } },
      });
      const emptied = await tx.webhookEvent.updateMany({
        where: { integrationId, status: "processing" },
        data: { payload: REDACTED_PAYLOAD },
      });
      let contacts = 0;
      for (const ids of idChunks(onlyHere)) {
        contacts += (await tx.contact.deleteMany({ where: { id: { in: ids } } })).count;
      }
      const detail = {
        integrationId,
        ordersDeleted: orders.count,
        productsDeleted: products.count,
        contactSourcesDeleted: sources.count,
        contactsDeleted: contacts,
        contactsKept: sharedIds.size,
        webhookDeliveriesDeleted: deliveries.count + emptied.count,
        suppressionsDeleted: suppressions.count,
      };
      await refreshIntegrationCounters(tx, db, integrationId);
      await tx.auditLog.create({
        data: {
          organizationId: integration.organizationId,
          integrationId,
          actor: options.actor ?? "system",
          action: "shop.purge",
          detail,
        },
      });
      return detail;
    },
    { timeout: 120_000 },
  );
  return result;
}

/**
 * Everything we hold about one customer of one store (customers/data_request): the contact(s) with their store
 * links and this store's orders with line items, as a JSON-ready document (money as decimal strings of minor units).
 */
export async function exportCustomerData(db: AppDb, selector: CustomerSelector) {
  const integration = await integrationOrThrow(db, selector.integrationId);
  return db.$transaction(async (tx) => {
    const contactIds = await matchingContactIds(tx, integration.organizationId, selector);
    const contacts = await tx.contact.findMany({
      where: { id: { in: contactIds } },
      include: {
        sources: {
          where: { deletedAt: null },
          select: { integrationId: true, externalId: true, createdAt: true },
        },
      },
    });
    const orders = await customerOrders(tx, selector, contactIds);
    const document = {
      generatedAt: new Date().toISOString(),
      store: {
        integrationId: integration.id,
        platform: integration.platform,
        storeKey: integration.storeKey,
      },
      request: {
        customerExternalId: selector.customerExternalId ?? null,
        email: normalizeEmail(selector.email),
      },
      contacts: contacts.map((c) => ({
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        phone: c.phone,
        tags: c.tags,
        customFields: c.customFields,
        marketingState: c.marketingState,
        marketingOptInLevel: c.marketingOptInLevel,
        createdAt: c.createdAt.toISOString(),
        sources: c.sources.map((s) => ({ integrationId: s.integrationId, externalId: s.externalId })),
      })),
      orders: orders.map((o) => ({
        externalId: o.externalId,
        orderNumber: o.orderNumber,
        email: o.email,
        financialStatus: o.financialStatus,
        fulfillmentStatus: o.fulfillmentStatus,
        totalMinor: o.totalMinor.toString(),
        currency: o.currency,
        orderDate: o.orderDate.toISOString(),
        items: o.items.map((i) => ({
          title: i.title,
          sku: i.sku,
          quantity: i.quantity,
          unitPriceMinor: i.unitPriceMinor.toString(),
        })),
      })),
    };
    await tx.auditLog.create({
      data: {
        organizationId: integration.organizationId,
        integrationId: integration.id,
        actor: selector.actor ?? "system",
        action: "customer.data_request",
        detail: { integrationId: integration.id, contacts: contacts.length, orders: orders.length },
      },
    });
    return document;
  }, TX_OPTIONS);
}

type OrderWithItems = Prisma.OrderGetPayload<{ include: { items: true } }>;

/**
 * The orders a data request covers (named, or the customer's by contact or email) with their line items, oldest
 * first. (Prisma loads the items of any number of orders itself: 4,500 in one read passed on SQLite.)
 */
async function customerOrders(
  tx: Prisma.TransactionClient,
  selector: CustomerSelector,
  contactIds: string[],
): Promise<OrderWithItems[]> {
  const byId = new Map<string, OrderWithItems>();
  for (const where of customerOrderFilters(selector, contactIds)) {
    for (const order of await tx.order.findMany({ where, include: { items: true } }))
      byId.set(order.id, order);
  }
  return [...byId.values()].sort(
    (a, b) => a.orderDate.getTime() - b.orderDate.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
