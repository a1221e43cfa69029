/**
 * A sync job that failed before it could run, as the store's status tells it: the queue keeps the error's code beside
 * its message (both backends), the notices carry it, and the status's cause, and so whether Reconnect is offered,
 * follows from it. A job the queue failed because its worker stopped (JOB_WORKER_LOST) is the worker's, not the store's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { until } from "../../tests/setup/until";
import { syncLockKey } from "../jobs/enqueue.server";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { createEmbeddedBackend } from "../jobs/embedded-backend.server";
import { createPgBossBackend } from "../jobs/pgboss-backend.server";
import { JOB_WORKER_LOST, PermanentJobError, type SyncJobPayload } from "../jobs/types";
import { reconnectMayHelp } from "../lib/attention-cause";
import { AppError } from "../lib/errors";
import { workerLostReason } from "./display-status";
import { jobNotices, listIntegrations } from "./integrations-view.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

describe.each(DATABASE_KINDS)("a failed sync job's error code in the store's status, on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  let queue: JobQueue;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    m = await seedMerchant(t.db);
    queue = await createJobQueue(t.db, { databaseUrl: t.url, pgBoss: { maintenanceIntervalSeconds: 5 } });
  });
  afterAll(async () => {
    await queue?.close();
    await t?.cleanup();
  });

  it("says a store that did not answer is unavailable (no Reconnect) and a refused key is the store's (Reconnect)", async () => {
    // The WooCommerce store timed out; the Shopify shop refused the app's access (wrapped: retrying cannot help).
    const errors: Record<string, () => Error> = {
      [m.wooId]: () =>
        new AppError(
          "woocommerce_timeout",
          "The store did not answer in time. Commerce Sync will try again later.",
        ),
      [m.shopifyId]: () =>
        new PermanentJobError("Shopify refused the app's access token (401).", {
          cause: new AppError("shopify_access_revoked", "Shopify refused the app's access token (401)."),
        }),
    };
    for (const integrationId of [m.wooId, m.shopifyId])
      await queue.enqueue(
        "sync.full",
        { integrationId },
        { concurrencyKey: syncLockKey(integrationId), maxAttempts: 1 },
      );
    await queue.work(
      {
        "sync.full": async ({ integrationId }: SyncJobPayload) => {
          throw errors[integrationId]();
        },
      },
      { workerId: "w", pollIntervalMs: 20 },
    );
    const stores = [m.shopifyId, m.wooId];
    await until(async () => (await jobNotices(queue, stores)).failedJobs.length === 2);
    await queue.stop();

    const { failedJobs } = await jobNotices(queue, stores);
    expect(Object.fromEntries(failedJobs.map((n) => [n.integrationId, n.errorCode]))).toEqual({
      [m.wooId]: "woocommerce_timeout",
      [m.shopifyId]: "shopify_access_revoked",
    });
    const [shopify, woo] = await listIntegrations(t.db, m.organizationId, { failedJobs });
    expect(woo).toMatchObject({ status: "needs_attention", attentionCause: "store_unavailable" });
    // The merchant reads the message alone, never the code.
    expect(woo.statusReason).toBe(
      "A scheduled full sync failed before it could run: Attempt 1/1: AppError: The store did not answer in time. " +
        "Commerce Sync will try again later.",
    );
    expect(reconnectMayHelp(woo.attentionCause)).toBe(false);
    expect(shopify).toMatchObject({ status: "needs_attention", attentionCause: "store" });
    expect(shopify.statusReason).not.toContain("shopify_access_revoked");
    expect(reconnectMayHelp(shopify.attentionCause)).toBe(true);
  });

  it("says a sync whose worker stopped on its last attempt stopped with the worker, and offers no Reconnect", async () => {
    // A worker claims the WooCommerce store's full sync, on its only attempt, and is killed: no renewals, no outcome.
    const leaseMs = 1_000;
    const dead =
      kind === "sqlite"
        ? createEmbeddedBackend(t.db, { leaseMs })
        : createPgBossBackend(t.url, { leaseSeconds: leaseMs / 1000, maintenanceIntervalSeconds: 1 });
    try {
      await dead.start();
      const { id } = await dead.enqueue(
        "sync.full",
        { integrationId: m.wooId },
        { concurrencyKey: syncLockKey(m.wooId), maxAttempts: 1 },
      );
      expect(await dead.claim(["sync.full"], "killed-host:4242")).toMatchObject({ id, attempt: 1 });
      // The lease runs out; the next claim anywhere (SQLite) or pg-boss's maintenance (PostgreSQL) fails the job.
      await until(
        async () => {
          if (kind === "sqlite") await dead.claim(["sync.full"], "another-worker");
          return (await queue.failedJobs(10)).some((j) => j.id === id);
        },
        { timeoutMs: 20_000, everyMs: 200 },
      );
    } finally {
      await dead.close();
    }

    const { failedJobs } = await jobNotices(queue, [m.wooId]);
    const notice = failedJobs.find((n) => n.errorCode === JOB_WORKER_LOST);
    expect(notice).toMatchObject({ integrationId: m.wooId, kind: "sync.full" });
    const [, woo] = await listIntegrations(t.db, m.organizationId, { failedJobs });
    expect(woo).toEqual(
      expect.objectContaining({
        status: "needs_attention",
        statusReason: workerLostReason("sync.full"),
        attentionCause: "worker_stopped",
      }),
    );
    expect(reconnectMayHelp(woo.attentionCause)).toBe(false);
  });
});
