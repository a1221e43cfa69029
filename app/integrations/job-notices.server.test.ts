import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { enqueueSync } from "../jobs/enqueue.server";
import { createPgBossBackend } from "../jobs/pgboss-backend.server";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { unreachableProblem } from "../platforms/woocommerce/webhook-pings.server";
import { displayStatus, jobNotices, listIntegrations, WAITING_GRACE_MS } from "./integrations-view.server";
import { utcDateTime } from "../lib/utc-time";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";
import { until } from "../../tests/setup/until";

describe.each(DATABASE_KINDS)("work no worker picks up, on %s", (kind) => {
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

  it("puts the store whose sync waits in needs attention, saying why and what to do, once the grace is over", async () => {
    const dueAt = new Date(Date.now() - 10 * 60_000);
    await enqueueSync(queue, { integrationId: m.wooId, kind: "incremental", runAt: dueAt });

    // Due for less than the grace: a worker may just be about to take it.
    const early = await jobNotices(queue, new Date(dueAt.getTime() + WAITING_GRACE_MS - 1_000));
    expect(early.waitingJobs).toEqual([]);

    const notices = await jobNotices(queue);
    expect(notices.waitingJobs).toEqual([{ integrationId: m.wooId, kind: "sync.incremental", dueAt }]);
    const [shopify, woo] = await listIntegrations(t.db, m.organizationId, notices);
    expect(shopify.status).toBe("connected");
    expect(woo).toMatchObject({ status: "needs_attention" });
    expect(woo.statusReason).toBe(
      `A sync has been waiting since ${utcDateTime(dueAt)} and no background ` +
        "worker is running jobs, so nothing syncs. Whoever runs Commerce Sync: start the worker (npm run worker), or set " +
        "RUN_JOBS_IN_PROCESS=true on the web app.",
    );
  });

  it("says a run whose worker stopped beating has stopped, until a worker carries it on", async () => {
    // The store's first sync (the fixture's) finished an hour ago; this run started after it.
    await t.db.syncRun.updateMany({
      where: { integrationId: m.shopifyId },
      data: { startedAt: new Date(Date.now() - 3600_000) },
    });
    const startedAt = new Date(Date.now() - 20 * 60_000);
    const run = await t.db.syncRun.create({
      data: {
        integrationId: m.shopifyId,
        kind: "full",
        status: "running",
        resources: JSON.stringify(["orders"]),
        startedAt,
        heartbeatAt: new Date(Date.now() - 5 * 60_000),
        workerId: "killed-worker",
      },
    });
    try {
      const [shopify] = await listIntegrations(t.db, m.organizationId);
      expect(shopify.status).toBe("needs_attention");
      expect(shopify.statusReason).toBe(
        `The sync started ${utcDateTime(startedAt)} stopped before it finished (its worker stopped, or lost the ` +
          "database) and has not resumed yet. It carries on from where it stopped when a worker picks it up; if " +
          "this lasts, check that a worker runs (npm run worker, or the web app with RUN_JOBS_IN_PROCESS=true).",
      );
      expect(shopify.activeRun).toBeNull();
      // A newer run that finished supersedes it (a run left behind for good says nothing about the store now).
      const newer = await t.db.syncRun.create({
        data: {
          integrationId: m.shopifyId,
          kind: "incremental",
          status: "succeeded",
          resources: JSON.stringify(["orders"]),
          startedAt: new Date(startedAt.getTime() + 60_000),
          finishedAt: new Date(startedAt.getTime() + 120_000),
          heartbeatAt: new Date(startedAt.getTime() + 120_000),
        },
      });
      expect((await listIntegrations(t.db, m.organizationId))[0].status).toBe("connected");
      await t.db.syncRun.delete({ where: { id: newer.id } });
      // A worker picks it up: its heartbeat is fresh again, and the store is syncing.
      await t.db.syncRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date() } });
      expect((await listIntegrations(t.db, m.organizationId))[0].status).toBe("syncing");
    } finally {
      await t.db.syncRun.delete({ where: { id: run.id } });
    }
  });

  it("a job left running by a worker that stopped (its lease ran out) does not hide the waiting work", async () => {
    await clearQueuedSyncs(); // the first test's waiting sync
    const dueAt = new Date(Date.now() - 10 * 60_000);
    await enqueueSync(queue, { integrationId: m.wooId, kind: "incremental", runAt: dueAt });
    // A reconcile claimed by a worker that was then killed: its lease still runs for a moment.
    const left = await leaveRunningJob();
    try {
      // Its lease still running: a worker may be alive, and nothing is said.
      expect((await jobNotices(queue)).waitingJobs).toEqual([]);
      await left.expireLease();
      expect((await jobNotices(queue)).waitingJobs).toEqual([
        { integrationId: m.wooId, kind: "sync.incremental", dueAt },
      ]);
    } finally {
      await left.remove();
    }
  });

  /** Waiting syncs of the earlier tests, gone. */
  async function clearQueuedSyncs() {
    if (kind === "sqlite") await t.db.job.deleteMany({ where: { kind: "sync.incremental" } });
    else await pg(`DELETE FROM pgboss.job WHERE name = 'sync.incremental'`);
  }

  /** A reconcile job claimed by a worker that died: running, under a lease of a minute from now. */
  async function leaveRunningJob(): Promise<{ expireLease(): Promise<void>; remove(): Promise<void> }> {
    if (kind === "sqlite") {
      const row = await t.db.job.create({
        data: {
          kind: "reconcile",
          payload: JSON.stringify({ data: { integrationId: m.shopifyId } }),
          status: "running",
          runAt: new Date(Date.now() - 20 * 60_000),
          attempts: 1,
          maxAttempts: 2,
          lockedBy: "killed-host:12345",
          lockedUntil: new Date(Date.now() + 60_000),
        },
      });
      return {
        expireLease: async () =>
          void (await t.db.job.update({
            where: { id: row.id },
            data: { lockedUntil: new Date(Date.now() - 5 * 60_000) },
          })),
        remove: async () => void (await t.db.job.delete({ where: { id: row.id } })),
      };
    }
    // pg-boss: another worker's backend claims it and is gone (closed without finishing or renewing).
    const dead = createPgBossBackend(t.url, { leaseSeconds: 60, maintenanceIntervalSeconds: 3600 });
    await dead.start();
    await dead.enqueue("reconcile", { integrationId: m.shopifyId }, { maxAttempts: 2 });
    const job = await dead.claim(["reconcile"], "killed-host:12345");
    await dead.close();
    expect(job).not.toBeNull();
    return {
      // Claimed five minutes ago with a one-minute lease (PostgreSQL's clock, as pg-boss reads it).
      expireLease: () =>
        pg(`UPDATE pgboss.job SET started_on = now() - interval '5 minutes' WHERE id = $1`, job!.id),
      remove: () => pg(`DELETE FROM pgboss.job WHERE id = $1`, job!.id),
    };
  }

  async function pg(text: string, ...values: unknown[]): Promise<void> {
    await t.db.$executeRawUnsafe(text, ...values);
  }

  it("says nothing while a worker is alive but busy: some job is running", async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    await queue.work(
      { reconcile: async () => void (await blocked) },
      { workerId: "busy-worker", concurrency: 1, pollIntervalMs: 20 },
    );
    try {
      await enqueueSync(queue, { integrationId: m.shopifyId, kind: "reconcile" });
      await until(async () => (await queue.listJobs({ status: "running", limit: 1 })).length === 1);
      // The WooCommerce store's sync is still overdue (this worker takes only reconciles), yet a job is running.
      expect((await queue.listJobs({ status: "queued", limit: 10 })).map((j) => j.kind)).toContain(
        "sync.incremental",
      );
      expect((await jobNotices(queue)).waitingJobs).toEqual([]);
    } finally {
      release();
      await queue.stop();
    }
  });
});

describe("status of a store with work no worker picks up", () => {
  const connected = { status: "connected", statusReason: null };
  const waiting = (kind: string) => ({
    integrationId: "i",
    kind,
    dueAt: new Date("2026-12-02T07:31:40Z"),
  });

  it("a store that cannot reach the app's webhook address needs attention, whatever the last sync did", () => {
    const unreachable = unreachableProblem("http://10.0.0.5:3000/api/webhooks/woocommerce?integration=i");
    const row = { ...connected, webhookHealth: { healthy: [], repaired: [], problems: [unreachable] } };
    expect(displayStatus(row, null, null, null)).toEqual({
      status: "needs_attention",
      statusReason: unreachable,
    });
    // Other maintenance problems are the reconcile's to flag (a read-only key is the owner's choice).
    expect(
      displayStatus(
        { ...connected, webhookHealth: { problems: ["The store's API key is read-only"] } },
        null,
        null,
        null,
      ),
    ).toEqual({ status: "connected", statusReason: null });
    expect(
      displayStatus({ ...row, status: "disconnected", statusReason: "Bye" }, null, null, null).status,
    ).toBe("disconnected");
  });

  it("names the work that waits, and a disconnected store or a live run comes first", () => {
    expect(displayStatus(connected, null, null, null, waiting("reconcile")).statusReason).toMatch(
      /^A scheduled check for changes has been waiting since Dec 2, 2026, 7:31 AM UTC and no background/,
    );
    expect(displayStatus(connected, null, null, null, waiting("webhook.process")).statusReason).toMatch(
      /^A change sent by the store has been waiting/,
    );
    expect(
      displayStatus(connected, null, null, null, waiting("compliance.customer_redact")).statusReason,
    ).toMatch(/^A data-protection request has been waiting/);
    expect(
      displayStatus({ status: "disconnected", statusReason: "Bye" }, null, null, null, waiting("reconcile")),
    ).toEqual({ status: "disconnected", statusReason: "Bye" });
    // The stored reason of a store that needs attention gives way: nothing can be fixed until jobs run.
    expect(
      displayStatus(
        { status: "needs_attention", statusReason: "Key revoked" },
        null,
        null,
        null,
        waiting("sync.full"),
      ).statusReason,
    ).toMatch(/^A full sync has been waiting/);
  });
});
