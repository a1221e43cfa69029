/**
 * SQLite fast path for the batch writer: the better-sqlite3 connection under Prisma's SQLite adapter.
 *
 * Why: profiling `npm run bench` showed that on SQLite most of a page's time went to Prisma's raw-query path, not to
 * SQLite: every `$queryRawUnsafe` / `$executeRawUnsafe` is compiled by the query compiler (WASM, which copies the
 * page's JSON parameter in and out), then the adapter prepares the statement again. Running the *same* SQL with the
 * same single JSON parameter on the adapter's own connection, with statements prepared once per connection, removes
 * that overhead.
 *
 * Why it stays inside the page transaction: Prisma's better-sqlite3 adapter has ONE connection; an interactive
 * transaction is `BEGIN` on that connection, held under the adapter's mutex until COMMIT/ROLLBACK. Statements run on
 * that connection while `inTransaction` is true are therefore part of the caller's `$transaction` — they commit
 * or roll back together with the page's checkpoint (kill -9 test: app/sync/kill.test.ts). `connectionFor` returns
 * null (callers then use Prisma's path) unless that is the case.
 *
 * How the connection is found: `PrismaBetterSQLite3.connect()` (the adapter factory given to `new PrismaClient`)
 * is wrapped once to remember the connection it opens, keyed by the factory; a Prisma client (or its transaction
 * client) exposes its factory as `_engineConfig.adapter`. That property is Prisma-internal: if a Prisma upgrade
 * removes it, `connectionFor` returns null and the writer silently keeps working through Prisma (slower); the test
 * `sqlite-connection.test.ts` fails to flag it.
 *
 * Connection pragmas, set once per connection when it opens (outside any transaction, as SQLite requires):
 * - `journal_mode = WAL`: a commit appends to the write-ahead log instead of rewriting and journaling pages;
 *   readers (the UI) do not block the sync's writer and vice versa.
 * - `wal_autocheckpoint`: see WAL_AUTOCHECKPOINT_PAGES.
 * - `synchronous = NORMAL`: with WAL, commits are not fsynced one by one (the log is synced at checkpoints). A
 *   process crash (`kill -9`, what resume must survive) loses nothing committed: the WAL is in the OS page cache
 *   and is replayed when the database is next opened. Only an OS crash / power loss can drop the last commits, and
 *   the database stays consistent (a page and its checkpoint are in the same commit), so the sync then resumes from
 *   an earlier checkpoint and re-applies pages idempotently.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type Database from "better-sqlite3";

type Connection = Database.Database;

const connections = new WeakMap<object, Connection>();
const statementCache = new WeakMap<Connection, Map<string, Database.Statement>>();
const INSTALLED = Symbol.for("commerce-sync.sqlite-connection.installed");

/**
 * WAL pages before a commit checkpoints the log into the database (SQLite's default is 1,000 pages, ~4 MB). A
 * checkpoint syncs the database file, and each one copies every page changed since the last: with the default, a
 * bulk sync checkpointed every page or two and the 100,000-record Shopify sync spent ~2.7 s of ~10 s CPU in COMMIT
 * (1.3 s at 10,000 pages, ~40 MB of log; issue 12). The log is reset after each checkpoint, so it stays that small.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Pragmas for a connection the app opened; failures (e.g. a read-only file) leave SQLite's defaults. */
function configure(connection: Connection) {
  immediateTransactions(connection);
  try {
    connection.pragma("journal_mode = WAL");
    connection.pragma("synchronous = NORMAL");
    connection.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch {
    // WAL is an optimisation: the writer is correct in any journal mode.
  }
}

/**
 * Prisma's adapter opens every interactive transaction with a deferred `BEGIN`. Across processes (the app server
 * storing webhooks while a worker applies them) that fails: a deferred transaction that has read and then writes gets
 * `SQLITE_BUSY` ("database is locked") at once — without waiting for the busy timeout — when another connection
 * committed in between (WAL snapshot). The chaos suite saw webhook events fail this way
 * (tests/chaos/webhooks.chaos.ts). `BEGIN IMMEDIATE` takes the write lock up front, so a transaction waits for the
 * busy timeout instead and never fails half-way (docs/decisions/0030-chaos-suite.md).
 */
function immediateTransactions(connection: Connection) {
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((sql: string) =>
    prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql)) as Connection["prepare"];
}

function install() {
  const proto = PrismaBetterSQLite3.prototype as unknown as Record<PropertyKey, unknown> & {
    connect: () => Promise<unknown>;
  };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const connect = proto.connect;
  proto.connect = async function (this: object) {
    const adapter = await connect.call(this);
    const connection = (adapter as { client?: Connection } | undefined)?.client;
    if (connection && typeof connection.prepare === "function") {
      configure(connection);
      connections.set(this, connection);
    }
    return adapter;
  };
}
install();

/**
 * The better-sqlite3 connection under `client` (a Prisma client or transaction client on SQLite) when it is inside a
 * transaction — i.e. inside the caller's `$transaction` — else null (use Prisma's raw-query path).
 */
export function connectionFor(client: unknown): Connection | null {
  const factory = (client as { _engineConfig?: { adapter?: unknown } } | null)?._engineConfig?.adapter;
  if (!factory || typeof factory !== "object") return null;
  const connection = connections.get(factory);
  if (!connection || !connection.open || !connection.inTransaction) return null;
  return connection;
}

/**
 * Most statements kept prepared per connection. A prepared better-sqlite3 statement holds native memory (SQLite's
 * compiled program and its parameter and register arrays: about 1-2 MB for a 4,000-parameter multi-row upsert)
 * that V8 does not see: dropping the JS reference frees it only when the garbage collector gets round to the tiny
 * wrapper object, which it has no reason to hurry. The writer's statements are a small fixed set (insertRows uses
 * fixed batch sizes, see sql.server.ts), so this bound is never reached by it; it only stops SQL built dynamically
 * from growing the cache without end. Issue 12: with one statement per distinct row count the 1M-record Shopify
 * sync reached 1.87 GB of resident memory.
 */
export const MAX_CACHED_STATEMENTS = 64;

/** `sql` prepared once per connection; least recently used statements beyond MAX_CACHED_STATEMENTS are dropped. */
export function prepared(connection: Connection, sql: string): Database.Statement {
  let cache = statementCache.get(connection);
  if (!cache) {
    cache = new Map();
    statementCache.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (statement) {
    // Map iteration order is insertion order: re-inserting makes this the most recently used.
    cache.delete(sql);
  } else {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
    statement = connection.prepare(sql);
  }
  cache.set(sql, statement);
  return statement;
}

/**
 * The better-sqlite3 connection under `client` (a Prisma client on SQLite) once Prisma has opened it, in or out of a
 * transaction; null before that, on PostgreSQL, or if Prisma's internals changed. For callers that run their own
 * short synchronous transactions on it (the webhook intake, app/jobs/webhook-intake-store.server.ts): they must
 * check `inTransaction` first, since a Prisma interactive transaction may be open on it.
 */
export function adapterConnection(client: unknown): Connection | null {
  const factory = (client as { _engineConfig?: { adapter?: unknown } } | null)?._engineConfig?.adapter;
  if (!factory || typeof factory !== "object") return null;
  const connection = connections.get(factory);
  return connection?.open ? connection : null;
}

/** Number of statements cached for `connection` (tests: the cache stays bounded). */
export function cachedStatementCount(connection: Connection): number {
  return statementCache.get(connection)?.size ?? 0;
}
