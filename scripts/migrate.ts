/**
 * Applies pending migrations to the database DATABASE_URL names (SQLite by default, or PostgreSQL).
 * One command for both: `npm run db:migrate`. Creates the SQLite file's folder, or the PostgreSQL database, when
 * missing, so a fresh machine needs nothing else.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { DEFAULT_SQLITE_URL, databaseKind, sqlitePath } from "../app/db/database-url";

async function main() {
  const url = process.env.DATABASE_URL || DEFAULT_SQLITE_URL;
  const kind = databaseKind(url);
  if (kind === "sqlite") {
    mkdirSync(dirname(sqlitePath(url)), { recursive: true });
  } else {
    await ensurePostgresDatabase(url);
  }
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}

async function ensurePostgresDatabase(url: string) {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (!database) throw new Error("DATABASE_URL names no database (postgresql://host:port/<database>)");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL at ${target.host}: ${(error as Error).message}`);
  }
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      console.log(`Created PostgreSQL database ${database}`);
    }
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
