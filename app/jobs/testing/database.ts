/**
 * `createTestDatabase` with a few retries: on a shared machine another `vitest run` may be re-creating the PostgreSQL
 * template at the moment we clone it ("source database … is being accessed by other users").
 */
import { createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import type { DatabaseKind } from "../../db/database-url";
import { createJobQueue, type JobQueue } from "../queue.server";

export async function createJobsTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createTestDatabase(kind);
    } catch (error) {
      if (attempt >= 10 || !/being accessed by other users|does not exist/.test((error as Error).message))
        throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/**
 * Job queues on a test database, as the handler and scheduler tests run them (short leases, quick busy retries,
 * pg-boss maintenance every 5 s), each remembered so `closeAll` (afterEach) stops them.
 */
export function testQueues(database: () => TestDatabase) {
  const open: JobQueue[] = [];
  return {
    async open(): Promise<JobQueue> {
      const t = database();
      const q = await createJobQueue(t.db, {
        databaseUrl: t.url,
        leaseMs: 2_000,
        busyRetryDelayMs: 30,
        pgBoss: { maintenanceIntervalSeconds: 5 },
      });
      open.push(q);
      return q;
    },
    async closeAll() {
      for (const q of open.splice(0)) await q.close();
    },
  };
}
