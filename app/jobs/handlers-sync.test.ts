/** The sync job handler: full runs through the engine, one run per store across workers, deletions, resumed runs. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import type { WebhookDecision } from "../sync/platform";
import { mapMemoryOrder, syntheticOrder } from "../sync/testing/memory-source";
import { enqueueSync, enqueueWebhookEvent } from "./enqueue.server";
import { enqueueInterruptedRuns } from "./scheduler.server";
import {
  gatedSource,
  PLATFORM,
  seed,
  smallSource,
  sourceBeforeReads,
  useHandlerFixture,
} from "./testing/handlers";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  const h = useHandlerFixture(kind);
  const { t, queue, memory, worker } = h;

  it("runs a full sync job through the engine and records the run", async () => {
    const { ids } = await seed(t);
    memory({ createSource: () => smallSource() });
    const q = await queue();
    const { id } = await enqueueSync(q, { integrationId: ids[0], kind: "full", triggeredBy: "test" });
    await worker(q, "w1");
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === id));
    const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId: ids[0] } });
    expect(run).toMatchObject({ kind: "full", status: "succeeded", contactsSynced: 30, ordersSynced: 20 });
    expect(run.triggeredBy).toBe("test");
    expect(await t.db.product.count({ where: { integrationId: ids[0] } })).toBe(10);
  });

  it("fails a sync job for an unknown platform at once, with the reason visible", async () => {
    const { ids } = await seed(t);
    const q = await queue();
    const { id } = await enqueueSync(q, { integrationId: ids[0], kind: "incremental" });
    await worker(q, "w1");
    await until(async () => (await q.failedJobs()).some((j) => j.id === id));
    const job = (await q.failedJobs()).find((j) => j.id === id);
    expect(job?.attempts).toBe(1);
    expect(job?.lastError).toMatch(/cannot connect to "memory-jobs" stores/);
    // The merchant sees why nothing syncs: a failed run and the store needing attention, in words.
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: ids[0] } });
    expect(integration.status).toBe("needs_attention");
    expect(integration.statusReason).toMatch(/^Commerce Sync could not start syncing this store: /);
    const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId: ids[0] } });
    expect(run).toMatchObject({ status: "failed", kind: "incremental" });
  });

  it("never runs the same integration's sync twice at once across two workers, while two stores sync together", async () => {
    const { ids } = await seed(t, 2);
    const [a, b] = ids;
    // Each store's first read waits until the other store's sync has started: only concurrency lets both finish.
    const started = new Map<string, () => void>();
    const startedPromise = new Map<string, Promise<void>>();
    for (const id of ids) startedPromise.set(id, new Promise<void>((r) => started.set(id, r)));
    memory({
      createSource: ({ integration }) => {
        const other = integration.id === a ? b : a;
        return gatedSource(smallSource({ pageDelayMs: 5 }), async () => {
          started.get(integration.id)?.();
          await startedPromise.get(other);
        });
      },
    });
    const q1 = await queue();
    const q2 = await queue();
    for (const id of ids) {
      await enqueueSync(q1, { integrationId: id, kind: "full" });
      await enqueueSync(q1, { integrationId: id, kind: "incremental" });
      await q1.enqueue("reconcile", { integrationId: id }, { concurrencyKey: `sync:${id}` });
    }
    await worker(q1, "worker-1", 3);
    await worker(q2, "worker-2", 3);
    await until(
      async () =>
        (await t.db.syncRun.count({ where: { integrationId: { in: ids }, status: "succeeded" } })) === 6,
    );

    for (const id of ids) {
      const runs = await t.db.syncRun.findMany({
        where: { integrationId: id },
        orderBy: { startedAt: "asc" },
      });
      expect(runs).toHaveLength(3);
      expect(runs.every((r) => r.status === "succeeded")).toBe(true);
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i].startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finishedAt!.getTime());
      }
    }
  });

  it("applies a store's deletions through the engine", async () => {
    const { ids } = await seed(t);
    memory({
      handleWebhook: async (event, body): Promise<WebhookDecision> => {
        if (event.topic === "orders/delete") {
          return { action: "delete", resource: "orders", externalIds: [(body as { id: string }).id] };
        }
        return { action: "apply", resource: "orders", remote: [body], map: mapMemoryOrder };
      },
    });
    const order = syntheticOrder(3, { customerCount: 5 });
    const make = (topic: string, payload: object, receivedAt: Date) =>
      t.db.webhookEvent.create({
        data: {
          integrationId: ids[0],
          platform: PLATFORM,
          topic,
          dedupeKey: randomUUID(),
          storeKey: "s",
          resourceId: order.id,
          payload: JSON.stringify(payload),
          receivedAt,
        },
      });
    const created = await make("orders/create", order, new Date("2026-04-01T00:00:00Z"));
    const deleted = await make("orders/delete", { id: order.id }, new Date("2026-04-01T00:00:05Z"));
    const q = await queue();
    await enqueueWebhookEvent(q, created);
    await enqueueWebhookEvent(q, deleted);
    await worker(q, "w1");
    await until(
      async () => (await t.db.webhookEvent.count({ where: { id: deleted.id, status: "processed" } })) === 1,
    );
    const row = await t.db.order.findFirstOrThrow({ where: { integrationId: ids[0], externalId: order.id } });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: ids[0] } })).syncedOrders).toBe(0);
    await t.db.webhookEvent.deleteMany();
  });

  /** A customers-only run a dead worker left `running` at `at` (its heartbeat and start), with its checkpoint. */
  function deadWorkerRun(
    integrationId: string,
    kind: "full" | "incremental",
    at: Date,
    extra: { customers?: object; contactsSynced?: number } = {},
  ) {
    return t.db.syncRun.create({
      data: {
        integrationId,
        kind,
        status: "running",
        resources: JSON.stringify(["customers"]),
        ...(extra.customers
          ? {
              checkpoint: JSON.stringify({
                version: 1,
                resources: { customers: extra.customers },
                errorCount: 0,
              }),
            }
          : {}),
        ...(extra.contactsSynced === undefined ? {} : { contactsSynced: extra.contactsSynced }),
        heartbeatAt: at,
        startedAt: at,
        workerId: "dead",
      },
    });
  }

  it("resumes a run left running by a dead worker from its checkpoint", async () => {
    const { ids } = await seed(t);
    memory({ createSource: () => smallSource() });
    const stale = new Date(Date.now() - 10 * 60_000);
    const run = await deadWorkerRun(ids[0], "full", stale, {
      customers: { phase: "running", cursor: null, synced: 0, failed: 0, total: null },
    });
    const q = await queue();
    expect(await enqueueInterruptedRuns(t.db, q)).toEqual([run.id]);
    // Idempotent: a second worker starting at the same time enqueues nothing more.
    expect(await enqueueInterruptedRuns(t.db, q)).toEqual([]);
    await worker(q, "w-new");
    await until(
      async () => (await t.db.syncRun.findUniqueOrThrow({ where: { id: run.id } })).status !== "running",
    );
    const done = await t.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "succeeded", contactsSynced: 30, workerId: "w-new" });
    expect(await t.db.syncRun.count({ where: { integrationId: ids[0] } })).toBe(1);
  });

  it("a sync job on its second attempt resumes its interrupted run of the same kind instead of reading the store again", async () => {
    const { ids } = await seed(t);
    const reads: Array<string | null> = [];
    memory({
      createSource: () =>
        sourceBeforeReads(smallSource(), (resource, cursor) => {
          reads.push(`${resource}:${cursor ?? "start"}`);
        }),
    });
    const stale = new Date(Date.now() - 10 * 60_000);
    // An older interrupted incremental run of the same store, and the full run the job's first attempt opened.
    const other = await deadWorkerRun(ids[0], "incremental", new Date(stale.getTime() - 60_000), {
      customers: { phase: "running", cursor: null, synced: 0, failed: 0, total: null },
    });
    const run = await deadWorkerRun(ids[0], "full", stale, {
      customers: { phase: "running", cursor: "10", synced: 10, failed: 0, total: 30 },
      contactsSynced: 10,
    });
    const q = await queue();
    const handlers = h.handlers(q);
    const ctx = (attempt: number) => ({
      jobId: `job-${attempt}`,
      kind: "sync.full",
      attempt,
      maxAttempts: 5,
      workerId: "w-retry",
      signal: new AbortController().signal,
    });
    const outcome = await handlers["sync.full"]!(
      { integrationId: ids[0], resources: ["customers"], triggeredBy: "test" },
      ctx(2),
    );
    expect(outcome).toEqual({ runId: run.id, status: "succeeded" });
    // Read on from the checkpoint (after customer 10), not from the start.
    expect(reads).toEqual(["customers:10"]);
    const done = await t.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "succeeded", contactsSynced: 30, workerId: "w-retry" });
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("running");
    expect(await t.db.syncRun.count({ where: { integrationId: ids[0], kind: "full" } })).toBe(1);
    await t.db.syncRun.deleteMany({ where: { id: other.id } });
  });

  it("a sync job on its first attempt, or with no interrupted run of its kind, starts a new run", async () => {
    const { ids } = await seed(t);
    memory({ createSource: () => smallSource() });
    const q = await queue();
    const handlers = h.handlers(q);
    const signal = new AbortController().signal;
    const stale = new Date(Date.now() - 10 * 60_000);
    const incremental = await deadWorkerRun(ids[0], "incremental", stale);
    const outcome = (await handlers["sync.full"]!(
      { integrationId: ids[0], resources: ["customers"], triggeredBy: "test" },
      { jobId: "j", kind: "sync.full", attempt: 3, maxAttempts: 5, workerId: "w", signal },
    )) as { runId: string; status: string };
    expect(outcome.status).toBe("succeeded");
    expect(outcome.runId).not.toBe(incremental.id);
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: incremental.id } })).status).toBe("running");
    await t.db.syncRun.deleteMany({ where: { id: incremental.id } });
  });
});
