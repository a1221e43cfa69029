/**
 * Runs once per `vitest run`: builds migrated template databases that each test copies (SQLite) or clones
 * (PostgreSQL `CREATE DATABASE … TEMPLATE`), so every test file gets its own fresh database in milliseconds.
 * Everything is named after this run's id and removed at the end.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { scanCapturedLogs } from "./log-capture";
import { pgTemplateDb, postgresAdminUrl, postgresUrlFor, sqliteTemplate, testTmp } from "./paths";

export default async function setup() {
  process.env.COMMERCE_SYNC_TEST_RUN = `${process.pid}_${randomBytes(3).toString("hex")}`;
  mkdirSync(testTmp(), { recursive: true });
  migrate(`file:${sqliteTemplate()}`);

  await withAdmin(async (admin) => {
    await admin.query(`CREATE DATABASE "${pgTemplateDb()}"`);
  });
  migrate(postgresUrlFor(pgTemplateDb()));

  return async function teardown() {
    try {
      // Last step of every run: no secret in any log line the app wrote (names file and line). Vitest only prints
      // an error thrown here ("error during close") and exits 0, hence the exit code set by hand.
      const scanned = scanCapturedLogs(process.env.COMMERCE_SYNC_TEST_RUN ?? "");
      console.info(`Log secret scan: ${scanned.lines} lines from ${scanned.files} test files, clean.`);
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 1;
    } finally {
      rmSync(testTmp(), { recursive: true, force: true });
      await withAdmin(async (admin) => {
        await admin.query(`DROP DATABASE IF EXISTS "${pgTemplateDb()}" WITH (FORCE)`);
      });
    }
  };
}

async function withAdmin(fn: (client: pg.Client) => Promise<void>) {
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${postgresAdminUrl()} (set TEST_POSTGRES_URL). ${(error as Error).message}`,
    );
  }
  try {
    await fn(admin);
  } finally {
    await admin.end();
  }
}

function migrate(url: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}
