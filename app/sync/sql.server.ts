/**
 * A tiny SQL dialect layer for the batch writer: the same multi-row statements run on SQLite and PostgreSQL.
 *
 * Values are always sent as parameters; dates as `sqlDate` (app/db/sql-date.ts) formats them. On PostgreSQL every
 * placeholder carries an explicit cast, so multi-row VALUES never depend on type inference.
 */
import type { Prisma } from "@prisma/client";
import { connectionFor as postgresConnectionFor } from "./postgres-connection.server";
import { connectionFor, prepared } from "./sqlite-connection.server";

export type SqlType = "text" | "int" | "bigint" | "timestamp" | "json";

export type SqlExecutor = Pick<Prisma.TransactionClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

/** Interactive transactions of the engine: a page of a slow database may take a while, never forever. */
export const TX_OPTIONS = { maxWait: 30_000, timeout: 120_000 };

export interface Dialect {
  kind: "sqlite" | "postgres";
  /** Placeholder for the n-th (1-based) parameter, cast on PostgreSQL. */
  param(index: number, type: SqlType): string;
  /** JSON object merge: keys of `right` win. */
  jsonMerge(left: string, right: string): string;
  /**
   * A timestamp column read back as ISO-8601 UTC text (`new Date()` parses it): node-postgres would read PostgreSQL's
   * `timestamp` in the process's local time zone; SQLite already stores this text.
   */
  timestampText(column: string): string;
}

const PG_CASTS: Record<SqlType, string> = {
  text: "::text",
  int: "::int",
  bigint: "::bigint",
  timestamp: "::timestamp(3)",
  json: "::jsonb",
};

export const SQLITE: Dialect = {
  kind: "sqlite",
  // Positional: better-sqlite3 binds an array only to bare "?" (so a value used twice is passed twice).
  param: () => "?",
  jsonMerge: (left, right) => `json_patch(${left}, ${right})`,
  timestampText: (column) => column,
};

export const POSTGRES: Dialect = {
  kind: "postgres",
  param: (index, type) => `$${index}${PG_CASTS[type]}`,
  jsonMerge: (left, right) => `(${left} || ${right})`,
  timestampText: (column) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};

export function dialectFor(kind: "sqlite" | "postgres"): Dialect {
  return kind === "postgres" ? POSTGRES : SQLITE;
}

export interface Column {
  name: string;
  type: SqlType;
}

/**
 * Runs one statement in `tx`: on SQLite inside a transaction, directly on the adapter's better-sqlite3 connection
 * with a cached prepared statement (same SQL, same transaction; see sqlite-connection.server.ts), else through
 * Prisma's raw-query path. `rows` returns the result rows, `run` the affected row count.
 */
export async function queryRows<T>(
  tx: SqlExecutor,
  dialect: Dialect,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const connection = dialect.kind === "sqlite" ? connectionFor(tx) : null;
  if (connection) return prepared(connection, sql).all(...params) as T[];
  const pg = dialect.kind === "postgres" ? await postgresConnectionFor(tx) : null;
  if (pg) return (await pg.query<T>(sql, params)).rows;
  return tx.$queryRawUnsafe<T[]>(sql, ...params);
}

async function execute(tx: SqlExecutor, dialect: Dialect, sql: string, params: unknown[]): Promise<number> {
  const connection = dialect.kind === "sqlite" ? connectionFor(tx) : null;
  if (connection) return prepared(connection, sql).run(...params).changes;
  const pg = dialect.kind === "postgres" ? await postgresConnectionFor(tx) : null;
  if (pg) return (await pg.query(sql, params)).rowCount;
  return tx.$executeRawUnsafe(sql, ...params);
}

/** Most rows per statement (keeps a single JSON parameter and a transaction's statements reasonably sized). */
const MAX_ROWS_PER_STATEMENT = 1000;

/** JSON.stringify that keeps bigints exact (as decimal strings, cast back to integers in SQL). */
export function toJsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * SQL reading one JSON parameter holding an array of rows (each an array in `columns` order) as a table:
 * `SELECT <col exprs> FROM json_each(?)` on SQLite, `jsonb_array_elements($n::jsonb)` on PostgreSQL.
 *
 * Why one JSON parameter instead of `VALUES (?, ?, …)`: through Prisma's raw-query path every bound parameter costs
 * about as much as the database work for it (measured ~10 µs per parameter), so a batch of 1,000 rows × 15 columns
 * spent most of its time binding. One parameter per statement leaves the work to the database engine.
 */
export function jsonRowsSelect(dialect: Dialect, paramIndex: number, columns: Column[]): string {
  const exprs = columns.map((c, i) => `${columnExpr(dialect, c.type, i)} AS "${c.name}"`).join(", ");
  return dialect.kind === "sqlite"
    ? // WHERE true: SQLite needs it to tell an upsert's ON CONFLICT from a join constraint after SELECT … FROM.
      `SELECT ${exprs} FROM json_each(${dialect.param(paramIndex, "json")}) WHERE true`
    : `SELECT ${exprs} FROM jsonb_array_elements(${dialect.param(paramIndex, "json")}) AS r(value)`;
}

function columnExpr(dialect: Dialect, type: SqlType, index: number): string {
  if (dialect.kind === "sqlite") {
    if (type === "json") return `(value -> ${index})`;
    if (type === "bigint" || type === "int") return `CAST(value ->> ${index} AS INTEGER)`;
    return `(value ->> ${index})`;
  }
  if (type === "json") return `(value -> ${index})`;
  const cast = { text: "", int: "::int", bigint: "::bigint", timestamp: "::timestamp(3)" }[type];
  return `(value ->> ${index})${cast}`;
}

/**
 * `expr IN <the strings in this JSON array parameter>`: `IN (SELECT value FROM json_each(?))` on SQLite;
 * `= ANY (ARRAY(SELECT jsonb_array_elements_text($n::jsonb)))` on PostgreSQL. The PostgreSQL form makes the list an
 * index condition (one probe per value) whatever the table's statistics say; as `IN (SELECT …)` the planner, with
 * statistics taken while the table was small, chose to read every row of the organization and hash-join them
 * (measured: 8 ms per 1,000-email lookup at 22,500 contacts, growing with the table; 4 ms as ANY, flat).
 */
export function jsonInList(dialect: Dialect, paramIndex: number, expr: string): string {
  return dialect.kind === "sqlite"
    ? `${expr} IN (SELECT value FROM json_each(${dialect.param(paramIndex, "json")}))`
    : `${expr} = ANY (ARRAY(SELECT jsonb_array_elements_text(${dialect.param(paramIndex, "json")})))`;
}

/**
 * Multi-row upsert of `rows` (each an array of values in `columns` order) as `INSERT … SELECT … FROM <json rows>`,
 * chunked. `tail` is appended to each statement (ON CONFLICT …). With `returning`, rows from every chunk are
 * returned.
 */
export async function insertRows<T = Record<string, unknown>>(
  tx: SqlExecutor,
  dialect: Dialect,
  table: string,
  columns: Column[],
  rows: unknown[][],
  tail = "",
  returning?: string,
): Promise<T[]> {
  const out: T[] = [];
  if (rows.length === 0) return out;
  const columnList = columns.map((c) => `"${c.name}"`).join(", ");
  const connection = dialect.kind === "sqlite" ? connectionFor(tx) : null;
  if (connection) return insertRowsBound<T>(connection, table, columnList, columns, rows, tail, returning);
  // PostgreSQL fast path: COPY into a staging table, then one INSERT … SELECT with the same tail.
  const pg = dialect.kind === "postgres" ? await postgresConnectionFor(tx) : null;
  if (pg) return pg.insertRows<T>(table, columns, rows, tail, returning);
  const sql = `INSERT INTO "${table}" (${columnList}) ${jsonRowsSelect(dialect, 1, columns)} ${tail}`;
  const bigintColumns = columns.flatMap((c, i) => (c.type === "bigint" ? [i] : []));
  for (let start = 0; start < rows.length; start += MAX_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + MAX_ROWS_PER_STATEMENT);
    // Bigints become decimal strings here (cast back in SQL): cheaper than a JSON.stringify replacer on every value.
    for (const row of chunk) {
      for (const i of bigintColumns) if (typeof row[i] === "bigint") row[i] = (row[i] as bigint).toString();
    }
    const param = JSON.stringify(chunk);
    if (returning) {
      out.push(...(await queryRows<T>(tx, dialect, `${sql} RETURNING ${returning}`, [param])));
    } else {
      await execute(tx, dialect, sql, [param]);
    }
  }
  return out;
}

/**
 * Most bound parameters per statement on the SQLite fast path (SQLite allows 32,766; a few thousand keeps each
 * statement's parse and bind small).
 */
const MAX_BOUND_PARAMS = 4000;

/**
 * SQLite fast path of insertRows: the same upsert (`tail`, `returning`) with the rows bound directly as
 * `VALUES (?, …), (…)` through better-sqlite3 — batches of up to MAX_BOUND_PARAMS parameters, each statement
 * prepared once per connection. Measured on 50,000 orders (17 columns, upsert + RETURNING):
 * ~19 µs/row through `json_each` (SQLite re-reads the row's JSON for every column) vs ~9 µs/row bound; binding is
 * cheap here because no Prisma query compilation sits in between. Values are converted as the JSON path's SQL
 * casts would: bigints stay exact (bound as BigInt), JSON columns as JSON text, booleans as 0/1.
 */
function insertRowsBound<T>(
  connection: NonNullable<ReturnType<typeof connectionFor>>,
  table: string,
  columnList: string,
  columns: Column[],
  rows: unknown[][],
  tail: string,
  returning: string | undefined,
): T[] {
  const out: T[] = [];
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const batchRows = Math.max(1, Math.floor(MAX_BOUND_PARAMS / columns.length));
  const sqlFor = (n: number) =>
    `INSERT INTO "${table}" (${columnList}) VALUES ${Array.from({ length: n }, () => tuple).join(", ")} ${tail}${returning ? ` RETURNING ${returning}` : ""}`;
  const bind = (params: unknown[], row: unknown[]) => {
    for (let i = 0; i < columns.length; i++) params.push(bindValue(columns[i].type, row[i]));
  };
  const runStatement = (sql: string, params: unknown[]) => {
    const statement = prepared(connection, sql);
    if (returning) for (const r of statement.all(...params)) out.push(r as T);
    else statement.run(...params);
  };
  // Full batches, then the remainder in power-of-two batches (e.g. 234 = 128 + 64 + 32 + 8 + 2). Row counts vary
  // from page to page (contacts deduplicated by email, line items per order): one statement per distinct count
  // meant hundreds of prepared statements of up to ~2 MB native memory each (issue 12). Fixed sizes keep at most
  // 1 + log2(batchRows) statements per table and upsert.
  for (let start = 0; start < rows.length;) {
    const left = rows.length - start;
    const n = left >= batchRows ? batchRows : 2 ** Math.floor(Math.log2(left));
    const params: unknown[] = [];
    for (let r = start; r < start + n; r++) bind(params, rows[r]);
    runStatement(sqlFor(n), params);
    start += n;
  }
  return out;
}

/** A row value as better-sqlite3 binds it, matching what the JSON path's `value ->> i` / CAST would store. */
function bindValue(type: SqlType, value: unknown): unknown {
  if (type === "json") return value === undefined ? "null" : JSON.stringify(value);
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if ((type === "bigint" || type === "int") && typeof value === "string") return BigInt(value);
  return value;
}

/**
 * Runs `build(fixedPlaceholders, inList)` for `values` in chunks; `fixed` parameters come first in every
 * statement and `inList(expr)` is the predicate "expr is one of the chunk's values" (see jsonInList).
 */
export async function selectIn<T>(
  tx: SqlExecutor,
  dialect: Dialect,
  fixed: { value: unknown; type: SqlType }[],
  values: string[],
  build: (fixedPlaceholders: string[], inList: (expr: string) => string) => string,
): Promise<T[]> {
  const out: T[] = [];
  for (const [sql, params] of inStatements(dialect, fixed, values, build)) {
    out.push(...(await queryRows<T>(tx, dialect, sql, params)));
  }
  return out;
}

/** Like selectIn, for statements without a result (DELETE … WHERE x IN (…)). Returns the affected row count. */
export async function executeIn(
  tx: SqlExecutor,
  dialect: Dialect,
  fixed: { value: unknown; type: SqlType }[],
  values: string[],
  build: (fixedPlaceholders: string[], inList: (expr: string) => string) => string,
): Promise<number> {
  let count = 0;
  for (const [sql, params] of inStatements(dialect, fixed, values, build)) {
    count += await execute(tx, dialect, sql, params);
  }
  return count;
}

function* inStatements(
  dialect: Dialect,
  fixed: { value: unknown; type: SqlType }[],
  values: string[],
  build: (fixedPlaceholders: string[], inList: (expr: string) => string) => string,
): Generator<[string, unknown[]]> {
  const perChunk = MAX_ROWS_PER_STATEMENT * 5;
  const fixedPh = fixed.map((f, i) => dialect.param(i + 1, f.type));
  const sql = build(fixedPh, (expr) => jsonInList(dialect, fixed.length + 1, expr));
  for (let start = 0; start < values.length; start += perChunk) {
    yield [sql, [...fixed.map((f) => f.value), JSON.stringify(values.slice(start, start + perChunk))]];
  }
}
