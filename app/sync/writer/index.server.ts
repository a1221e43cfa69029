/**
 * The batch writers by resource: a handful of multi-row statements per page instead of queries per record. Each
 * runs inside the caller's transaction and throws on failure; the caller then retries record by record
 * (`writeRecordAlone`) so one poison record fails alone.
 */
import type { AppDb } from "../../db/client.server";
import { isTransientDatabaseError } from "../../db/transient-errors";
import { TX_OPTIONS, type SqlExecutor } from "../sql.server";
import type { CanonicalRecordOf, Resource } from "../types";
import { writeContacts } from "./contacts.server";
import type { WriteContext } from "./context";
import { writeOrders } from "./orders.server";
import { writeProducts } from "./products.server";

export type Writer<R extends Resource> = (
  tx: SqlExecutor,
  ctx: WriteContext,
  records: CanonicalRecordOf[R][],
) => Promise<void>;

export const WRITERS: { [R in Resource]: Writer<R> } = {
  customers: writeContacts,
  orders: writeOrders,
  products: writeProducts,
};

/** The writer of one resource, typed for records of any resource (the caller pairs them). */
export function writerFor(resource: Resource): Writer<Resource> {
  return WRITERS[resource] as Writer<Resource>;
}

/** Writes one record in its own transaction; returns null on success or the error message. */
export async function writeRecordAlone(
  db: AppDb,
  ctx: WriteContext,
  writer: Writer<Resource>,
  record: CanonicalRecordOf[Resource],
): Promise<string | null> {
  try {
    await db.$transaction((tx) => writer(tx, ctx, [record]), TX_OPTIONS);
    return null;
  } catch (error) {
    // Busy, locked, disconnected: not this record's fault. The caller's unit of work is retried instead.
    if (isTransientDatabaseError(error)) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}
