/**
 * A redacted customer stays redacted (ADR 0048): `redactCustomer` leaves one CustomerSuppression row per key of the
 * person (the store's customer id, the orders the redaction covered, a keyed digest of each email), and the writers
 * drop the personal data of any record of that store matching a key whose store version is not newer than the
 * redaction — and of a covered order in any version. Data read before the redaction (a bulk export minutes old, a
 * late webhook delivery) cannot bring the person back; a customer record the store changed after it, or a new
 * order, is what the store holds now, and applies.
 *
 * Cost for a store without redactions: a shared advisory lock (PostgreSQL) and one indexed `LIMIT 1` probe per
 * page, no digest computed.
 */
import type { Prisma } from "@prisma/client";
import { candidateDigests, emailDigest, type EmailDigestKeys } from "../../crypto/email-digest.server";
import { advisoryLockKeySql } from "../../db/advisory-lock-key";
import { idChunks } from "../../db/id-chunks";
import { AppError } from "../../lib/errors";
import type { CustomerSelector } from "../compliance.server";
import { queryRows, selectIn, type Dialect, type SqlExecutor } from "../sql.server";
import { GUEST_PREFIX, normalizeEmail, type WriteContext } from "./context";

/** Suppression key of a store customer id. */
export function customerSuppressionKey(externalId: string): string {
  return `customer:${externalId}`;
}

const ORDER_KEY_PREFIX = "order:";

/** Suppression key of an order the redaction covered (named, or the customer's own): held in every version. */
export function orderSuppressionKey(externalId: string): string {
  return `${ORDER_KEY_PREFIX}${externalId}`;
}

const EMAIL_KEY_PREFIX = "email:";

/** Suppression key a redaction stores for an email (the current key's digest; never the address). */
export function emailSuppressionKey(keys: EmailDigestKeys, integrationId: string, email: string): string {
  return `${EMAIL_KEY_PREFIX}${emailDigest(keys, integrationId, email)}`;
}

/** A store with redactions asked for a check this process cannot make: it has no ENCRYPTION_KEY-derived keys. */
export class SuppressionKeysMissingError extends AppError {
  constructor() {
    super(
      "suppression_keys_missing",
      "This store has redacted customers, and this process was started without the encryption keys needed to " +
        "recognise their emails: records with an email are not written. Start it with ENCRYPTION_KEY set.",
    );
  }
}

/**
 * Orders a store's writes and its redactions on PostgreSQL (ADR 0048, addendum): a transaction-scoped advisory lock
 * on `redaction:<integrationId>`, taken shared by every writer transaction before its suppression check ("write")
 * and exclusive by the redaction before it reads anything ("redact"); both end with the transaction. A redaction
 * so waits for the writes in flight and then sees (and clears) what they wrote; a write that starts while a
 * redaction runs waits for its commit and then sees its suppressions. Under READ COMMITTED each statement reads
 * what was committed when it started, so without it a webhook write that read "no suppression" just before a
 * redaction committed still wrote the person after it. Must be each transaction's first statement: a writer then
 * holds no row lock while it waits, and the redaction none while it waits, so the two cannot deadlock.
 * SQLite: nothing to take, its write transactions already run one at a time (BEGIN IMMEDIATE, see the ADR).
 */
export async function storeRedactionLock(
  tx: SqlExecutor,
  dialect: Dialect,
  integrationId: string,
  mode: "write" | "redact",
): Promise<void> {
  if (dialect.kind !== "postgres") return;
  const lock = mode === "write" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock";
  // FROM: the function returns void, a column type the raw-query path may not read back.
  await queryRows(
    tx,
    dialect,
    `SELECT 1 AS "one" FROM ${lock}(${advisoryLockKeySql(dialect.param(1, "text"))})`,
    [`redaction:${integrationId}`],
  );
}

/** The keys a record may match: its ids as given, and every digest its email may be stored under. */
export interface SuppressionKeysOf {
  ids: string[];
  email: string | null;
}

/**
 * For one page: a predicate telling which records a redaction holds (a key matches and the record's store version
 * is not after `redactedAt`). Without any suppression of the store, one probe and no per-record work.
 */
export async function redactionHold<T>(
  tx: SqlExecutor,
  ctx: WriteContext,
  records: T[],
  keysOf: (record: T) => SuppressionKeysOf,
  updatedAt: (record: T) => Date,
): Promise<((record: T) => boolean) | null> {
  if (records.length === 0) return null;
  const { dialect } = ctx;
  // Before the check, so a redaction committing meanwhile is either waited for or waits for this write.
  await storeRedactionLock(tx, dialect, ctx.integrationId, "write");
  const any = await queryRows<{ one: number }>(
    tx,
    dialect,
    `SELECT 1 AS "one" FROM "CustomerSuppression" WHERE "integrationId" = ${dialect.param(1, "text")} LIMIT 1`,
    [ctx.integrationId],
  );
  if (any.length === 0) return null;

  const keysByRecord = new Map<T, string[]>();
  for (const record of records) {
    const { ids, email } = keysOf(record);
    const normalized = normalizeEmail(email);
    const keys = [...ids];
    if (normalized) {
      if (!ctx.emailDigestKeys) throw new SuppressionKeysMissingError();
      for (const digest of candidateDigests(ctx.emailDigestKeys, ctx.integrationId, normalized)) {
        keys.push(`${EMAIL_KEY_PREFIX}${digest}`);
      }
    }
    keysByRecord.set(record, keys);
  }
  const rows = await selectIn<{ key: string; redactedAt: string | Date }>(
    tx,
    dialect,
    [{ value: ctx.integrationId, type: "text" }],
    [...new Set([...keysByRecord.values()].flat())],
    ([integration], inList) =>
      `SELECT "key", ${dialect.timestampText('"redactedAt"')} AS "redactedAt" FROM "CustomerSuppression" WHERE "integrationId" = ${integration} AND ${inList('"key"')}`,
  );
  if (rows.length === 0) return null;
  const redactedAt = new Map(rows.map((r) => [r.key, new Date(r.redactedAt).getTime()]));
  return (record) => {
    const time = updatedAt(record).getTime();
    // An order the redaction covered is held in every version; anything else unless strictly newer than the
    // redaction of every key it matches.
    return (keysByRecord.get(record) ?? []).some((key) => {
      const at = redactedAt.get(key);
      return at !== undefined && (key.startsWith(ORDER_KEY_PREFIX) || !(time > at));
    });
  };
}

/**
 * What the redaction leaves so the person stays redacted (ADR 0048): every key under which this store could send
 * them again, collected before the links, emails and orders are cleared — the customer id and emails the request
 * gives, this store's links of the contacts found (a guest link is an email), their emails, and every order the
 * redaction covers (named, or theirs here) with its email. Emails only as keyed digests.
 */
export async function suppressionKeys(
  tx: Prisma.TransactionClient,
  selector: CustomerSelector,
  contactIds: string[],
  orderFilters: Prisma.OrderWhereInput[],
  emailDigestKeys: EmailDigestKeys,
): Promise<string[]> {
  const { integrationId } = selector;
  const ids = new Set<string>();
  const emails = new Set<string>();
  const addEmail = (email: string | null | undefined) => {
    const normalized = normalizeEmail(email);
    if (normalized) emails.add(normalized);
  };
  if (selector.customerExternalId) ids.add(customerSuppressionKey(selector.customerExternalId));
  addEmail(selector.email);
  for (const id of new Set(selector.orderExternalIds ?? [])) ids.add(orderSuppressionKey(id));
  if (contactIds.length) {
    const links = await tx.contactSource.findMany({
      where: { integrationId, contactId: { in: contactIds } },
      select: { externalId: true },
    });
    for (const { externalId } of links) {
      if (externalId.startsWith(GUEST_PREFIX)) addEmail(externalId.slice(GUEST_PREFIX.length));
      else ids.add(customerSuppressionKey(externalId));
    }
    const contacts = await tx.contact.findMany({
      where: { id: { in: contactIds } },
      select: { email: true },
    });
    for (const c of contacts) addEmail(c.email);
  }
  for (const where of orderFilters) {
    // Every order the redaction covers stays without a buyer for good, whatever version the store sends later
    // (a refund of an old order must not bring the person back); their emails are keys too.
    const orders = await tx.order.findMany({ where, select: { externalId: true, email: true } });
    for (const o of orders) {
      ids.add(orderSuppressionKey(o.externalId));
      addEmail(o.email);
    }
  }
  for (const email of emails) ids.add(emailSuppressionKey(emailDigestKeys, integrationId, email));
  return [...ids];
}

/** Writes the keys with `redactedAt`; a key already suppressed moves to the later time. */
export async function recordSuppressions(
  tx: Prisma.TransactionClient,
  integrationId: string,
  keys: string[],
  redactedAt: Date,
) {
  for (const chunk of idChunks(keys)) {
    await tx.customerSuppression.deleteMany({ where: { integrationId, key: { in: chunk } } });
    await tx.customerSuppression.createMany({
      data: chunk.map((key) => ({ integrationId, key, redactedAt })),
    });
  }
}
