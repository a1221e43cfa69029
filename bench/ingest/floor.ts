/**
 * `floor`: the engine's rows in ONE transaction through prepared statements, no lookups, guards or checkpoints:
 * better-sqlite3 `INSERT` per row on SQLite, node-postgres named prepared multi-row `INSERT`s on PostgreSQL.
 */
import Database from "better-sqlite3";
import { sqlitePath } from "../../app/db/database-url";
import {
  bufferedPostgresTransaction,
  produceRows,
  TABLES,
  type BenchTarget,
  type IngestResult,
  type IngestRun,
  type Row,
  type TableKey,
} from "./common";
import { postgresMultiRowInsert, prepareSqliteInserts } from "../floor-sql";

export async function floorSqlite(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const db = new Database(sqlitePath(run.url));
  const statements = prepareSqliteInserts(db, TABLES);
  const started = performance.now();
  db.exec("BEGIN");
  const insert = (key: TableKey) => (row: Row) => void statements[key].run(...row);
  const rows = await produceRows(run, ctx, {
    contact: insert("contact"),
    source: insert("source"),
    order: insert("order"),
    item: insert("item"),
    product: insert("product"),
    variant: insert("variant"),
  });
  db.exec("COMMIT");
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, rows: { total: rows } };
}

export function floorPostgres(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const sqlFor = (key: TableKey, n: number) => postgresMultiRowInsert(TABLES[key][0], TABLES[key][1], n);
  return bufferedPostgresTransaction(run, ctx, 500, async (client, key, rows) => {
    const values = rows.flat().map((v) => (typeof v === "bigint" ? v.toString() : v));
    // Named statements are prepared once per connection (and per batch size) and reused.
    await client.query({ name: `floor_${key}_${rows.length}`, text: sqlFor(key, rows.length), values });
  });
}
