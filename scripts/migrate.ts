/**
 * Applies pending migrations to the database DATABASE_URL names (SQLite by default, or PostgreSQL).
 * One command for both: `npm run db:migrate`. Creates the SQLite file's folder, or the PostgreSQL database, when
 * missing, so a fresh machine needs nothing else.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { databaseKind, sqlitePath } from "../app/db/database-url";
import { databaseEnvSchema, parseEnv } from "../app/env.server";

/**
 * Prisma's CLI warns on every run that the schema's datasource `url` is unused with a driver adapter. The url must
 * stay (without it the CLI tries to download a native engine: see prisma.config.ts), so the warning says nothing
 * actionable; it is dropped from the output, everything else is shown.
 */
export function withoutAdapterUrlWarning(output: string): string {
  return output.replace(
    /\n?WARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter[\s\S]*?only using driver adapters\.\n/,
    "",
  );
}

async function main() {
  const url = parseEnv(process.env, databaseEnvSchema).DATABASE_URL;
  const kind = databaseKind(url);
  if (kind === "sqlite") {
    mkdirSync(dirname(sqlitePath(url)), { recursive: true });
  } else {
    await ensurePostgresDatabase(url);
  }
  const result = spawnSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  process.stdout.write(withoutAdapterUrlWarning(result.stdout ?? ""));
  if (result.status !== 0)
    throw new Error(`prisma migrate deploy failed (exit ${result.status ?? result.signal})`);
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

if (process.argv[1]?.endsWith("migrate.ts")) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
