/**
 * Database errors that say "not now" rather than "not this record": the database was busy or locked, the
 * connection dropped or the server restarted, a serialization conflict or deadlock chose this transaction. Writing
 * the same rows again later succeeds, so callers must retry the whole unit of work (the job, the page) instead of
 * recording the rows as bad. Errors reach us in several wrappings: Prisma's known-request errors (`code` P…, the
 * driver adapter's error in `meta` or `cause`), the adapters' own `DriverAdapterError` (`cause.kind`), and the raw
 * errors of better-sqlite3 and node-postgres from the writer's direct paths.
 */

/** PostgreSQL SQLSTATEs: connection exceptions (08…), serialization failure, deadlock, lock not available, admin
 * shutdown / crash shutdown / cannot connect now, too many connections. */
const POSTGRES_CODES = new Set([
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "40001",
  "40P01",
  "55P03",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** Prisma: can't reach / timed out / server closed the connection / pool timeout / write conflict or deadlock. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2034"]);

/** Driver adapter error kinds (`@prisma/driver-adapter-utils`) that mean "try again". */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "TransactionWriteConflict",
  "TooManyConnections",
  "SocketTimeout",
]);

const NODE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** SQLite primary result codes BUSY (5) and LOCKED (6); extended codes carry them in the low byte. */
const SQLITE_PRIMARY = new Set([5, 6]);

const MESSAGES =
  /database is locked|database table is locked|SQLITE_BUSY|Connection terminated|terminating connection|server closed the connection|Connection is closed|could not serialize access|deadlock detected|Client has encountered a connection error/i;

function transientHere(value: Record<string, unknown>): boolean {
  const { code, kind, extendedCode, message } = value;
  if (typeof kind === "string") {
    if (ADAPTER_KINDS.has(kind)) return true;
    if (kind === "postgres" && typeof code === "string" && POSTGRES_CODES.has(code)) return true;
    if (kind === "sqlite" && typeof extendedCode === "number" && SQLITE_PRIMARY.has(extendedCode & 0xff))
      return true;
  }
  if (typeof code === "string") {
    if (POSTGRES_CODES.has(code) || PRISMA_CODES.has(code) || NODE_CODES.has(code)) return true;
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  }
  return typeof message === "string" && MESSAGES.test(message);
}

/** True when `error` (or anything it wraps) is a database error worth retrying as a whole. */
export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const value = queue.shift();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (transientHere(record)) return true;
    queue.push(record.cause);
    const meta = record.meta as Record<string, unknown> | undefined;
    if (meta && typeof meta === "object") queue.push(meta.driverAdapterError, meta.cause);
  }
  return false;
}
