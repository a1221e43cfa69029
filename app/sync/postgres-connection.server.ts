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
 * Staging tables: `pg_temp."cs_stage_<Table>_<hash>"`, created on first use per connection with
 * `ON COMMIT DELETE ROWS`, so they are empty at the start of every transaction (a second use within one
 * transaction empties the table first). Which ones exist is read at the start of each transaction (with the pid),
 * because a creation inside a transaction that rolls back is undone. They live in the connection's own temporary
 * schema: concurrent connections (two syncs, webhooks) never see each other's rows.
 *
 * Results come back as node-postgres parses them (text as strings; int8 as strings): the writer only reads text
 * columns (ids) from its statements.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { leasedClient, stillLeased, type PostgresLease } from "../db/postgres-connections.server";
import {
  jsonRowsSelect,
  POSTGRES,
  toJsonParam,
  type Column,
  type SqlExecutor,
  type SqlType,
} from "./sql.server";

const STAGING_TYPES: Record<SqlType, string> = {
  text: "text",
  int: "integer",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

/**
 * Batches smaller than `minRows` go as one `INSERT … SELECT … FROM jsonb_array_elements($1)` on the same connection
 * (the JSON path's SQL, without Prisma in between) instead of COPY + INSERT … SELECT: for a few rows the extra round
 * trip costs more than COPY saves. Mutable for tests, which run the writer both ways.
 */
export const COPY_TUNING = { minRows: 32 };

/** Thrown when a fast-path statement would run after its transaction ended (never written outside it). */
export class TransactionConnectionLostError extends Error {
  constructor() {
    super("The database transaction of this write has already ended; nothing was written outside it.");
    this.name = "TransactionConnectionLostError";
  }
}

/** The direct connection of one Prisma interactive transaction on PostgreSQL. */
export class PostgresTxConnection {
  /** Staging tables used in this transaction (a second use empties the table first). */
  private readonly usedStaging = new Set<string>();

  /**
   * @param found the pool client and its lease
   * @param existingStaging the staging tables this connection already had when the transaction began
   */
  constructor(
    private readonly found: PostgresLease,
    private readonly existingStaging: Set<string>,
  ) {}

  private client(): pg.PoolClient {
    if (!stillLeased(this.found)) throw new TransactionConnectionLostError();
    return this.found.client;
  }

  private chain: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` after every statement sent before it has finished: callers may issue statements concurrently
   * (`Promise.all` of two lookups), a connection runs one at a time (node-postgres deprecates queueing).
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** One statement with positional parameters; returns its rows and affected row count. */
  query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; rowCount: number }> {
    return this.serial(async () => {
      const result = await this.client().query(sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    });
  }

  /** `COPY "table" (columns) FROM STDIN` of `rows` (arrays in `columns` order). Returns the rows copied. */
  copyIn(table: string, columns: Column[], rows: unknown[][], schema?: string): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    const target = `${schema ? `${schema}.` : ""}"${table}"`;
    const text = copyText(columns, rows);
    return this.serial(async () => {
      const stream = this.client().query(
        copyFrom(`COPY ${target} (${columns.map((c) => `"${c.name}"`).join(", ")}) FROM STDIN`),
      );
      await new Promise<void>((resolve, reject) => {
        stream.on("error", reject);
        stream.on("finish", resolve);
        stream.end(text);
      });
      return rows.length;
    });
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
    if (rows.length < COPY_TUNING.minRows) {
      // A handful of rows (a webhook, a record retried alone): one statement beats COPY + INSERT … SELECT.
      const { rows: out } = await this.query<T>(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) ${jsonRowsSelect(POSTGRES, 1, columns)} ${tail}${returning ? ` RETURNING ${returning}` : ""}`,
        [toJsonParam(rows)],
      );
      return out;
    }
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

  /**
   * The empty staging table of `table` with these columns. Created in this transaction if the connection has none
   * (a creation is undone if the transaction rolls back, which is why existence is read at the start of each
   * transaction rather than remembered per connection). The name carries a hash of the column definitions, so a
   * different column list never reuses an old table.
   */
  private async staging(table: string, columns: Column[]): Promise<string> {
    const definition = columns.map((c) => `"${c.name}" ${STAGING_TYPES[c.type]}`).join(", ");
    const name = `${STAGING_PREFIX}${table}_${createHash("sha1").update(definition).digest("hex").slice(0, 8)}`;
    if (this.usedStaging.has(name)) {
      await this.query(`DELETE FROM pg_temp."${name}"`);
    } else if (!this.existingStaging.has(name)) {
      this.existingStaging.add(name);
      await this.query(`CREATE TEMP TABLE "${name}" (${definition}) ON COMMIT DELETE ROWS`);
    }
    this.usedStaging.add(name);
    return name;
  }
}

const STAGING_PREFIX = "cs_stage_";

const cache = new WeakMap<object, Promise<PostgresTxConnection | null>>();

/**
 * The direct connection under `tx` when `tx` is a Prisma interactive transaction client on a tracked PostgreSQL
 * pool, else null (use Prisma's raw-query path). One query per transaction (its backend pid and the staging tables
 * the connection has), then cached.
 */
export function connectionFor(tx: SqlExecutor): Promise<PostgresTxConnection | null> {
  let found = cache.get(tx);
  if (!found) {
    found = lookUp(tx);
    cache.set(tx, found);
  }
  return found;
}

async function lookUp(tx: SqlExecutor): Promise<PostgresTxConnection | null> {
  const client = tx as unknown as { _engineConfig?: { adapter?: unknown }; $transaction?: unknown };
  const owner = client._engineConfig?.adapter;
  // A transaction client has no $transaction (Prisma denies it there); a plain client may use any connection.
  if (!owner || typeof owner !== "object" || typeof client.$transaction === "function") return null;
  const [row] = await tx.$queryRawUnsafe<{ pid: number; staging: string[] | null }[]>(
    `SELECT pg_backend_pid() AS "pid",
            ARRAY(SELECT "relname"::text FROM pg_class
                  WHERE "relnamespace" = pg_my_temp_schema() AND "relname" LIKE '${STAGING_PREFIX}%') AS "staging"`,
  );
  const found = row ? leasedClient(owner, Number(row.pid)) : null;
  return found ? new PostgresTxConnection(found, new Set(row.staging ?? [])) : null;
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
