/**
 * Deletions a store reports (webhooks, or a trash listing read during a sync): orders and products are soft-deleted
 * (`deletedAt`, excluded from the counters), a deleted customer loses this store's link (the contact stays: it may
 * have orders or come from another store). Runs inside the caller's transaction.
 */
import type { AppDb } from "../../db/client.server";
import { sqlDate } from "../../db/sql-date";
import type { Resource } from "../types";
import { dialectFor, executeIn, type SqlExecutor } from "../sql.server";

/** Applies one store's deletions of `resource` in `tx`, without refreshing counters. Returns the rows changed. */
export async function deleteRecordsIn(
  tx: SqlExecutor,
  kind: AppDb["$kind"],
  options: { integrationId: string; resource: Resource; externalIds: string[]; deletedAt?: Date },
): Promise<number> {
  const dialect = dialectFor(kind);
  const fixed = [{ value: options.integrationId, type: "text" as const }];
  if (options.resource === "customers") {
    return executeIn(
      tx,
      dialect,
      fixed,
      options.externalIds,
      ([integration], inList) =>
        `DELETE FROM "ContactSource" WHERE "integrationId" = ${integration} AND ${inList('"externalId"')}`,
    );
  }
  const table = options.resource === "orders" ? "Order" : "Product";
  const at = sqlDate(kind, options.deletedAt ?? new Date());
  return executeIn(
    tx,
    dialect,
    [{ value: at, type: "timestamp" }, ...fixed],
    options.externalIds,
    ([deletedAt, integration], inList) =>
      `UPDATE "${table}" SET "deletedAt" = ${deletedAt} WHERE "integrationId" = ${integration} AND ${inList('"externalId"')} AND "deletedAt" IS NULL`,
  );
}
