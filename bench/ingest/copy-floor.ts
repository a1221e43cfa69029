import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyText } from "../../app/sync/postgres-connection.server";
import {
  produceRows,
  TABLES,
  type BenchTarget,
  type IngestResult,
  type IngestRun,
  type Row,
  type TableKey,
} from "./common";

/**
 * `copy_floor` (PostgreSQL): the same rows through `COPY … FROM STDIN` into the real tables, one transaction. Rows are buffered per table and,
 * when any buffer fills, every buffer is copied parents first (foreign keys are checked as rows arrive).
 */
export async function copyFloor(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const client = new pg.Client({ connectionString: run.url });
  await client.connect();
  const ROWS_PER_COPY = 5000;
  const buffers = Object.fromEntries(Object.keys(TABLES).map((k) => [k, [] as Row[]])) as Record<
    TableKey,
    Row[]
  >;
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
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
  };
  const ORDER: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];
  const push = (key: TableKey) => async (row: Row) => {
    buffers[key].push(row);
    if (buffers[key].length >= ROWS_PER_COPY) for (const k of ORDER) await flush(k);
  };
  const started = performance.now();
  await client.query("BEGIN");
  const rows = await produceRows(run, ctx, {
    contact: push("contact"),
    source: push("source"),
    order: push("order"),
    item: push("item"),
    product: push("product"),
    variant: push("variant"),
  });
  for (const key of ORDER) await flush(key);
  await client.query("COMMIT");
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { seconds, rows: { total: rows } };
}
