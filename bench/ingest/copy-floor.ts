import { from as copyFrom } from "pg-copy-streams";
import { copyText } from "../../app/sync/postgres-connection.server";
import {
  bufferedPostgresTransaction,
  TABLES,
  type BenchTarget,
  type IngestResult,
  type IngestRun,
} from "./common";

/**
 * `copy_floor` (PostgreSQL): the same rows through `COPY … FROM STDIN` into the real tables, one transaction. Rows are buffered per table and,
 * when any buffer fills, every buffer is copied parents first (foreign keys are checked as rows arrive).
 */
export function copyFloor(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  return bufferedPostgresTransaction(run, ctx, 5000, async (client, key, rows) => {
    const [table, columns] = TABLES[key];
    const stream = client.query(
      copyFrom(`COPY "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) FROM STDIN`),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("finish", resolve);
      // produceRows hands JSON columns over as JSON text (the floor's prepared statements bind text).
      const typed = columns.map((c) => (c.type === "json" ? { ...c, type: "text" as const } : c));
      stream.end(copyText(typed, rows));
    });
  });
}
