/**
 * Contacts: deduplicated by normalized email within the organization and linked through ContactSource to every
 * (integration, external customer id) they came from. A record never overwrites a newer one: every update is
 * guarded by `excluded.externalUpdatedAt >= current` (equal = idempotent re-apply); redacted contacts are never
 * updated again, and a customer the store asked us to redact is not written again from a version read before the
 * redaction (ADR 0048). A customer the store deleted keeps its link as a tombstone (`deletedAt`, ADR 0044): a webhook
 * version not newer than the deletion changes nothing; a newer one, or a sync, links it again. Runs inside the
 * caller's transaction and throws on failure (the caller retries record by record).
 */
import { orderedId } from "../../db/ordered-id";
import { insertRows, selectIn, type Column, type SqlExecutor } from "../sql.server";
import { UNKNOWN_CONSENT, type ContactRecord } from "../types";
import { sqlDate } from "../../db/sql-date";
import { heldByDeletion, newestByKey, normalizeEmail, revivalGuard, type WriteContext } from "./context";
import { customerSuppressionKey, redactionHold } from "./suppressions.server";

/** Contact columns, in the order the writer binds them (bench/ reuses them). */
export const CONTACT_COLUMNS: Column[] = [
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

/** ContactSource columns, in the order the writer binds them. */
export const CONTACT_SOURCE_COLUMNS: Column[] = [
  { name: "id", type: "text" },
  { name: "contactId", type: "text" },
  { name: "integrationId", type: "text" },
  { name: "externalId", type: "text" },
  { name: "externalUpdatedAt", type: "timestamp" },
  { name: "createdAt", type: "timestamp" },
  { name: "updatedAt", type: "timestamp" },
];

/** A ContactSource row as the writers look it up: its contact, and when the store deleted the customer (or null). */
export interface SourceLink {
  contactId: string;
  /** Set on a tombstone: the contact this customer was, kept while the store says the customer is gone. */
  deletedAt: Date | null;
}

/** This store's ContactSource rows by external customer id, tombstones included (externalId → link). */
export async function sourcesByExternalId(
  tx: SqlExecutor,
  ctx: WriteContext,
  externalIds: string[],
): Promise<Map<string, SourceLink>> {
  const rows = await selectIn<{ externalId: string; contactId: string; deletedAt: string | Date | null }>(
    tx,
    ctx.dialect,
    [{ value: ctx.integrationId, type: "text" }],
    [...new Set(externalIds)],
    ([integration], inList) =>
      `SELECT "externalId", "contactId", ${ctx.dialect.timestampText('"deletedAt"')} AS "deletedAt" FROM "ContactSource" WHERE "integrationId" = ${integration} AND ${inList('"externalId"')}`,
  );
  return new Map(
    rows.map((r) => [
      r.externalId,
      { contactId: r.contactId, deletedAt: r.deletedAt === null ? null : new Date(r.deletedAt) },
    ]),
  );
}

/** The organization's contacts by normalized email (email → contactId). */
export async function contactsByEmail(
  tx: SqlExecutor,
  ctx: WriteContext,
  emails: string[],
): Promise<Map<string, string>> {
  const rows = await selectIn<{ id: string; email: string }>(
    tx,
    ctx.dialect,
    [{ value: ctx.organizationId, type: "text" }],
    [...new Set(emails)],
    ([org], inList) =>
      `SELECT "id", "email" FROM "Contact" WHERE "organizationId" = ${org} AND ${inList('"email"')}`,
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
  const versions = newestByKey(
    input,
    (r) => r.externalId,
    (r) => r.externalUpdatedAt,
  );
  // A customer this store asked us to redact comes back only with a version newer than the redaction (ADR 0048):
  // nothing of an older one is written (no contact, no link), so data read before the redaction stays erased.
  const held = await redactionHold(
    tx,
    ctx,
    versions,
    (r) => ({ ids: [customerSuppressionKey(r.externalId)], email: r.email }),
    (r) => r.externalUpdatedAt,
  );
  const newest = held ? versions.filter((r) => !held(r)) : versions;
  if (newest.length === 0) return;
  const emails = newest.map((r) => normalizeEmail(r.email)).filter((e): e is string => e !== null);
  const [bySource, byEmail] = await Promise.all([
    sourcesByExternalId(
      tx,
      ctx,
      newest.map((r) => r.externalId),
    ),
    contactsByEmail(tx, ctx, emails),
  ]);
  // A webhook version of a customer the store deleted after it changes nothing: no link, no contact fields, no new
  // contact (ADR 0044). Checked here, not in SQL: the contact row and its id depend on it, not only the link.
  const records = ctx.reviveOnlyAfterDeletion
    ? newest.filter(
        (r) => !heldByDeletion(ctx, r.externalUpdatedAt, bySource.get(r.externalId)?.deletedAt ?? null),
      )
    : newest;
  if (records.length === 0) return;

  const now = sqlDate(dialect.kind, ctx.now);
  const contactRows = new Map<string, { row: unknown[]; updatedAt: number }>();
  const sourceRows: unknown[][] = [];
  for (const record of records) {
    const email = normalizeEmail(record.email);
    // The email's owner wins over an older link: a customer who changed their email to one we already know is
    // that person. Otherwise keep the contact this store's customer id is (or, deleted, was) linked to, or create one.
    const contactId =
      (email && byEmail.get(email)) || bySource.get(record.externalId)?.contactId || orderedId();
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
    sourceRows.push([orderedId(), contactId, ctx.integrationId, record.externalId, updatedAt, now, now]);
  }

  const newer = `("Contact"."externalUpdatedAt" IS NULL OR excluded."externalUpdatedAt" >= "Contact"."externalUpdatedAt")`;
  const pick = (column: string) =>
    `"${column}" = CASE WHEN ${newer} THEN excluded."${column}" ELSE "Contact"."${column}" END`;
  // Consent moves only on a record that knows it: "unknown" (a platform without consent, ADR 0020) never replaces
  // a known state, and any known state replaces "unknown". Between known states the record must be at least as new
  // as the stored consent's own date (so a store without consent advancing externalUpdatedAt cannot make a later
  // unsubscribe from another store look stale); undated consent falls back to the record-level newest-wins.
  const consentNewer = `(CASE WHEN "Contact"."marketingUpdatedAt" IS NOT NULL THEN excluded."externalUpdatedAt" >= "Contact"."marketingUpdatedAt" ELSE ${newer} END)`;
  const consentFromRecord = `(excluded."marketingState" <> '${UNKNOWN_CONSENT}' AND ("Contact"."marketingState" = '${UNKNOWN_CONSENT}' OR ${consentNewer}))`;
  const pickConsent = (column: string) =>
    `"${column}" = CASE WHEN ${consentFromRecord} THEN excluded."${column}" ELSE "Contact"."${column}" END`;
  await insertRows(
    tx,
    dialect,
    "Contact",
    CONTACT_COLUMNS,
    [...contactRows.values()].map((c) => c.row),
    `ON CONFLICT ("id") DO UPDATE SET
       "email" = COALESCE(CASE WHEN ${newer} THEN excluded."email" ELSE "Contact"."email" END, "Contact"."email"),
       ${["firstName", "lastName", "phone", "tags", "externalUpdatedAt"].map(pick).join(",\n       ")},
       ${["marketingState", "marketingOptInLevel", "marketingUpdatedAt"].map(pickConsent).join(",\n       ")},
       "customFields" = CASE WHEN ${newer} THEN ${dialect.jsonMerge(`"Contact"."customFields"`, `excluded."customFields"`)}
                        ELSE ${dialect.jsonMerge(`excluded."customFields"`, `"Contact"."customFields"`)} END,
       "updatedAt" = excluded."updatedAt"
     WHERE "Contact"."redactedAt" IS NULL`,
  );
  await insertRows(
    tx,
    dialect,
    "ContactSource",
    CONTACT_SOURCE_COLUMNS,
    sourceRows,
    `ON CONFLICT ("integrationId", "externalId") DO UPDATE SET
       "contactId" = excluded."contactId", "externalUpdatedAt" = excluded."externalUpdatedAt", "updatedAt" = excluded."updatedAt", "deletedAt" = NULL
     WHERE ("ContactSource"."externalUpdatedAt" IS NULL OR excluded."externalUpdatedAt" >= "ContactSource"."externalUpdatedAt")${revivalGuard(ctx, "ContactSource")}`,
  );
}
