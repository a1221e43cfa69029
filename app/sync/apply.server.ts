/**
 * Changes that arrive outside a run (webhooks): remote records applied with the same mapping, upsert rules and
 * newest-wins as a sync, and deletions reported by the store. Integration counters follow.
 */
import type { EmailDigestKeys } from "../crypto/email-digest.server";
import type { AppDb } from "../db/client.server";
import { isTransientDatabaseError } from "../db/transient-errors";
import { errorMessage, SyncTargetNotFoundError } from "./errors";
import type { IntegrationRow } from "./platform";
import { refreshIntegrationCounters } from "./run-records.server";
import { remoteIdOf } from "./run-loop.server";
import { dialectFor, TX_OPTIONS } from "./sql.server";
import type { CanonicalRecordOf, RecordOutcome, Resource } from "./types";
import type { WriteContext } from "./writer/context";
import { deleteRecordsIn } from "./writer/deletions.server";
import { writeRecordAlone, writerFor } from "./writer/index.server";

/** Loads the integration and the context every write needs. */
export async function writeContextFor(
  db: AppDb,
  integrationId: string,
  platform: string | undefined,
  now: Date,
  emailDigestKeys?: EmailDigestKeys,
) {
  const integration = await db.integration.findUnique({ where: { id: integrationId } });
  if (!integration) throw new SyncTargetNotFoundError(`Integration ${integrationId} does not exist.`);
  return { integration, ctx: writeContextOf(db, integration, platform, now, emailDigestKeys) };
}

/** The write context of an integration row the caller already holds. */
function writeContextOf(
  db: AppDb,
  integration: Pick<IntegrationRow, "id" | "organizationId" | "platform">,
  platform: string | undefined,
  now: Date,
  emailDigestKeys?: EmailDigestKeys,
): WriteContext {
  return {
    dialect: dialectFor(db.$kind),
    organizationId: integration.organizationId,
    integrationId: integration.id,
    platform: platform ?? integration.platform,
    now,
    ...(emailDigestKeys ? { emailDigestKeys } : {}),
  };
}

/**
 * Applies remote records outside a run (webhooks): same mapping, upsert rules and newest-wins as a sync. The batch
 * is written in one transaction; if that fails, record by record. Integration counters are refreshed.
 */
export async function applyRecords<R extends Resource>(
  db: AppDb,
  options: {
    integrationId: string;
    resource: R;
    remote: unknown[];
    /** The platform's pure mapper (method syntax: a mapper typed for the platform's record shape fits). */
    map(remote: unknown): CanonicalRecordOf[R];
    /** Stored as Contact.source / Order.platform on new rows (defaults to the integration's platform). */
    platform?: string;
    /** The process's email digest keys (`Platforms.emailDigestKeys`): a store with redactions needs them. */
    emailDigestKeys?: EmailDigestKeys;
    /** The integration's row, when the caller holds it (a webhook drain): not read again. */
    integration?: Pick<IntegrationRow, "id" | "organizationId" | "platform">;
    /**
     * Refresh the integration's record counters afterwards (default true). A caller applying many events in a row
     * (a webhook drain) refreshes them once at its end: the counts read every record of the store.
     */
    refreshCounters?: boolean;
  },
): Promise<RecordOutcome[]> {
  const now = new Date();
  const base =
    options.integration?.id === options.integrationId
      ? writeContextOf(db, options.integration, options.platform, now, options.emailDigestKeys)
      : (await writeContextFor(db, options.integrationId, options.platform, now, options.emailDigestKeys))
          .ctx;
  // A delivery may be late, reordered or repeated: it never revives a record deleted after its change.
  const ctx: WriteContext = { ...base, reviveOnlyAfterDeletion: true };
  const writer = writerFor(options.resource);
  const outcomes: RecordOutcome[] = [];
  const mapped: { index: number; record: CanonicalRecordOf[Resource] }[] = [];
  options.remote.forEach((remote, index) => {
    try {
      mapped.push({ index, record: options.map(remote) });
      outcomes.push({ externalId: remoteIdOf({}, remote), status: "applied" });
    } catch (error) {
      outcomes.push({
        externalId: remoteIdOf({}, remote),
        status: "failed",
        error: errorMessage(error),
      });
    }
  });
  for (const m of mapped) outcomes[m.index].externalId = m.record.externalId;
  try {
    await db.$transaction(
      (tx) =>
        writer(
          tx,
          ctx,
          mapped.map((m) => m.record),
        ),
      TX_OPTIONS,
    );
  } catch (error) {
    // The database, not a record, failed: the caller (a webhook job) is retried and applies the batch again.
    if (isTransientDatabaseError(error)) throw error;
    for (const m of mapped) {
      const failure = await writeRecordAlone(db, ctx, writer, m.record);
      if (failure !== null)
        outcomes[m.index] = { externalId: outcomes[m.index].externalId, status: "failed", error: failure };
    }
  }
  if (options.refreshCounters !== false) await refreshIntegrationCounters(db, db, options.integrationId);
  return outcomes;
}

/**
 * Applies deletions reported by a store (webhooks orders/delete, products/delete, customers/delete): orders,
 * products and a customer's store link are soft-deleted (`deletedAt`, excluded from the counters and from every read
 * of a contact's links; a sync that sees them again, or a webhook update made after `deletedAt`, brings them back).
 * The contact of a deleted customer stays: it may have orders or come from another store. Returns how many rows
 * changed.
 */
export async function applyDeletions(
  db: AppDb,
  options: {
    integrationId: string;
    resource: Resource;
    externalIds: string[];
    deletedAt?: Date;
    /** As `applyRecords`'s. */
    refreshCounters?: boolean;
  },
): Promise<number> {
  let changed = 0;
  await db.$transaction(async (tx) => {
    changed = await deleteRecordsIn(tx, db.$kind, options);
    if (options.refreshCounters !== false) await refreshIntegrationCounters(tx, db, options.integrationId);
  }, TX_OPTIONS);
  return changed;
}
