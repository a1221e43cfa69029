import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { createRateLimitCounters } from "../db/rate-limit-counters.server";
import type { LogLevel } from "../lib/logger";
import type { JobQueue } from "./queue.server";
import { schedulerTick, startScheduler } from "./scheduler.server";
import { createJobsTestDatabase, testQueues } from "./testing/database";
import { PermanentJobError, type JobHandler, type JobStatus, type SyncJobPayload } from "./types";

async function until(check: () => Promise<boolean>, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

describe.each(DATABASE_KINDS)("scheduler's once-per-slot check on %s", (kind) => {
  let t: TestDatabase;
  const queues = testQueues(() => t);

  beforeAll(async () => {
    t = await createJobsTestDatabase(kind);
  });
  afterEach(() => queues.closeAll());
  afterAll(async () => {
    await t?.cleanup();
  });

  async function seedStores(names: string[]): Promise<string[]> {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const ids: string[] = [];
    for (const name of names) {
      const row = await t.db.integration.create({
        data: { organizationId, platform: "memory-scheduler", name, storeKey: `${name}-${organizationId}` },
      });
      ids.push(row.id);
    }
    return ids;
  }

  /** The jobs of `jobKind` by store (one each expected): id, state, attempts and when it runs next. */
  async function jobsByStore(q: JobQueue, jobKind: string) {
    const jobs = await q.listJobs({ kinds: [jobKind], limit: 100 });
    return new Map(
      jobs.map((j) => [
        (j.payload as SyncJobPayload).integrationId,
        { id: j.id, status: j.status, attempts: j.attempts, runAt: j.runAt.getTime() },
      ]),
    );
  }

  /** Waits until each store's job of `jobKind` has run once and is in the given state. */
  async function settled(q: JobQueue, jobKind: string, expected: Record<string, JobStatus>) {
    await until(async () => {
      const jobs = await jobsByStore(q, jobKind);
      return Object.entries(expected).every(([id, status]) => {
        const job = jobs.get(id);
        return job?.status === status && job.attempts >= 1;
      });
    });
  }

  it("counts a slot's job in every state: a reconcile or nightly re-sync that succeeded, failed or waits to be retried is not enqueued again in its slot", async () => {
    const [ok, broken, flaky] = await seedStores(["ok", "broken", "flaky"]);
    const q = await queues.open();
    // The jobs end without a sync run (as a job that fails before creating one): only the queue remembers the slot.
    const run: JobHandler<SyncJobPayload> = async ({ integrationId }) => {
      if (integrationId === broken) throw new PermanentJobError("The store refused the request");
      // Retried after the reconcile's or nightly re-sync's backoff (a minute or more): waits through this test.
      if (integrationId === flaky) throw new Error("The store timed out");
    };
    await q.work(
      { reconcile: run, "sync.full": run },
      { workerId: "w1", concurrency: 3, pollIntervalMs: 20 },
    );
    let now = new Date("2026-05-10T01:10:00Z");
    const options = { reconcileIntervalMinutes: 60, fullResyncWindowUtc: "02:00-04:00", now: () => now };
    const nothing = {
      reconcile: [],
      fullResync: [],
      resumed: [],
      webhookEventsPruned: 0,
      rateLimitCountersPruned: 0,
    };

    let tick = await schedulerTick(t.db, q, options);
    expect(tick.reconcile.sort()).toEqual([ok, broken, flaky].sort());
    const afterRun: Record<string, JobStatus> = { [ok]: "succeeded", [broken]: "failed", [flaky]: "queued" };
    await settled(q, "reconcile", afterRun);
    const reconciles = await jobsByStore(q, "reconcile");

    // Same slot, no sync run recorded: the finished and the retrying jobs still count, nothing is added or moved.
    now = new Date("2026-05-10T01:50:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick).toEqual(nothing);
    expect(await q.listJobs({ kinds: ["reconcile"], limit: 100 })).toHaveLength(3);
    expect(await jobsByStore(q, "reconcile")).toEqual(reconciles);

    // The nightly window: one full re-sync each, and no reconcile while it has not run.
    now = new Date("2026-05-10T02:30:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync.sort()).toEqual([ok, broken, flaky].sort());
    expect(tick.reconcile).toEqual([]);
    await settled(q, "sync.full", afterRun);

    // Same window: the full re-syncs that ended are found, so they are not enqueued again and the reconciles go on;
    // the one waiting for its retry still holds the store's reconcile back.
    now = new Date("2026-05-10T02:45:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync).toEqual([]);
    expect(tick.reconcile.sort()).toEqual([ok, broken].sort());
    expect(await q.listJobs({ kinds: ["sync.full"], limit: 100 })).toHaveLength(3);
    now = new Date("2026-05-10T03:00:00Z");
    expect((await schedulerTick(t.db, q, options)).fullResync).toEqual([]);
  });

  it("deletes the connect rate-limit counters whose window has ended at every tick, says how many, and keeps the live ones", async () => {
    let now = new Date("2026-05-10T01:10:00Z");
    const counters = createRateLimitCounters(t.db, { now: () => now });
    for (let i = 0; i < 7; i++) await counters.increment(`connect-ip:ended-${i}`, 60_000);
    await counters.increment("connect-org:live", 3600_000);
    await counters.increment("connect-org:live", 3600_000);
    const q = await queues.open();
    const options = { reconcileIntervalMinutes: 0, pruneWebhookEvents: false, now: () => now };

    // Still inside every window: nothing goes.
    expect((await schedulerTick(t.db, q, options)).rateLimitCountersPruned).toBe(0);
    now = new Date(now.getTime() + 60_000);
    expect((await schedulerTick(t.db, q, options)).rateLimitCountersPruned).toBe(7);
    expect(await t.db.$queryRawUnsafe(`SELECT "key" FROM "RateLimitCounter"`)).toEqual([
      { key: "connect-org:live" },
    ]);
    // The live window counts on from where it was.
    expect((await counters.increment("connect-org:live", 3600_000)).count).toBe(3);

    // The running scheduler logs the figure.
    for (let i = 0; i < 3; i++) await counters.increment(`connect-ip:later-${i}`, 1_000);
    now = new Date(now.getTime() + 1_000);
    const logged: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }> = [];
    const scheduler = startScheduler(t.db, q, {
      ...options,
      tickMs: 3600_000,
      logger: (level, message, fields) => logged.push({ level, message, fields }),
    });
    await scheduler.stop();
    expect(logged).toEqual([
      {
        level: "info",
        message: "Pruned old webhook deliveries and ended rate-limit counters",
        fields: { webhookEventsPruned: 0, rateLimitCountersPruned: 3 },
      },
    ]);
  });
});
