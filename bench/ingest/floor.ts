/**
 * `floor`: the engine's rows in ONE transaction through prepared statements, no lookups, guards or checkpoints:
 * better-sqlite3 `INSERT` per row on SQLite, node-postgres named prepared multi-row `INSERT`s on PostgreSQL.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { sqlitePath } from "../../app/db/database-url";
import type { Column } from "../../app/sync/sql.server";
import {
  produceRows,
  TABLES,
  type BenchTarget,
  type IngestResult,
  type IngestRun,
  type Row,
  type TableKey,
} from "./common";

export async function floorSqlite(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const db = new Database(sqlitePath(run.url));
  const statements = Object.fromEntries(
    Object.entries(TABLES).map(([key, [table, columns]]) => [
      key,
      db.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
    ]),
  ) as Record<TableKey, Database.Statement>;
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

/** PostgreSQL casts of the writer's column types. */
const PG_TYPES: Record<Column["type"], string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

export async function floorPostgres(run: IngestRun, ctx: BenchTarget): Promise<IngestResult> {
  const client = new pg.Client({ connectionString: run.url });
  await client.connect();
  const ROWS_PER_STATEMENT = 500;
  const buffers = Object.fromEntries(Object.keys(TABLES).map((k) => [k, [] as Row[]])) as Record<
    TableKey,
    Row[]
  >;
  const sqlFor = (key: TableKey, n: number) => {
    const [table, columns] = TABLES[key];
    const tuples = Array.from(
      { length: n },
      (_, r) =>
        `(${columns.map((c, i) => `$${r * columns.length + i + 1}::${PG_TYPES[c.type]}`).join(", ")})`,
    );
    return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(", ")}`;
  };
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
    const values = rows.flat().map((v) => (typeof v === "bigint" ? v.toString() : v));
    // Named statements are prepared once per connection (and per batch size) and reused.
    await client.query({ name: `floor_${key}_${rows.length}`, text: sqlFor(key, rows.length), values });
  };
  // Foreign keys are checked per statement: when any buffer is full, flush all of them, parents first.
  const ORDER: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];
  const push = (key: TableKey) => async (row: Row) => {
    buffers[key].push(row);
    if (buffers[key].length >= ROWS_PER_STATEMENT) for (const k of ORDER) await flush(k);
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
