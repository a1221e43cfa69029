import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { postgresAdminUrl } from "../../tests/setup/paths";
import { createPrismaClient, type AppDb } from "./client.server";
import { isTransientDatabaseError } from "./transient-errors";

/** Resolves to `value`, or to "timed out" after `ms` (a leaked pool makes queries wait forever). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  return Promise.race([
    promise,
    new Promise<"timed out">((r) => setTimeout(() => r("timed out"), ms).unref()),
  ]);
}

describe("a PostgreSQL connection that dies inside a transaction", () => {
  let t: TestDatabase;
  let db: AppDb;
  let admin: pg.Client;
  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    // A pool of three: without the fix the fourth dead transaction would leave no connection at all.
    db = createPrismaClient(t.url, { poolSize: 3, onIdleConnectionError: () => undefined });
    admin = new pg.Client({ connectionString: postgresAdminUrl() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.cleanup();
  });

  it("is given back to the pool: twelve such transactions on a pool of three, then queries and a disconnect", async () => {
    for (let i = 0; i < 12; i++) {
      const failure = await within(
        db
          .$transaction(async (tx) => {
            const [{ pid }] = await tx.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
            await admin.query("SELECT pg_terminate_backend($1)", [pid]);
            await tx.$queryRawUnsafe("SELECT 1");
          })
          .then(
            () => new Error("the transaction should have failed"),
            (error: unknown) => error,
          ),
        10_000,
      );
      expect(failure).not.toBe("timed out");
      expect(isTransientDatabaseError(failure)).toBe(true);
    }
    // Every later query still gets a connection, and the pool closes (nothing checked out forever).
    expect(await within(db.organization.count(), 10_000)).toBe(0);
    await db.$transaction(async (tx) => {
      await tx.organization.create({ data: { id: "org-after", name: "After" } });
    });
    expect(await db.organization.count()).toBe(1);
    expect(await within(db.$disconnect(), 10_000)).not.toBe("timed out");
  });
});
