import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../tests/setup/db";
import { parseEnv } from "../env.server";
import { silentLogger } from "../lib/logger";
import { TEST_ENV, testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import { createMemorySource, syntheticCustomer } from "../sync/testing/memory-source";
import { enqueueSync } from "./enqueue.server";
import { jobSettingsFromEnv, startInProcessJobs, startJobRuntime } from "./runtime.server";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";

const PLATFORM = "memory-worker";

async function until(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

describe("job runtime settings", () => {
  it("come from the validated environment, with the embedded SQLite defaults, and name bad values", () => {
    const { DATABASE_URL: _omit, ...withoutDatabase } = TEST_ENV;
    const env = parseEnv(withoutDatabase);
    expect(env).toMatchObject({
      DATABASE_URL: "file:./data/dev.sqlite",
      WORKER_CONCURRENCY: 2,
      RECONCILE_INTERVAL_MINUTES: 60,
      RUN_JOBS_IN_PROCESS: true,
    });
    expect(jobSettingsFromEnv(env, "worker")).toMatchObject({
      databaseUrl: "file:./data/dev.sqlite",
      concurrency: 2,
      reconcileIntervalMinutes: 60,
      pollIntervalMs: 1_000,
      schedulerTickMs: 60_000,
      shutdownTimeoutMs: 30_000,
      exportDir: "./data/exports",
      schedule: true,
    });
    expect(jobSettingsFromEnv(env, "web").workerId).toMatch(/:web$/);
    expect(jobSettingsFromEnv(parseEnv({ ...TEST_ENV, WORKER_ID: "w-7" }), "web").workerId).toBe("w-7");
    expect(() => parseEnv({ ...TEST_ENV, FULL_RESYNC_WINDOW_UTC: "2am" })).toThrow(
      "Invalid environment: FULL_RESYNC_WINDOW_UTC must look like 02:00-04:00",
    );
    expect(() => parseEnv({ ...TEST_ENV, DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL must start with file:/,
    );
  });
});

describe("job runtime on sqlite", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
  });
  afterEach(() => {
    global.__commerceSyncInProcessJobs = undefined;
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
    const platforms = testPlatforms([
      testPlatform(PLATFORM, {
        createSource: () =>
          createMemorySource({
            platform: PLATFORM,
            customers: Array.from({ length: 5 }, (_, i) => syntheticCustomer(i)),
          }),
      }),
    ]);
    const runtime = await startJobRuntime({
      db: t.db,
      platforms,
      logger: silentLogger,
      settings: {
        ...jobSettingsFromEnv(parseEnv({ ...TEST_ENV, DATABASE_URL: t.url }), "worker"),
        workerId: "test-worker",
        pollIntervalMs: 20,
        reconcileIntervalMinutes: 5,
      },
    });
    // The scheduler's first tick finds A never synced and enqueues a reconcile; a manual full sync joins it.
    await enqueueSync(runtime.queue, { integrationId: a.id, kind: "full", triggeredBy: "merchant:test" });
    await until(
      async () => (await t.db.syncRun.count({ where: { integrationId: a.id, status: "succeeded" } })) === 2,
    );
    const runs = await t.db.syncRun.findMany({ where: { integrationId: a.id }, orderBy: { kind: "asc" } });
    expect(runs.map((r) => [r.kind, r.workerId])).toEqual([
      ["full", "test-worker"],
      ["reconcile", "test-worker"],
    ]);
    await runtime.stop();
    // Stopped: nothing claims a new job any more.
    const { id } = await enqueueSync(runtime.queue, { integrationId: a.id, kind: "incremental" });
    await new Promise((r) => setTimeout(r, 100));
    expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
  });

  it("starts no in-process runtime when RUN_JOBS_IN_PROCESS=false", async () => {
    const env = parseEnv({ ...TEST_ENV, RUN_JOBS_IN_PROCESS: "false" });
    let queueAsked = false;
    const runtime = await startInProcessJobs({
      db: t.db,
      platforms: testPlatforms([]),
      logger: silentLogger,
      env,
      queue: async () => {
        queueAsked = true;
        throw new Error("no queue expected");
      },
    });
    expect(runtime).toBeNull();
    expect(queueAsked).toBe(false);
  });
});
