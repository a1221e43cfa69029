/**
 * Runs once per `vitest run`: builds migrated template databases that each test copies (SQLite) or clones
 * (PostgreSQL `CREATE DATABASE … TEMPLATE`), so every test file gets its own fresh database in milliseconds.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import pg from "pg";
import { PG_TEMPLATE_DB, SQLITE_TEMPLATE, TEST_TMP, postgresAdminUrl, postgresUrlFor } from "./paths";

export default async function setup() {
  rmSync(TEST_TMP, { recursive: true, force: true });
  mkdirSync(TEST_TMP, { recursive: true });
  migrate(`file:${SQLITE_TEMPLATE}`);

  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${postgresAdminUrl()} (set TEST_POSTGRES_URL). ${(error as Error).message}`,
    );
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${PG_TEMPLATE_DB}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${PG_TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  migrate(postgresUrlFor(PG_TEMPLATE_DB));
}

function migrate(url: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}
