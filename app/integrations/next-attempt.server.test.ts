/**
 * What a store's status says comes next after a sync that could not read everything: the failure's own words end
 * "Commerce Sync will try again later.", which was true of nothing in particular. A partial sync is not retried (its
 * job succeeded): the next scheduled check reads again, or nothing does when checks are off. A failed sync's job is
 * retried a few times by the queue, so its retry's time is said.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { enqueueSync } from "../jobs/enqueue.server";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { utcDateTime } from "../lib/utc-time";
import { getIntegration, jobNotices, listIntegrations } from "./integrations-view.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";
import { until } from "../../tests/setup/until";

const READ_FAILURE = "The store had an error (503) while reading orders. Commerce Sync will try again later.";
const HOURLY = { reconcileIntervalMinutes: 60 };

describe.each(DATABASE_KINDS)("what a store's status says comes next, on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  let queue: JobQueue;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    m = await seedMerchant(t.db);
    queue = await createJobQueue(t.db, { databaseUrl: t.url });
  });
  afterAll(async () => {
    await queue?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.syncRun.deleteMany({ where: { integrationId: m.wooId } });
    await t.db.integration.update({ where: { id: m.wooId }, data: { settings: {} } });
  });

  /** A run that ended as the engine ends one whose orders could not be read, and the store's status it leaves. */
  async function recordRun(status: "partial" | "failed", startedAt: Date) {
    await t.db.syncRun.create({
      data: {
        integrationId: m.wooId,
        kind: "incremental",
        status,
        resources: ["customers", "orders", "products"],
        startedAt,
        finishedAt: new Date(startedAt.getTime() + 5_000),
        errorMessage: `A store read failed: ${READ_FAILURE}`,
      },
    });
    await t.db.integration.update({
      where: { id: m.wooId },
      data: { status: "needs_attention", statusReason: `A store read failed: ${READ_FAILURE}` },
    });
  }

  const reasonOnOverview = async (now: Date) => {
    const stores = await listIntegrations(t.db, m.organizationId, {
      ...(await jobNotices(queue, [m.shopifyId, m.wooId], now)),
      scheduleDefaults: HOURLY,
      now,
    });
    return stores.find((s) => s.id === m.wooId)!.statusReason;
  };

  it("a partly finished sync: the next scheduled check, in UTC", async () => {
    const startedAt = new Date("2026-12-02T09:10:00Z");
    await recordRun("partial", startedAt);
    expect(await reasonOnOverview(new Date("2026-12-02T09:20:00Z"))).toBe(
      "A store read failed: The store had an error (503) while reading orders. Commerce Sync tries again at the " +
        `next scheduled check, ${utcDateTime("2026-12-02T10:10:00Z")}.`,
    );
  });

  it("with automatic syncs off: use Sync now (on the store's page, when read elsewhere)", async () => {
    await recordRun("partial", new Date("2026-12-02T09:10:00Z"));
    await t.db.integration.update({
      where: { id: m.wooId },
      data: { settings: { reconcileIntervalMinutes: 0 } },
    });
    const now = new Date("2026-12-02T09:20:00Z");
    const off = "Automatic syncs are off for this store, so nothing tries again on its own: use Sync now";
    expect(await reasonOnOverview(now)).toBe(
      `A store read failed: The store had an error (503) while reading orders. ${off} on the store's page.`,
    );
    const store = await getIntegration(t.db, m.organizationId, m.wooId, {
      ...(await jobNotices(queue, [m.shopifyId, m.wooId], now)),
      scheduleDefaults: HOURLY,
      now,
    });
    expect(store.statusReason).toBe(
      `A store read failed: The store had an error (503) while reading orders. ${off}.`,
    );
  });

  it("a failed sync whose job the queue retries: the retry's time; once retries are spent, the next check", async () => {
    let failedAt = new Date();
    await queue.work(
      {
        "sync.incremental": async () => {
          failedAt = new Date();
          await recordRun("failed", failedAt);
          throw new Error(`Sync run failed: ${READ_FAILURE}`);
        },
      },
      { workerId: "test-worker", concurrency: 1, pollIntervalMs: 20 },
    );
    try {
      await enqueueSync(queue, { integrationId: m.wooId, kind: "incremental" });
      await until(async () =>
        (await queue.listJobs({ status: "queued", limit: 5 })).some((j) => j.attempts >= 1),
      );
    } finally {
      await queue.stop();
    }
    const [retry] = (await queue.listJobs({ status: "queued", limit: 5 })).filter((j) => j.attempts >= 1);
    // RETRY.sync: the first retry a minute after the failed attempt.
    expect(retry.runAt.getTime()).toBeGreaterThan(Date.now());
    const now = new Date();
    expect(await reasonOnOverview(now)).toBe(
      "A store read failed: The store had an error (503) while reading orders. Commerce Sync tries again at " +
        `${utcDateTime(retry.runAt)}.`,
    );
    // Its attempts spent, the job is gone from the queue: the scheduler's next check is what comes.
    if (kind === "sqlite") await t.db.job.deleteMany({ where: { kind: "sync.incremental" } });
    else await t.db.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE name = 'sync.incremental'`);
    expect(await reasonOnOverview(now)).toBe(
      "A store read failed: The store had an error (503) while reading orders. Commerce Sync tries again at the " +
        `next scheduled check, ${utcDateTime(new Date(failedAt.getTime() + 3600_000))}.`,
    );
  });
});
