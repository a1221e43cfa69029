/**
 * What every batch writer shares: the write context, email normalization, guest keys and the per-key dedupe of a
 * page. Pure, no I/O.
 */
import type { EmailDigestKeys } from "../../crypto/email-digest.server";
import type { Dialect } from "../sql.server";
import type { Resource } from "../types";

export interface WriteContext {
  dialect: Dialect;
  organizationId: string;
  integrationId: string;
  /** Stored as data on new rows (Contact.source, Order.platform). */
  platform: string;
  now: Date;
  /**
   * Webhook writes: an order, a product or a customer's store link the store deleted comes back only for a change
   * made after the deletion (`externalUpdatedAt > deletedAt`), so a late, reordered or repeated update of it cannot
   * revive it. A sync (unset) reads the store's current lists: a record it sees exists, and its row is live again.
   */
  reviveOnlyAfterDeletion?: boolean;
  /**
   * Keys of the email digests a redaction leaves (ADR 0048), from the process keyring. Needed only when the store has
   * redacted a customer: a page with emails then cannot be checked without them, and fails rather than guess.
   */
  emailDigestKeys?: EmailDigestKeys;
}

/** Tables whose rows a store deletion soft-deletes (`deletedAt`): ADR 0042, ContactSource since ADR 0044. */
export type RevivableTable = "Order" | "Product" | "ContactSource";

/** The table whose rows a store's deletion of `resource` soft-deletes. */
export const REVIVABLE_TABLES: Record<Resource, RevivableTable> = {
  customers: "ContactSource",
  orders: "Order",
  products: "Product",
};

/** The extra condition of an upsert of `table` under `reviveOnlyAfterDeletion` (empty otherwise). */
export function revivalGuard(ctx: WriteContext, table: RevivableTable): string {
  return ctx.reviveOnlyAfterDeletion
    ? ` AND ("${table}"."deletedAt" IS NULL OR excluded."externalUpdatedAt" > "${table}"."deletedAt")`
    : "";
}

/**
 * `revivalGuard`'s rule for a record checked before its upsert (a customer: not only its link but its contact's
 * fields and a contact it would create depend on it). True when the record must change nothing: a webhook write of
 * a version not newer than the store's deletion.
 */
export function heldByDeletion(ctx: WriteContext, externalUpdatedAt: Date, deletedAt: Date | null): boolean {
  return (
    !!ctx.reviveOnlyAfterDeletion &&
    deletedAt !== null &&
    !(externalUpdatedAt.getTime() > deletedAt.getTime())
  );
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

/** Keeps, per key, the record with the newest updated-at (the later one on ties): one row per key per statement. */
export function newestByKey<T>(records: T[], key: (r: T) => string, updatedAt: (r: T) => Date | null): T[] {
  const byKey = new Map<string, T>();
  for (const record of records) {
    const k = key(record);
    const seen = byKey.get(k);
    if (!seen || (updatedAt(record)?.getTime() ?? 0) >= (updatedAt(seen)?.getTime() ?? 0))
      byKey.set(k, record);
  }
  return [...byKey.values()];
}
