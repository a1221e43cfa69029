import { resolve } from "node:path";

/** Scratch folder for test databases and files (wiped at the start of each run). */
export const TEST_TMP = resolve("tmp/test");
export const SQLITE_TEMPLATE = resolve(TEST_TMP, "template.sqlite");
export const PG_TEMPLATE_DB = "commerce_sync_test_template";

/** Server-level URL used to create and drop per-test databases. */
export function postgresAdminUrl(): string {
  return process.env.TEST_POSTGRES_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function postgresUrlFor(database: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}
