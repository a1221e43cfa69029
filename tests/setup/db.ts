/**
 * Fresh, migrated databases for tests: `await createTestDatabase("sqlite" | "postgres")`.
 * SQLite copies the run's template file; PostgreSQL clones the template database. Each call is isolated from every
 * other test and worker. Call `cleanup()` (e.g. in afterAll) to disconnect and drop it.
 */
import { copyFileSync } from "node:fs";
import { resolve } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPrismaClient } from "../../app/db/client.server";
import type { DatabaseKind } from "../../app/db/database-url";
import { pgTemplateDb, postgresAdminUrl, postgresUrlFor, sqliteTemplate, testTmp } from "./paths";

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  db: ReturnType<typeof createPrismaClient>;
  cleanup: () => Promise<void>;
}

export const DATABASE_KINDS: DatabaseKind[] = ["sqlite", "postgres"];

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = `t_${process.pid}_${randomBytes(4).toString("hex")}`;
  if (kind === "sqlite") {
    const file = resolve(testTmp(), `${name}.sqlite`);
    copyFileSync(sqliteTemplate(), file);
    const url = `file:${file}`;
    const db = createPrismaClient(url);
    return { kind, url, db, cleanup: () => db.$disconnect() };
  }
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${pgTemplateDb()}"`);
  } finally {
    await admin.end();
  }
  const url = postgresUrlFor(name);
  const db = createPrismaClient(url);
  return {
    kind,
    url,
    db,
    cleanup: async () => {
      await db.$disconnect();
      const drop = new pg.Client({ connectionString: postgresAdminUrl() });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await drop.end();
      }
    },
  };
}
