/**
 * When the app's own database refuses writes for a while (busy, restarted, connection dropped), a sync run and a
 * webhook's records must be retried as a whole — never recorded as bad records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import type { AppDb } from "../db/client.server";
import { applyRecords } from "./apply.server";
import { runSync } from "./engine.server";
import { DatabaseUnavailableError } from "./errors";
import { createMemorySource, generated, mapMemoryCustomer, syntheticCustomer } from "./testing/memory-source";
import { seedOrganization } from "./testing/fixtures";

/** better-sqlite3's error for a write that found the database locked, as the writer's direct path throws it. */
function databaseIsLocked(): Error {
  return Object.assign(new Error("database is locked"), { name: "SqliteError", code: "SQLITE_BUSY" });
}

/** `db` whose `$transaction` calls number `from`..`to` (1-based) fail as a locked database would. */
function flaky(db: AppDb, from: number, to: number): { db: AppDb; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === "$transaction") {
        return (...args: unknown[]) => {
          calls += 1;
          if (calls >= from && calls <= to) return Promise.reject(databaseIsLocked());
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxy, calls: () => calls };
}

const customers = (n: number) =>
  createMemorySource({ pageSize: 100, customers: generated(n, (i) => syntheticCustomer(i)) });

describe.each(DATABASE_KINDS)("the app's database refusing writes for a while, on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([
    // The 4th page's transaction fails once; the write that leaves the run resumable goes through.
    { window: [4, 4], heartbeat: "reset" },
    // 40 transactions fail: before, the engine then wrote the page record by record and recorded 100 "bad"
    // records; now the run is left as it is, and its heartbeat goes stale by itself.
    { window: [4, 43], heartbeat: "left to go stale" },
  ] as const)(
    "stops a sync run at its last committed page (heartbeat $heartbeat), records no bad record, and the retry completes it",
    async ({ window, heartbeat }) => {
      await t.db.organization.deleteMany();
      const {
        integrationIds: [integrationId],
      } = await seedOrganization(t.db);
      const { db } = flaky(t.db, window[0], window[1]);
      const failure = await runSync(db, { integrationId, kind: "full", source: customers(1_000) }).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DatabaseUnavailableError);
      expect((failure as DatabaseUnavailableError).code).toBe("database_unavailable");
      expect((failure as Error).message).toMatch(/database is locked.*resumes from its last saved page/);

      const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId } });
      expect(run).toMatchObject({ status: "running", contactsSynced: 300, contactsFailed: 0 });
      if (heartbeat === "reset") expect(run.heartbeatAt?.getTime()).toBe(0);
      else expect(run.heartbeatAt?.getTime()).toBeGreaterThan(0);
      expect(run.errors).toEqual([]);
      expect(await t.db.contact.count()).toBe(300);
      const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
      expect(integration.status).not.toBe("needs_attention");

      const resumed = await runSync(t.db, {
        integrationId,
        kind: "full",
        runId: run.id,
        source: customers(1_000),
      });
      expect(resumed).toMatchObject({ runId: run.id, status: "succeeded", errorCount: 0 });
      expect(resumed.resources.customers).toMatchObject({ synced: 1_000, failed: 0 });
      expect(await t.db.contact.count()).toBe(1_000);
    },
  );

  it("fails a webhook's batch as a whole (for the job to retry), not record by record", async () => {
    await t.db.organization.deleteMany();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const remote = Array.from({ length: 5 }, (_, i) => syntheticCustomer(i));
    const { db, calls } = flaky(t.db, 1, 3);
    await expect(
      applyRecords(db, { integrationId, resource: "customers", remote, map: mapMemoryCustomer }),
    ).rejects.toThrow("database is locked");
    // One transaction for the batch, then nothing: no per-record attempts that would mark records failed.
    expect(calls()).toBe(1);
    expect(await t.db.contact.count()).toBe(0);

    const outcomes = await applyRecords(t.db, {
      integrationId,
      resource: "customers",
      remote,
      map: mapMemoryCustomer,
    });
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill("applied"));
    expect(await t.db.contact.count()).toBe(5);
  });
});
