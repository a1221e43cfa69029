import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { DEFAULT_SQLITE_URL, databaseKind, prismaPaths } from "./app/db/database-url";
import { assertSupportedNode } from "./app/lib/node-runtime";

/**
 * Prisma CLI configuration (generate, migrate deploy, migrate status).
 *
 * The CLI runs Prisma 6.19's JavaScript schema engine through the same driver adapters the app uses, so nothing is
 * downloaded. DATABASE_URL picks SQLite (file:) or PostgreSQL (postgresql://) and with it the schema and migrations.
 * See docs/decisions/0003-prisma-sqlite-and-postgres.md.
 */
const url = process.env.DATABASE_URL || DEFAULT_SQLITE_URL;
// The schema reads env("DATABASE_URL"); without it the CLI would try to download a native engine.
process.env.DATABASE_URL = url;
const kind = databaseKind(url);
// better-sqlite3 13 crashes natively on Node 20: say so instead (the npm scripts run the bundled Node 24).
if (kind === "sqlite") assertSupportedNode();
const paths = prismaPaths(kind);

/**
 * Works around prisma/orm#27403: PostgreSQL catalog columns of type `name` (OID 19) cannot be deserialized by the
 * adapter, which breaks `migrate deploy`. Reporting them as `text` (OID 25) is lossless for these values.
 * CLI only: the app's runtime adapter never reads catalog tables.
 */
class CatalogSafePool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    if (result && typeof result.then === "function") {
      return result.then((res: pg.QueryResult) => {
        for (const field of res?.fields ?? []) if (field.dataTypeID === 19) field.dataTypeID = 25;
        return res;
      });
    }
    return result;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: paths.schema,
  migrations: { path: paths.migrations },
  adapter: async () =>
    kind === "postgres"
      ? new PrismaPg(new CatalogSafePool({ connectionString: url }))
      : new PrismaBetterSQLite3({ url }),
});
