/**
 * How long stored webhook deliveries are kept (docs/decisions/0041-webhook-event-retention-and-redaction.md).
 *
 * Every delivery is stored with its whole body (orders carry names, emails and addresses) so it can be answered at
 * once and applied later. Once applied, a row is only needed for the store page's recent activity and to recognise a
 * late redelivery (Shopify retries for 4 hours and may deliver up to a day late); a failed one is kept longer, so
 * it can be looked at. Without pruning, the table grew by every body forever.
 */
import type { AppDb } from "../db/client.server";
import { IDS_PER_STATEMENT } from "../db/id-chunks";

/** Processed and ignored deliveries are deleted after this many days. */
export const FINISHED_WEBHOOK_EVENT_DAYS = 14;
/** Failed deliveries are deleted after this many days. */
export const FAILED_WEBHOOK_EVENT_DAYS = 30;
/**
 * Rows deleted per statement: short write transactions, so webhook intake is never held up for long; the ids are
 * named in the delete, so the shared bound of ids per statement (under SQLite's 999 parameters) applies.
 */
const BATCH = IDS_PER_STATEMENT;

const DAY_MS = 24 * 3600_000;

export interface WebhookRetention {
  now?: Date;
  finishedDays?: number;
  failedDays?: number;
}

/**
 * Deletes finished deliveries older than their retention, store by store (each delete reads the
 * `[integrationId, receivedAt]` index), in batches. Waiting and processing deliveries are never deleted, however old.
 * Returns how many rows went.
 */
export async function pruneWebhookEvents(db: AppDb, options: WebhookRetention = {}): Promise<number> {
  const now = options.now ?? new Date();
  const finishedBefore = new Date(
    now.getTime() - (options.finishedDays ?? FINISHED_WEBHOOK_EVENT_DAYS) * DAY_MS,
  );
  const failedBefore = new Date(now.getTime() - (options.failedDays ?? FAILED_WEBHOOK_EVENT_DAYS) * DAY_MS);
  const latestCutoff = finishedBefore < failedBefore ? failedBefore : finishedBefore;
  const stores = await db.integration.findMany({ select: { id: true } });
  let deleted = 0;
  // `null`: deliveries no connected store matched (kept as a trace, pruned the same way).
  for (const integrationId of [...stores.map((s) => s.id), null]) {
    for (;;) {
      const batch = await db.webhookEvent.findMany({
        where: {
          integrationId,
          receivedAt: { lt: latestCutoff },
          OR: [
            { status: { in: ["processed", "ignored"] }, receivedAt: { lt: finishedBefore } },
            { status: "failed", receivedAt: { lt: failedBefore } },
          ],
        },
        select: { id: true },
        take: BATCH,
      });
      if (batch.length === 0) break;
      deleted += (await db.webhookEvent.deleteMany({ where: { id: { in: batch.map((e) => e.id) } } })).count;
      if (batch.length < BATCH) break;
    }
  }
  return deleted;
}
