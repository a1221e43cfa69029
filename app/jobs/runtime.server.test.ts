import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../tests/setup/db";
import { createJobsTestDatabase as createTestDatabase } from "../app/jobs/testing/database";
import { enqueueSync } from "../app/jobs/handlers.server";
import { registerSourceFactory, unregisterSourceFactory } from "../app/sync/sources.server";
import { createMemorySource, syntheticCustomer } from "../app/sync/testing/memory-source";
import { parseWorkerEnv, startInProcessWorker, startWorker } from "./index";

const PLATFORM = "memory-worker";

async function until(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

describe("worker environment", () => {
  it("defaults to the embedded SQLite database and names bad values", () => {
    const env = parseWorkerEnv({});
    expect(env).toMatchObject({
      DATABASE_URL: "file:./data/dev.sqlite",
      WORKER_CONCURRENCY: 2,
      RECONCILE_INTERVAL_MINUTES: 60,
      RUN_JOBS_IN_PROCESS: true,
    });
    expect(() => parseWorkerEnv({ FULL_RESYNC_WINDOW_UTC: "2am" })).toThrow(
      "Invalid environment: FULL_RESYNC_WINDOW_UTC must look like 02:00-04:00",
    );
    expect(() => parseWorkerEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must start with file:/);
  });
});

describe("worker on sqlite", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
  });
  afterEach(() => {
    unregisterSourceFactory(PLATFORM);
    delete process.env.RUN_JOBS_IN_PROCESS;
    global.__commerceSyncInProcessWorker = undefined;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("runs queued syncs and scheduled reconciles, then stops gracefully", async () => {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const a = await t.db.integration.create({
      data: { organizationId, platform: PLATFORM, name: "A", storeKey: `a-${organizationId}` },
    });
    registerSourceFactory(PLATFORM, () =>
      createMemorySource({
        platform: PLATFORM,
        customers: Array.from({ length: 5 }, (_, i) => syntheticCustomer(i)),
      }),
    );
    const worker = await startWorker({
      db: t.db,
      workerId: "test-worker",
      pollIntervalMs: 20,
      reconcileIntervalMinutes: 5,
      logger: () => {},
    });
    // The scheduler's first tick finds A never synced and enqueues a reconcile; a manual full sync joins it.
    await enqueueSync(worker.queue, a.id, { full: true, triggeredBy: "merchant:test" });
    await until(
      async () => (await t.db.syncRun.count({ where: { integrationId: a.id, status: "succeeded" } })) === 2,
    );
    const runs = await t.db.syncRun.findMany({ where: { integrationId: a.id }, orderBy: { kind: "asc" } });
    expect(runs.map((r) => [r.kind, r.workerId])).toEqual([
      ["full", "test-worker"],
      ["reconcile", "test-worker"],
    ]);
    await worker.stop();
    // Stopped: nothing claims a new job any more.
    const { id } = await enqueueSync(worker.queue, a.id);
    await new Promise((r) => setTimeout(r, 100));
    expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
  });

  it("starts no in-process worker when RUN_JOBS_IN_PROCESS=false", async () => {
    process.env.RUN_JOBS_IN_PROCESS = "false";
    expect(await startInProcessWorker(t.db)).toBeNull();
  });
});
