/**
 * PostgreSQL fast path for the batch writer: the node-postgres connection that holds the page's Prisma transaction,
 * used directly for `COPY … FROM STDIN` and for the writer's other statements.
 *
 * Why: through Prisma's raw-query path each batch was one JSON parameter, compiled by the query compiler (WASM)
 * and unpacked by `jsonb_array_elements`; `npm run bench` measured the engine at ~8k records/s on PostgreSQL. COPY
 * is PostgreSQL's bulk-load protocol: rows stream as tab-separated text with no per-row statement or parameter.
 * Rows that need upsert logic are COPYed into a TEMPORARY staging table and merged with one
 * `INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE newer` (the very same ON CONFLICT clause as the JSON path:
 * the writer's semantics do not change); rows with no conflict clause (line items) are COPYed into their table.
 *
 * Why it stays inside the page transaction: the connection is found by asking the transaction itself for its
 * server backend (`SELECT pg_backend_pid()` through the Prisma transaction client), then mapping that pid to the
 * pool's client (app/db/postgres-connections.server.ts). Statements sent on that client while Prisma holds it for the
 * transaction are part of the transaction: they commit or roll back with the page's checkpoint. Before every
 * statement the client's lease is checked: once the transaction has ended (client back in the pool) the fast path
 * throws instead of writing outside it. `connectionFor` returns null (callers use Prisma's raw path) for anything
 * that is not an interactive transaction on a pool this process tracks.
 *
 * Staging tables: `pg_temp."cs_stage_<Table>"`, created on first use per connection (`CREATE TEMP TABLE IF NOT
 * EXISTS`, checked on every use because a creation inside a transaction that rolls back is undone) with
 * `ON COMMIT DELETE ROWS`, so they are empty at the start of every transaction; each use also empties them first
 * (a table staged twice in one transaction). They live in the connection's own temporary schema: concurrent
 * connections (two syncs, webhooks) never see each other's rows.
 *
 * Results come back as node-postgres parses them (text as strings; int8 as strings): the writer only reads text
 * columns (ids) from its statements.
 */
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { leasedClient, stillLeased, type PostgresLease } from "../db/postgres-connections.server";
import type { Column, SqlExecutor, SqlType } from "./sql.server";

const STAGING_TYPES: Record<SqlType, string> = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

/** Thrown when a fast-path statement would run after its transaction ended (never written outside it). */
export class TransactionConnectionLostError extends Error {
  constructor() {
    super("The database transaction of this write has already ended; nothing was written outside it.");
    this.name = "TransactionConnectionLostError";
  }
}

/** The direct connection of one Prisma interactive transaction on PostgreSQL. */
export class PostgresTxConnection {
  constructor(private readonly found: PostgresLease) {}

  private client(): pg.PoolClient {
    if (!stillLeased(this.found)) throw new TransactionConnectionLostError();
    return this.found.client;
  }

  /** One statement with positional parameters; returns its rows and affected row count. */
  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; rowCount: number }> {
    const result = await this.client().query(sql, params);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  }

  /** `COPY "table" (columns) FROM STDIN` of `rows` (arrays in `columns` order). Returns the rows copied. */
  async copyIn(table: string, columns: Column[], rows: unknown[][], schema?: string): Promise<number> {
    if (rows.length === 0) return 0;
    const target = `${schema ? `${schema}.` : ""}"${table}"`;
    const stream = this.client().query(
      copyFrom(`COPY ${target} (${columns.map((c) => `"${c.name}"`).join(", ")}) FROM STDIN`),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("finish", resolve);
      stream.end(copyText(columns, rows));
    });
    return rows.length;
  }

  /**
   * Upsert of `rows` into `table`: COPY into the staging table, then `INSERT INTO table SELECT … FROM staging
   * <tail> [RETURNING …]`. Without `tail` and `returning`, the rows are COPYed straight into `table`.
   */
  async insertRows<T>(
    table: string,
    columns: Column[],
    rows: unknown[][],
    tail: string,
    returning: string | undefined,
  ): Promise<T[]> {
    if (rows.length === 0) return [];
    if (!tail.trim() && !returning) {
      await this.copyIn(table, columns, rows);
      return [];
    }
    const staging = await this.staging(table, columns);
    await this.copyIn(staging, columns, rows, "pg_temp");
    const columnList = columns.map((c) => `"${c.name}"`).join(", ");
    const { rows: out } = await this.query<T>(
      `INSERT INTO "${table}" (${columnList}) SELECT ${columnList} FROM pg_temp."${staging}" ${tail}${returning ? ` RETURNING ${returning}` : ""}`,
    );
    return out;
  }

  /** The (empty) staging table of `table`, created if this connection has none yet. */
  private async staging(table: string, columns: Column[]): Promise<string> {
    const name = `cs_stage_${table}`;
    const definition = columns.map((c) => `"${c.name}" ${STAGING_TYPES[c.type]}`).join(", ");
    // One round trip (simple query protocol: no parameters). IF NOT EXISTS notices are not errors.
    await this.client().query(
      `CREATE TEMP TABLE IF NOT EXISTS "${name}" (${definition}) ON COMMIT DELETE ROWS; DELETE FROM pg_temp."${name}"`,
    );
    return name;
  }
}

const cache = new WeakMap<object, PostgresTxConnection | null>();

/**
 * The direct connection under `tx` when `tx` is a Prisma interactive transaction client on a tracked PostgreSQL
 * pool, else null (use Prisma's raw-query path). One `pg_backend_pid()` query per transaction, then cached.
 */
export async function connectionFor(tx: SqlExecutor): Promise<PostgresTxConnection | null> {
  if (cache.has(tx)) return cache.get(tx)!;
  const client = tx as unknown as { _engineConfig?: { adapter?: unknown }; $transaction?: unknown };
  const owner = client._engineConfig?.adapter;
  // A transaction client has no $transaction (Prisma denies it there); a plain client may use any connection.
  if (!owner || typeof owner !== "object" || typeof client.$transaction === "function") {
    cache.set(tx, null);
    return null;
  }
  const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>(`SELECT pg_backend_pid() AS "pid"`);
  const found = row ? leasedClient(owner, Number(row.pid)) : null;
  const connection = found ? new PostgresTxConnection(found) : null;
  cache.set(tx, connection);
  return connection;
}

// COPY text format: columns separated by tabs, rows by newlines, NULL as \N, and backslash, tab, newline and
// carriage return escaped with a backslash.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escapeText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

/** One COPY field: the value as the JSON path's SQL casts would read it (bigints exact, JSON as JSON text). */
function copyField(type: SqlType, value: unknown): string {
  if (type === "json") return escapeText(JSON.stringify(value ?? null));
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "string") return escapeText(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  if (value instanceof Date) return value.toISOString();
  return escapeText(String(value));
}

/** The COPY text of `rows` (exported for tests). */
export function copyText(columns: Column[], rows: unknown[][]): string {
  const types = columns.map((c) => c.type);
  let out = "";
  for (const row of rows) {
    for (let i = 0; i < types.length; i += 1) {
      if (i > 0) out += "\t";
      out += copyField(types[i], row[i]);
    }
    out += "\n";
  }
  return out;
}
