import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import type { QueueBackend } from "../jobs/backend";
import { createEmbeddedBackend } from "../jobs/embedded-backend.server";
import { enqueueSync, syncLockKey } from "../jobs/enqueue.server";
import { createPgBossBackend } from "../jobs/pgboss-backend.server";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { unreachableProblem } from "../platforms/woocommerce/webhook-pings.server";
import {
  displayStatus,
  jobNotices,
  listIntegrations,
  shownStoresNotices,
  WAITING_GRACE_MS,
} from "./integrations-view.server";
import { utcDateTime } from "../lib/utc-time";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";
import { until } from "../../tests/setup/until";

describe.each(DATABASE_KINDS)("work no worker picks up, on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  let queue: JobQueue;
  /** The organization's stores, as its pages show them. */
  const stores = () => [m.shopifyId, m.wooId];

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
    const early = await jobNotices(queue, stores(), new Date(dueAt.getTime() + WAITING_GRACE_MS - 1_000));
    expect(early.waitingJobs).toEqual([]);

    const notices = await jobNotices(queue, stores());
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
      expect((await jobNotices(queue, stores())).waitingJobs).toEqual([]);
      await left.expireLease();
      expect((await jobNotices(queue, stores())).waitingJobs).toEqual([
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
      expect((await jobNotices(queue, stores())).waitingJobs).toEqual([]);
    } finally {
      release();
      await queue.stop();
    }
  });
});

describe.each(DATABASE_KINDS)(
  "a store's notices in a queue shared with other organizations, on %s",
  (kind) => {
    let t: TestDatabase;
    let m: MerchantFixture;
    let queue: JobQueue;
    /** Jobs put in place the way a worker leaves them: through the backend the queue runs on. */
    let backend: QueueBackend;
    /** The other organization's stores. */
    let others: string[];
    const stores = () => [m.shopifyId, m.wooId];
    const integrationOf = (job: { payload: unknown }) =>
      (job.payload as { integrationId?: string }).integrationId;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      m = await seedMerchant(t.db);
      queue = await createJobQueue(t.db, { databaseUrl: t.url });
      backend =
        kind === "sqlite"
          ? createEmbeddedBackend(t.db)
          : createPgBossBackend(t.url, { maintenanceIntervalSeconds: 3600 });
      await backend.start();
      others = [m.otherIntegrationId];
      for (let i = 1; i < 5; i++) {
        const store = await t.db.integration.create({
          data: {
            organizationId: m.otherOrganizationId,
            platform: "memory",
            name: `Other store ${i}`,
            storeKey: `other-${i}-${m.otherOrganizationId}`,
          },
        });
        others.push(store.id);
      }
    });
    afterAll(async () => {
      await backend?.close();
      await queue?.close();
      await t?.cleanup();
    });

    /** Jobs enqueued from now on are strictly newer (the Job table's times are in milliseconds). */
    const afterThisMillisecond = () => new Promise((resolve) => setTimeout(resolve, 5));

    /**
     * A sync of the store that failed for good, as a worker ends it, with the error's code if it had one. `payload`
     * defaults to one naming the store; the job's lock key always does.
     */
    async function failedSync(
      integrationId: string,
      error: string,
      { payload = { integrationId }, code = null }: { payload?: object; code?: string | null } = {},
    ): Promise<void> {
      const { id } = await backend.enqueue("sync.full", payload, {
        concurrencyKey: syncLockKey(integrationId),
        maxAttempts: 1,
      });
      const claimed = await backend.claim(["sync.full"], "test-worker");
      expect(claimed?.id).toBe(id);
      expect(await backend.fail(claimed!, "test-worker", { message: error, code }, false)).toBe("failed");
    }

    it("shows a store's failed sync older than 50+ failures of another organization's stores", async () => {
      await failedSync(m.wooId, "The store refused the key (401)", { code: "woocommerce_auth" });
      await afterThisMillisecond();
      for (let i = 0; i < 55; i++) await failedSync(others[i % others.length], `Other store down ${i}`);
      // What the whole queue's newest 50 failures hold: none of this organization's.
      expect((await queue.failedJobs(50)).map(integrationOf)).not.toContain(m.wooId);

      const notices = await jobNotices(queue, stores());
      expect(notices.failedJobs).toEqual([
        {
          integrationId: m.wooId,
          kind: "sync.full",
          error: "Attempt 1/1: The store refused the key (401)",
          errorCode: "woocommerce_auth",
          finishedAt: expect.any(Date),
        },
      ]);
      const [shopify, woo] = await listIntegrations(t.db, m.organizationId, notices);
      expect(shopify.status).toBe("connected");
      expect(woo).toMatchObject({
        status: "needs_attention",
        statusReason:
          "A scheduled full sync failed before it could run: Attempt 1/1: The store refused the key (401)",
      });
    });

    it("shows a store's waiting sync queued before 500+ jobs of other stores", async () => {
      const dueAt = new Date(Date.now() - 10 * 60_000);
      await enqueueSync(queue, { integrationId: m.shopifyId, kind: "incremental", runAt: dueAt });
      await afterThisMillisecond();
      // Other stores' syncs, just as overdue (no worker runs), queued after it: a few at a time, to be quick.
      for (let i = 0; i < 510; i += 30) {
        await Promise.all(
          Array.from({ length: 30 }, (_, j) => {
            const integrationId = others[(i + j) % others.length];
            return backend.enqueue(
              "sync.incremental",
              { integrationId },
              { concurrencyKey: syncLockKey(integrationId), runAt: dueAt },
            );
          }),
        );
      }
      expect((await queue.listJobs({ status: "queued", limit: 500 })).map(integrationOf)).not.toContain(
        m.shopifyId,
      );

      const notices = await jobNotices(queue, stores());
      expect(notices.queuedSyncs).toEqual([
        { integrationId: m.shopifyId, kind: "sync.incremental", runAt: dueAt },
      ]);
      expect(notices.waitingJobs).toEqual([{ integrationId: m.shopifyId, kind: "sync.incremental", dueAt }]);
      const [shopify] = await listIntegrations(t.db, m.organizationId, notices);
      expect(shopify.status).toBe("needs_attention");
      expect(shopify.statusReason).toMatch(
        /^A sync has been waiting since .* and no background worker is running jobs/,
      );
    });

    it("never shows another organization's jobs in an organization's notices, nor reads them for its pages", async () => {
      const ours = new Set(stores());
      const a = await jobNotices(queue, stores());
      for (const notice of [...a.failedJobs, ...a.queuedSyncs, ...a.waitingJobs])
        expect(ours).toContain(notice.integrationId);
      // The other organization's jobs are there, for its own pages.
      const b = await jobNotices(queue, others);
      expect(b.failedJobs.length).toBeGreaterThan(0);
      expect(b.waitingJobs.length).toBeGreaterThan(0);
      for (const notice of [...b.failedJobs, ...b.queuedSyncs, ...b.waitingJobs])
        expect(others).toContain(notice.integrationId);

      // A page of this organization names the other organization's store: nothing of it is read.
      const foreign = await shownStoresNotices(queue, {
        db: t.db,
        organizationId: m.organizationId,
        integrationId: m.otherIntegrationId,
      });
      expect(foreign).toMatchObject({ failedJobs: [], queuedSyncs: [], waitingJobs: [] });
      const page = await shownStoresNotices(queue, {
        db: t.db,
        organizationId: m.organizationId,
        integrationId: m.wooId,
      });
      expect(page.failedJobs.map((n) => n.integrationId)).toEqual([m.wooId]);
      expect(page.queuedSyncs).toEqual([]);
      const overview = await shownStoresNotices(queue, { db: t.db, organizationId: m.organizationId });
      expect(overview.failedJobs.map((n) => n.integrationId)).toEqual([m.wooId]);
      expect(overview.queuedSyncs.map((n) => n.integrationId)).toEqual([m.shopifyId]);

      // No stores shown: no notices (not the whole queue's).
      expect(await jobNotices(queue, [])).toEqual({ failedJobs: [], waitingJobs: [], queuedSyncs: [] });
    });

    it("shows a failed sync that names its store only by its lock key, as the queue's filter selected it", async () => {
      await failedSync(m.shopifyId, "The shop is closed (423)", { payload: {} });
      // The queue's filter reads the job's store from its lock key (sync:<id>) when the payload names none.
      expect(await queue.failedJobs(50, { integrationIds: [m.shopifyId] })).toMatchObject([
        { kind: "sync.full", payload: {}, concurrencyKey: syncLockKey(m.shopifyId) },
      ]);

      const notices = await jobNotices(queue, [m.shopifyId]);
      expect(notices.failedJobs).toEqual([
        {
          integrationId: m.shopifyId,
          kind: "sync.full",
          error: "Attempt 1/1: The shop is closed (423)",
          errorCode: null,
          finishedAt: expect.any(Date),
        },
      ]);
      // The store's status from its failures alone (its sync left waiting by an earlier test would come first).
      const [shopify] = await listIntegrations(t.db, m.organizationId, { failedJobs: notices.failedJobs });
      expect(shopify).toMatchObject({
        status: "needs_attention",
        statusReason:
          "A scheduled full sync failed before it could run: Attempt 1/1: The shop is closed (423)",
      });
    });
  },
);

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
      attentionCause: "webhooks_unreachable",
    });
    // Other maintenance problems are the reconcile's to flag (a read-only key is the owner's choice).
    expect(
      displayStatus(
        { ...connected, webhookHealth: { problems: ["The store's API key is read-only"] } },
        null,
        null,
        null,
      ),
    ).toEqual({ status: "connected", statusReason: null, attentionCause: null });
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
    // Webhook deliveries wait as one drain job per store: the sentence is plural there.
    expect(displayStatus(connected, null, null, null, waiting("webhook.drain")).statusReason).toMatch(
      /^Changes sent by the store have been waiting since Dec 2, 2026, 7:31 AM UTC and no background/,
    );
    expect(
      displayStatus(connected, null, null, null, waiting("compliance.customer_redact")).statusReason,
    ).toMatch(/^A data-protection request has been waiting/);
    expect(
      displayStatus({ status: "disconnected", statusReason: "Bye" }, null, null, null, waiting("reconcile")),
    ).toEqual({ status: "disconnected", statusReason: "Bye", attentionCause: null });
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
