import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { postgresAdminUrl } from "../../tests/setup/paths";
import { isTransientDatabaseError } from "./transient-errors";

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("transient database errors, as the drivers really throw them", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "transient-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("better-sqlite3: a locked database is transient, a constraint violation is not", async () => {
    const file = join(dir, "a.sqlite");
    const holder = new Database(file);
    holder.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY)`);
    const writer = new Database(file, { timeout: 0 });
    try {
      holder.exec("BEGIN IMMEDIATE");
      const busy = await thrown(() => writer.exec("INSERT INTO t (id) VALUES (1)"));
      expect((busy as { code?: string }).code).toBe("SQLITE_BUSY");
      expect(isTransientDatabaseError(busy)).toBe(true);
      holder.exec("ROLLBACK");

      writer.exec("INSERT INTO t (id) VALUES (1)");
      const duplicate = await thrown(() => writer.exec("INSERT INTO t (id) VALUES (1)"));
      expect(isTransientDatabaseError(duplicate)).toBe(false);
    } finally {
      writer.close();
      holder.close();
    }
  });

  it("node-postgres: a terminated connection is transient, a unique violation is not", async () => {
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    const victim = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    await victim.connect();
    victim.on("error", () => undefined);
    try {
      const duplicate = await thrown(() =>
        victim.query("CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (1)"),
      );
      expect((duplicate as { code?: string }).code).toBe("23505");
      expect(isTransientDatabaseError(duplicate)).toBe(false);

      const { rows } = await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
      const terminated = await thrown(() => victim.query("SELECT 1"));
      expect(isTransientDatabaseError(terminated)).toBe(true);
    } finally {
      await victim.end().catch(() => undefined);
      await admin.end();
    }
  });
});

describe("transient database errors through Prisma's PostgreSQL adapter", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("postgres");
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("a transaction whose connection was terminated is transient; a unique violation is not", async () => {
    const admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
    try {
      const terminated = await thrown(() =>
        t.db.$transaction(async (tx) => {
          const [{ pid }] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
          await admin.query("SELECT pg_terminate_backend($1)", [pid]);
          await tx.$queryRawUnsafe("SELECT 1");
        }),
      );
      expect(isTransientDatabaseError(terminated)).toBe(true);
    } finally {
      await admin.end();
    }
    await t.db.organization.create({ data: { id: "org-dup", name: "A" } });
    const duplicate = await thrown(() => t.db.organization.create({ data: { id: "org-dup", name: "B" } }));
    expect(isTransientDatabaseError(duplicate)).toBe(false);
  });
});

describe("transient database errors in their wrappings", () => {
  it.each([
    ["Prisma write conflict or deadlock", { code: "P2034" }],
    ["Prisma server closed the connection", { code: "P1017" }],
    ["driver adapter: SQLite busy (extended code)", { cause: { kind: "sqlite", extendedCode: 517 } }],
    [
      "driver adapter: connection closed",
      { name: "DriverAdapterError", cause: { kind: "ConnectionClosed" } },
    ],
    [
      "raw query error carrying a deadlock",
      { code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", code: "40P01" } } } },
    ],
    [
      "a socket reset under the client",
      new Error("write failed", {
        cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      }),
    ],
  ])("%s → transient", (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ["unique violation through the adapter", { cause: { kind: "UniqueConstraintViolation" } }],
    ["SQLite constraint (extended code 2067)", { cause: { kind: "sqlite", extendedCode: 2067 } }],
    ["Prisma record not found", { code: "P2025" }],
    ["a plain error", new Error("boom")],
    ["not an error at all", "database"],
    ["null", null],
  ])("%s → not transient", (_, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });

  it("stops at a cause cycle", () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(isTransientDatabaseError(a)).toBe(false);
  });
});
