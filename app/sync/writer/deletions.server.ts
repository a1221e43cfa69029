/**
 * Deletions a store reports (webhooks, or a trash listing read during a sync): orders and products are soft-deleted
 * (`deletedAt`, excluded from the counters); a deleted customer's store link becomes a tombstone (`deletedAt`, ADR
 * 0044: ignored by every read, and it keeps a late webhook update from linking the customer again). The contact
 * stays: it may have orders or come from another store. Runs inside the caller's transaction.
 */
import type { AppDb } from "../../db/client.server";
import { sqlDate } from "../../db/sql-date";
import type { Resource } from "../types";
import { dialectFor, executeIn, type SqlExecutor } from "../sql.server";
import { REVIVABLE_TABLES } from "./context";

/**
 * Applies one store's deletions of `resource` in `tx`, without refreshing counters. A row already deleted keeps its
 * first deletion time. Returns the rows changed.
 */
export async function deleteRecordsIn(
  tx: SqlExecutor,
  kind: AppDb["$kind"],
  options: { integrationId: string; resource: Resource; externalIds: string[]; deletedAt?: Date },
): Promise<number> {
  const table = REVIVABLE_TABLES[options.resource];
  const at = sqlDate(kind, options.deletedAt ?? new Date());
  return executeIn(
    tx,
    dialectFor(kind),
    [
      { value: at, type: "timestamp" },
      { value: options.integrationId, type: "text" },
    ],
    options.externalIds,
    ([deletedAt, integration], inList) =>
      `UPDATE "${table}" SET "deletedAt" = ${deletedAt} WHERE "integrationId" = ${integration} AND ${inList('"externalId"')} AND "deletedAt" IS NULL`,
  );
}
