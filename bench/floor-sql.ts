/**
 * SQL the benchmark floors share (bench/ingest/floor.ts, bench/suites/shopify-floor.ts): plain inserts of the
 * writer's columns, no conflict handling — the lower bound the engine is measured against.
 */
import type Database from "better-sqlite3";
import type { Column } from "../app/sync/sql.server";

/** PostgreSQL casts of the writer's column types. */
export const PG_TYPES: Record<Column["type"], string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

const columnList = (columns: Column[]) => columns.map((c) => `"${c.name}"`).join(", ");

/** One prepared single-row `INSERT` per table (SQLite), keyed like `tables`. */
export function prepareSqliteInserts<K extends string>(
  db: Database.Database,
  tables: Record<K, readonly [string, Column[]]>,
): Record<K, Database.Statement> {
  return Object.fromEntries(
    Object.entries<readonly [string, Column[]]>(tables).map(([key, [table, columns]]) => [
      key,
      db.prepare(
        `INSERT INTO "${table}" (${columnList(columns)}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
    ]),
  ) as Record<K, Database.Statement>;
}

/** A PostgreSQL `INSERT` of `rows` rows, every parameter cast to its column's type. */
export function postgresMultiRowInsert(table: string, columns: Column[], rows: number): string {
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${columns.map((c, i) => `$${r * columns.length + i + 1}::${PG_TYPES[c.type]}`).join(", ")})`,
  );
  return `INSERT INTO "${table}" (${columnList(columns)}) VALUES ${tuples.join(", ")}`;
}
