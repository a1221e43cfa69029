import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { assertSupportedNode } from "../lib/node-runtime";
import { databaseKind, type DatabaseKind } from "./database-url";
import { trackPostgresPool } from "./postgres-connections.server";
import { releaseConnectionsOfFailedTransactions } from "./postgres-transaction-release.server";
import { POSTGRES_CLIENT_DIR } from "./postgres-schema";

export type Db = PrismaClient;

/**
 * The app's database handle: a Prisma client that also says which SQL dialect it speaks (`$kind`), for the few
 * places that emit SQL themselves (the batch writer, the job queue, locks). Every module takes this one type.
 */
export type AppDb = Db & { $kind: DatabaseKind };

export interface PrismaClientOptions {
  /** PostgreSQL connections this process may open (DATABASE_POOL_SIZE; ignored on SQLite). */
  poolSize?: number;
  /** Reports an idle PostgreSQL connection closed by the server (the pool replaces it). */
  onIdleConnectionError?: (error: Error) => void;
}

/**
 * Builds a Prisma client for DATABASE_URL: better-sqlite3 for `file:` URLs, node-postgres for `postgresql://`.
 *
 * Both clients are generated from the same models (prisma/schema.prisma and its generated PostgreSQL twin), so the
 * PostgreSQL client is typed as the SQLite one; application code never knows which it holds. `$kind` says which, for
 * the few places (the batch writer, the job queue) that emit SQL themselves.
 */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): AppDb {
  const kind = databaseKind(url);
  if (kind === "sqlite") {
    assertSupportedNode();
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) });
    return Object.assign(client, { $kind: kind });
  }
  const PgClient = loadPostgresClient();
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection closed by the server (restart, failover) must not crash the process; the pool replaces it.
  pool.on(
    "error",
    options.onIdleConnectionError ??
      ((error) => console.warn(`PostgreSQL idle connection closed: ${error.message}`)),
  );
  // Prisma 6.19 leaks the connection of a transaction whose connection died (see the module).
  const adapter = releaseConnectionsOfFailedTransactions(new PrismaPg(pool));
  // Lets the sync writer find the connection of a page's transaction (COPY fast path, see the module).
  trackPostgresPool(adapter, pool);
  const client = new PgClient({ adapter }) as Db;
  const disconnect = client.$disconnect.bind(client);
  // The pool is ours, not the adapter's: close it too, so $disconnect() releases every connection.
  return Object.assign(client, {
    $kind: kind,
    $disconnect: async () => {
      await disconnect();
      if (!pool.ended) await pool.end();
    },
  });
}

let pgClientCtor: typeof PrismaClient | undefined;

/**
 * Loads the generated PostgreSQL client at run time from node_modules (written by `prisma generate` at install),
 * so bundlers leave it alone and SQLite-only deployments never touch it.
 */
function loadPostgresClient(): typeof PrismaClient {
  if (pgClientCtor) return pgClientCtor;
  const require = createRequire(import.meta.url);
  // <root>/node_modules/@prisma/client/package.json → <root>
  const root = dirname(dirname(dirname(dirname(require.resolve("@prisma/client/package.json")))));
  const dir = join(root, POSTGRES_CLIENT_DIR);
  try {
    pgClientCtor = require(join(dir, "index.js")).PrismaClient as typeof PrismaClient;
  } catch (error) {
    throw new Error(
      `The PostgreSQL Prisma client is missing (${dir}). Run "npm run db:generate". Cause: ${(error as Error).message}`,
    );
  }
  return pgClientCtor;
}
