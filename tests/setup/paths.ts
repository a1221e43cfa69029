import { resolve } from "node:path";

/**
 * Each `vitest run` gets its own id (set by the global setup, inherited by the test workers), so several runs on one
 * machine — developers side by side, or a developer and CI — never share or drop each other's databases.
 */
export function testRunId(): string {
  const id = process.env.COMMERCE_SYNC_TEST_RUN;
  if (!id)
    throw new Error(
      "COMMERCE_SYNC_TEST_RUN is not set: run tests through vitest (tests/setup/global-setup.ts)",
    );
  return id;
}

/** Scratch folder for this run's test databases and files. */
export function testTmp(): string {
  return resolve("tmp/test", testRunId());
}

export function sqliteTemplate(): string {
  return resolve(testTmp(), "template.sqlite");
}

export function pgTemplateDb(): string {
  return `commerce_sync_tpl_${testRunId()}`;
}

/** Server-level URL used to create and drop per-test databases. */
export function postgresAdminUrl(): string {
  return process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function postgresUrlFor(database: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}
