/**
 * A tiny SQL dialect layer for the batch writer: the same multi-row statements run on SQLite and PostgreSQL.
 *
 * Values are always sent as parameters. Dates are sent as ISO-8601 text in the exact format Prisma's SQLite adapter
 * writes (`2024-05-06T07:08:09.123+00:00`), so rows written here read back through Prisma unchanged and compare
 * correctly as text (`>=` on equal-width ISO strings is chronological). On PostgreSQL every placeholder carries an
 * explicit cast, so multi-row VALUES never depend on type inference.
 */
import type { Prisma } from "@prisma/client";

export type SqlType = "text" | "int" | "bigint" | "timestamp" | "json";

export type SqlExecutor = Pick<Prisma.TransactionClient, "$executeRawUnsafe" | "$queryRawUnsafe">;

export interface Dialect {
  kind: "sqlite" | "postgres";
  /** Parameters per statement we allow ourselves (below SQLite's 32766 and PostgreSQL's 65535). */
  maxParams: number;
  /** Placeholder for the n-th (1-based) parameter, cast on PostgreSQL. */
  param(index: number, type: SqlType): string;
  /** JSON object merge: keys of `right` win. */
  jsonMerge(left: string, right: string): string;
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
  maxParams: 30_000,
  // Positional: better-sqlite3 binds an array only to bare "?" (so a value used twice is passed twice).
  param: () => "?",
  jsonMerge: (left, right) => `json_patch(${left}, ${right})`,
};

export const POSTGRES: Dialect = {
  kind: "postgres",
  maxParams: 60_000,
  param: (index, type) => `$${index}${PG_CASTS[type]}`,
  jsonMerge: (left, right) => `(${left} || ${right})`,
};

export function dialectFor(kind: "sqlite" | "postgres"): Dialect {
  return kind === "postgres" ? POSTGRES : SQLITE;
}

/** A date as a parameter value for `kind` (null stays null). */
export function sqlDate(kind: Dialect["kind"], value: Date | null | undefined): string | null {
  if (!value) return null;
  const iso = value.toISOString();
  return kind === "sqlite" ? iso.replace("Z", "+00:00") : iso;
}

export interface Column {
  name: string;
  type: SqlType;
}

/** Most rows per multi-row statement (beyond this, statements get slower to prepare than they save). */
const MAX_ROWS_PER_STATEMENT = 1000;

/**
 * Multi-row INSERT of `rows` (each an array of values in `columns` order), chunked to respect parameter limits.
 * `tail` is appended to each statement (ON CONFLICT …). With `returning`, rows from every chunk are returned.
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
  const perChunk = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(dialect.maxParams / columns.length)));
  const columnList = columns.map((c) => `"${c.name}"`).join(", ");
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const slots: string[] = [];
      for (let i = 0; i < columns.length; i++) {
        params.push(row[i]);
        slots.push(dialect.param(params.length, columns[i].type));
      }
      tuples.push(`(${slots.join(", ")})`);
    }
    const sql = `INSERT INTO "${table}" (${columnList}) VALUES ${tuples.join(", ")} ${tail}`;
    if (returning) {
      out.push(...(await tx.$queryRawUnsafe<T[]>(`${sql} RETURNING ${returning}`, ...params)));
    } else {
      await tx.$executeRawUnsafe(sql, ...params);
    }
  }
  return out;
}

/**
 * Runs `build(placeholders, params)` for `values` in chunks that fit the parameter limit; `fixed` are parameters
 * that precede the list in every statement. Returns the concatenated rows.
 */
export async function selectIn<T>(
  tx: SqlExecutor,
  dialect: Dialect,
  fixed: { value: unknown; type: SqlType }[],
  values: string[],
  build: (fixedPlaceholders: string[], listPlaceholders: string) => string,
): Promise<T[]> {
  const out: T[] = [];
  if (values.length === 0) return out;
  const perChunk = Math.min(MAX_ROWS_PER_STATEMENT * 5, dialect.maxParams - fixed.length);
  for (let start = 0; start < values.length; start += perChunk) {
    const chunk = values.slice(start, start + perChunk);
    const fixedPh = fixed.map((f, i) => dialect.param(i + 1, f.type));
    const list = chunk.map((_, i) => dialect.param(fixed.length + i + 1, "text")).join(", ");
    const params = [...fixed.map((f) => f.value), ...chunk];
    out.push(...(await tx.$queryRawUnsafe<T[]>(build(fixedPh, list), ...params)));
  }
  return out;
}

/** Like selectIn, for statements without a result (DELETE … WHERE x IN (…)). */
export async function executeIn(
  tx: SqlExecutor,
  dialect: Dialect,
  fixed: { value: unknown; type: SqlType }[],
  values: string[],
  build: (fixedPlaceholders: string[], listPlaceholders: string) => string,
): Promise<number> {
  let count = 0;
  if (values.length === 0) return count;
  const perChunk = Math.min(MAX_ROWS_PER_STATEMENT * 5, dialect.maxParams - fixed.length);
  for (let start = 0; start < values.length; start += perChunk) {
    const chunk = values.slice(start, start + perChunk);
    const fixedPh = fixed.map((f, i) => dialect.param(i + 1, f.type));
    const list = chunk.map((_, i) => dialect.param(fixed.length + i + 1, "text")).join(", ");
    count += await tx.$executeRawUnsafe(build(fixedPh, list), ...[...fixed.map((f) => f.value), ...chunk]);
  }
  return count;
}
