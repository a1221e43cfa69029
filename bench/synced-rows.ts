/**
 * What the benches share about the rows a sync writes: the engine runs' row counts (bench/ingest/engine.ts,
 * bench/suites/shopify-child.ts) and the floors' order → contact resolution (bench/ingest/common.ts,
 * bench/suites/shopify-floor.ts), which follows the engine's rule without its lookups.
 */
import type { AppDb } from "../app/db/client.server";
import { guestExternalId, normalizeEmail } from "../app/sync/writer/context";

/** Rows per table after a sync. */
export async function countSyncedRows(db: AppDb) {
  return {
    contacts: await db.contact.count(),
    orders: await db.order.count(),
    items: await db.orderItem.count(),
    products: await db.product.count(),
    variants: await db.productVariant.count(),
  };
}

/** Contacts the floor has written, by store key and by email. */
export interface FloorContacts {
  bySource: Map<string, string>;
  byEmail: Map<string, string>;
}

/**
 * The contact an order links to, as the engine decides it: the store's customer id, else a guest key from the
 * email; an email already seen reuses its contact. `newContact` and `newSourceKey` say which rows the floor must
 * write (a contact, a contact-source link); both maps are updated.
 */
export function orderContact(
  order: { customerExternalId: string | null; email: string | null },
  seen: FloorContacts,
  newRowId: () => string,
): { email: string | null; contactId: string | null; newContact: boolean; newSourceKey: string | null } {
  const email = normalizeEmail(order.email);
  const key = order.customerExternalId ?? (email ? guestExternalId(email) : null);
  const known = key ? seen.bySource.get(key) : undefined;
  if (known || !key) return { email, contactId: known ?? null, newContact: false, newSourceKey: null };
  const existing = email ? seen.byEmail.get(email) : undefined;
  const contactId = existing ?? newRowId();
  const newContact = email !== null && existing === undefined;
  if (newContact) seen.byEmail.set(email, contactId);
  seen.bySource.set(key, contactId);
  return { email, contactId, newContact, newSourceKey: key };
}
