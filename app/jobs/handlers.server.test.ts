import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { createJobsTestDatabase as createTestDatabase, testQueues } from "./testing/database";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import type { Platforms, StorePlatform, WebhookDecision } from "../sync/platform";
import {
  createMemorySource,
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
  type MemoryCustomer,
  type MemoryOrder,
} from "../sync/testing/memory-source";
import type { Resource, SyncSource } from "../sync/types";
import { enqueueCompliance, enqueueSync, enqueueWebhookEvent } from "./enqueue.server";
import { createJobHandlers } from "./handlers.server";
import type { JobQueue } from "./queue.server";
import { drainWebhookEvents } from "./webhook-drain.server";
import { enqueueInterruptedRuns, schedulerTick } from "./scheduler.server";

const PLATFORM = "memory-jobs";
const FAST = { pollIntervalMs: 20 };

async function until(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

async function seed(t: TestDatabase, count = 1, settings: object[] = []) {
  const organizationId = randomUUID();
  await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const row = await t.db.integration.create({
      data: {
        organizationId,
        platform: PLATFORM,
        name: `Store ${i}`,
        storeKey: `store-${i}-${organizationId}`,
        settings: (settings[i] ?? {}) as object,
      },
    });
    ids.push(row.id);
  }
  return { organizationId, ids };
}

function smallSource(extra: Parameters<typeof createMemorySource>[0] = {}): SyncSource {
  return createMemorySource({
    platform: PLATFORM,
    pageSize: 10,
    customers: Array.from({ length: 30 }, (_, i) => syntheticCustomer(i)),
    orders: Array.from({ length: 20 }, (_, i) => syntheticOrder(i, { customerCount: 30, productCount: 10 })),
    products: Array.from({ length: 10 }, (_, i) => syntheticProduct(i)),
    ...extra,
  });
}

/** Wraps a source so each read first awaits `before(integrationId)` (to prove two syncs run at the same time). */
function gatedSource(inner: SyncSource, before: () => Promise<void>): SyncSource {
  const readers: SyncSource["readers"] = {};
  for (const [resource, reader] of Object.entries(inner.readers) as [
    Resource,
    NonNullable<SyncSource["readers"][Resource]>,
  ][]) {
    readers[resource] = {
      map: reader.map as never,
      async *read(cursor: string | null, signal: AbortSignal) {
        await before();
        yield* reader.read(cursor, signal);
      },
    } as never;
  }
  return { ...inner, readers };
}

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  let t: TestDatabase;
  const queues = testQueues(() => t);
  const queue = queues.open;
  /** The platform modules the workers run with (each test sets the ones it needs). */
  let platforms: Platforms = testPlatforms([]);
  let exportDir = join(tmpdir(), "exports-unused");

  function serve(...modules: StorePlatform[]) {
    platforms = testPlatforms(modules);
  }
  /** The test platform with a source built by `createSource` and webhooks decided by `handleWebhook`. */
  function memory(parts: Parameters<typeof testPlatform>[1]) {
    serve(testPlatform(PLATFORM, parts));
  }

  async function worker(q: JobQueue, workerId: string, concurrency = 2) {
    await q.work(createJobHandlers({ db: t.db, queue: q, platforms, exportDir, busyRetryDelayMs: 30 }), {
      workerId,
      concurrency,
      ...FAST,
    });
  }

  /** Stores one webhook event of `integrationId` as the intake would. */
  const storeEvent = (
    integrationId: string,
    topic: string,
    payload: object,
    receivedAt: Date,
    extra: { status?: string; attempts?: number } = {},
  ) =>
    t.db.webhookEvent.create({
      data: {
        integrationId,
        platform: PLATFORM,
        topic,
        dedupeKey: randomUUID(),
        storeKey: "s",
        payload: JSON.stringify(payload),
        receivedAt,
        ...extra,
      },
    });
  /** A store's webhook events in order of receipt. */
  const eventsOf = (integrationId: string) =>
    t.db.webhookEvent.findMany({ where: { integrationId }, orderBy: { receivedAt: "asc" } });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await queues.closeAll();
    platforms = testPlatforms([]);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

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

  it("applies webhook events of one record in the order received, even when their jobs run out of order", async () => {
    const { ids, organizationId } = await seed(t);
    const applied: string[] = [];
    memory({
      handleWebhook: async (event, body): Promise<WebhookDecision> => {
        if (event.topic !== "customers/update")
          return { action: "ignore", reason: `Topic ${event.topic} is not handled` };
        applied.push(event.id);
        return { action: "apply", resource: "customers", remote: [body], map: mapMemoryCustomer };
      },
    });
    const base = Date.parse("2026-03-01T10:00:00Z");
    const events = [];
    for (let v = 1; v <= 3; v++) {
      const body: MemoryCustomer = {
        ...syntheticCustomer(1),
        first_name: `Version${v}`,
        updated_at: new Date(base + v * 1000).toISOString(),
      };
      events.push(
        await t.db.webhookEvent.create({
          data: {
            integrationId: ids[0],
            platform: PLATFORM,
            topic: "customers/update",
            dedupeKey: randomUUID(),
            storeKey: "s",
            resourceId: "c1",
            payload: JSON.stringify(body),
            receivedAt: new Date(base + v * 1000),
          },
        }),
      );
    }
    const q = await queue();
    // Newest first: the worker must still apply 1, 2, 3.
    for (const e of [...events].reverse()) await enqueueWebhookEvent(q, e);
    await worker(q, "w1", 3);
    await until(async () => (await t.db.webhookEvent.count({ where: { status: "processed" } })) === 3);
    expect(applied).toEqual(events.map((e) => e.id));
    const contact = await t.db.contact.findFirstOrThrow({
      where: { organizationId, email: "customer1@example.com" },
    });
    expect(contact.firstName).toBe("Version3");
    const rows = await t.db.webhookEvent.findMany({ where: { id: { in: events.map((e) => e.id) } } });
    expect(rows.every((r) => r.attempts === 1 && r.processedAt !== null && r.lastError === null)).toBe(true);
    await t.db.webhookEvent.deleteMany();
  });

  it("marks unknown platforms and topics ignored, rejected records failed, and retries a throwing handler", async () => {
    const { ids } = await seed(t);
    let calls = 0;
    memory({
      handleWebhook: async (event, body): Promise<WebhookDecision> => {
        if (event.topic === "orders/paid") throw new Error(`store unreachable (${++calls})`);
        if (event.topic === "customers/update") {
          return { action: "apply", resource: "customers", remote: [body], map: mapMemoryCustomer };
        }
        return { action: "ignore", reason: `Topic ${event.topic} is not handled` };
      },
    });
    const make = (platform: string, topic: string, payload: string) =>
      t.db.webhookEvent.create({
        data: { integrationId: ids[0], platform, topic, dedupeKey: randomUUID(), storeKey: "s", payload },
      });
    const unknownPlatform = await make("nowhere", "customers/update", "{}");
    const unknownTopic = await make(PLATFORM, "carts/create", "{}");
    const badRecord = await make(PLATFORM, "customers/update", JSON.stringify({ id: "c9", email: "x@y.z" }));
    // No store matched this one: it has its own job, and the queue's retries (a store's events are drained, below).
    const throwing = await t.db.webhookEvent.create({
      data: {
        platform: PLATFORM,
        topic: "orders/paid",
        dedupeKey: randomUUID(),
        storeKey: "gone",
        payload: "{}",
      },
    });
    const q = await queue();
    for (const e of [unknownPlatform, unknownTopic, badRecord]) await enqueueWebhookEvent(q, e);
    const throwingJob = await q.enqueue(
      "webhook.process",
      { webhookEventId: throwing.id },
      { maxAttempts: 2, backoff: { initialDelayMs: kind === "sqlite" ? 10 : 1000 } },
    );
    await worker(q, "w1");
    await until(async () => (await q.failedJobs()).some((j) => j.id === throwingJob.id));
    const get = (id: string) => t.db.webhookEvent.findUniqueOrThrow({ where: { id } });
    expect(await get(unknownPlatform.id)).toMatchObject({
      status: "ignored",
      lastError: 'No platform module handles "nowhere" webhooks.',
    });
    expect(await get(unknownTopic.id)).toMatchObject({
      status: "ignored",
      lastError: "Topic carts/create is not handled",
    });
    expect(await get(badRecord.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await get(badRecord.id)).lastError).toMatch(/c9: .*updated_at is missing/);
    expect(await get(throwing.id)).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: "store unreachable (2)",
    });
    expect((await q.failedJobs()).find((j) => j.id === throwingJob.id)?.lastError).toContain(
      "Attempt 2/2: store unreachable (2)",
    );
    await t.db.webhookEvent.deleteMany();
  });

  it("drains a store's events in order; one that fails for a reason that may pass waits for its retries while the others go on, then fails and flags the store", async () => {
    const { ids, organizationId } = await seed(t);
    const integrationId = ids[0];
    memory({
      handleWebhook: async (event, body): Promise<WebhookDecision> => {
        if (event.topic === "orders/paid") throw new Error("store unreachable");
        return { action: "apply", resource: "customers", remote: [body], map: mapMemoryCustomer };
      },
    });
    const base = Date.parse("2026-04-01T00:00:00Z");
    const customer = (v: number) => ({
      ...syntheticCustomer(1),
      first_name: `Version${v}`,
      updated_at: new Date(base + v * 1000).toISOString(),
    });
    const make = (topic: string, payload: object, at: number) =>
      storeEvent(integrationId, topic, payload, new Date(base + at));
    const first = await make("customers/update", customer(1), 0);
    const paid = await make("orders/paid", { id: 7 }, 1);
    const second = await make("customers/update", customer(2), 2);
    const q = await queue();
    let clock = new Date(base + 60_000);
    const drain = () =>
      drainWebhookEvents({ db: t.db, queue: q, platforms }, { integrationId }, undefined, {
        now: () => clock,
      });

    expect(await drain()).toEqual({
      processed: 2,
      ignored: 0,
      failed: 0,
      deferred: 1,
      writes: 2,
      continued: false,
    });
    // The store's counters are refreshed once, at the drain's end.
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).syncedContacts).toBe(
      1,
    );
    const get = (id: string) => t.db.webhookEvent.findUniqueOrThrow({ where: { id } });
    expect(await get(first.id)).toMatchObject({ status: "processed", attempts: 1 });
    expect(await get(second.id)).toMatchObject({ status: "processed", attempts: 1 });
    let waiting = await get(paid.id);
    expect(waiting).toMatchObject({ status: "received", attempts: 1, lastError: "store unreachable" });
    expect(waiting.nextAttemptAt?.getTime()).toBe(clock.getTime() + 5_000);
    // A drain is queued for the retry's time, apart from the store's immediate drain.
    const retry = (await q.listJobs({ kinds: ["webhook.drain"] })).filter(
      (j) =>
        j.status === "queued" && (j.payload as { integrationId: string }).integrationId === integrationId,
    );
    expect(retry).toHaveLength(1);
    expect(retry[0]).toMatchObject({
      payload: { integrationId },
      dedupeKey: `webhooks:${integrationId}:at:${clock.getTime() + 5_000}`,
    });
    expect(retry[0].runAt.getTime()).toBe(clock.getTime() + 5_000);
    // Not due yet: nothing is tried.
    expect(await drain()).toMatchObject({ processed: 0, failed: 0, deferred: 0 });
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "connected",
    );

    const delays: number[] = [];
    for (let attempt = 2; attempt <= 6; attempt++) {
      delays.push(waiting.nextAttemptAt!.getTime() - clock.getTime());
      clock = waiting.nextAttemptAt!;
      const report = await drain();
      waiting = await get(paid.id);
      expect(waiting.attempts).toBe(attempt);
      expect(report).toMatchObject(attempt < 6 ? { deferred: 1, failed: 0 } : { deferred: 0, failed: 1 });
    }
    expect(delays).toEqual([5_000, 15_000, 45_000, 135_000, 405_000]);
    expect(waiting).toMatchObject({ status: "failed", nextAttemptAt: null, lastError: "store unreachable" });
    const flagged = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(flagged.status).toBe("needs_attention");
    expect(flagged.statusReason).toContain("store unreachable");
    const contact = await t.db.contact.findFirstOrThrow({
      where: { organizationId, email: "customer1@example.com" },
    });
    expect(contact.firstName).toBe("Version2");
    await t.db.webhookEvent.deleteMany();
  });

  it("writes a store's consecutive deliveries together; a record seen again, another decision or another resource starts a new write, and each event keeps its own outcome", async () => {
    const { ids } = await seed(t);
    const integrationId = ids[0];
    const mapOrder = (remote: unknown) => {
      if ((remote as { bad?: boolean }).bad) throw new Error("the order has no total");
      return mapMemoryOrder(remote as MemoryOrder);
    };
    memory({
      handleWebhook: async (event, body): Promise<WebhookDecision> => {
        if (event.topic === "orders/delete")
          return { action: "delete", resource: "orders", externalIds: [(body as { id: string }).id] };
        if (event.topic === "customers/update")
          return { action: "apply", resource: "customers", remote: [body], map: mapMemoryCustomer };
        // A mapper made for each delivery (as Shopify's, which carries the shop's currency) does not split the write.
        return { action: "apply", resource: "orders", remote: [body], map: (r: unknown) => mapOrder(r) };
      },
    });
    const base = Date.parse("2026-04-01T00:00:00Z");
    const order = (i: number, version: number, extra: object = {}) => ({
      ...syntheticOrder(i, { customerCount: 5 }),
      financial_status: `v${version}`,
      updated_at: new Date(base + version * 1000).toISOString(),
      ...extra,
    });
    const deliveries: Array<[string, object]> = [
      ["orders/create", order(1, 1)],
      ["orders/create", order(2, 1)],
      // Order 1 again: a new write, so the writer never sees one record twice.
      ["orders/updated", order(1, 2)],
      ["orders/create", order(3, 1, { bad: true })],
      ["orders/delete", { id: "o2" }],
      ["customers/update", syntheticCustomer(1)],
      ["orders/create", order(4, 1)],
    ];
    for (const [i, [topic, payload]] of deliveries.entries())
      await storeEvent(integrationId, topic, payload, new Date(base + i));
    const q = await queue();
    const report = await drainWebhookEvents({ db: t.db, queue: q, platforms }, { integrationId });
    // [1, 2] · [1 again, 3] · the deletion · the customer · [4]
    expect(report).toEqual({ processed: 6, ignored: 0, failed: 1, deferred: 0, writes: 5, continued: false });
    const rows = await eventsOf(integrationId);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["processed", 1],
      ["processed", 1],
      ["processed", 1],
      ["failed", 1],
      ["processed", 1],
      ["processed", 1],
      ["processed", 1],
    ]);
    expect(rows[3].lastError).toBe("o3: the order has no total");
    expect(rows.every((r, i) => i === 3 || (r.processedAt !== null && r.lastError === null))).toBe(true);
    const orders = await t.db.order.findMany({
      where: { integrationId },
      orderBy: { externalId: "asc" },
      select: { externalId: true, financialStatus: true, deletedAt: true },
    });
    expect(orders.map((o) => [o.externalId, o.financialStatus, o.deletedAt !== null])).toEqual([
      ["o1", "v2", false],
      ["o2", "v1", true],
      ["o4", "v1", false],
    ]);
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      syncedOrders: 2,
    });
    await t.db.webhookEvent.deleteMany();
  });

  it("after a worker died in the middle of a drain, the events it left are tried one at a time; a drain out of time gives back the events it did not start", async () => {
    const { ids } = await seed(t);
    const integrationId = ids[0];
    let delayMs = 0;
    memory({
      handleWebhook: async (_event, body): Promise<WebhookDecision> => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return { action: "apply", resource: "orders", remote: [body], map: mapMemoryOrder };
      },
    });
    const base = Date.parse("2026-04-01T00:00:00Z");
    const make = (i: number, left: boolean) =>
      storeEvent(
        integrationId,
        "orders/create",
        syntheticOrder(i),
        new Date(base + i),
        // Marked by a drain whose worker was killed before it wrote them.
        left ? { status: "processing", attempts: 1 } : {},
      );
    for (let i = 0; i < 3; i++) await make(i, true);
    const q = await queue();
    const deps = { db: t.db, queue: q, platforms };
    expect(await drainWebhookEvents(deps, { integrationId })).toMatchObject({ processed: 3, writes: 3 });
    expect((await eventsOf(integrationId)).map((r) => [r.status, r.attempts])).toEqual([
      ["processed", 2],
      ["processed", 2],
      ["processed", 2],
    ]);
    await t.db.webhookEvent.deleteMany();

    for (let i = 0; i < 5; i++) await make(10 + i, false);
    delayMs = 40;
    const report = await drainWebhookEvents(deps, { integrationId }, undefined, { maxMs: 60 });
    expect(report.continued).toBe(true);
    expect(report.processed).toBeGreaterThanOrEqual(1);
    expect(report.processed).toBeLessThan(5);
    const rows = await eventsOf(integrationId);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ...Array.from({ length: report.processed }, () => ["processed", 1]),
      ...Array.from({ length: 5 - report.processed }, () => ["received", 0]),
    ]);
    delayMs = 0;
    expect(await drainWebhookEvents(deps, { integrationId })).toMatchObject({
      processed: 5 - report.processed,
      writes: 1,
      continued: false,
    });
    await t.db.webhookEvent.deleteMany();
  });

  it("queues one drain per store while it waits, however many events are enqueued", async () => {
    const { ids } = await seed(t, 2);
    const q = await queue();
    const first = await enqueueWebhookEvent(q, { id: "e1", integrationId: ids[0] });
    const second = await enqueueWebhookEvent(q, { id: "e2", integrationId: ids[0] });
    const other = await enqueueWebhookEvent(q, { id: "e3", integrationId: ids[1] });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(other.created).toBe(true);
    const drains = (await q.listJobs({ kinds: ["webhook.drain"], status: "queued" })).filter((j) =>
      ids.includes((j.payload as { integrationId: string }).integrationId),
    );
    expect(drains.map((j) => (j.payload as { integrationId: string }).integrationId).sort()).toEqual(
      [...ids].sort(),
    );
    // An event no store matched gets its own job.
    const unmatched = await enqueueWebhookEvent(q, { id: "e4", integrationId: null });
    expect((await q.listJobs({ kinds: ["webhook.process"], status: "queued" })).map((j) => j.id)).toContain(
      unmatched.id,
    );
  });

  it("a drain hands over to the next at its budget, and takes back an event a dead worker left processing", async () => {
    const { ids } = await seed(t);
    const integrationId = ids[0];
    const applied: string[] = [];
    memory({
      handleWebhook: async (event): Promise<WebhookDecision> => {
        applied.push(event.id);
        return { action: "done" };
      },
    });
    const events = [];
    for (let i = 0; i < 5; i++) {
      events.push(
        await t.db.webhookEvent.create({
          data: {
            integrationId,
            platform: PLATFORM,
            topic: "orders/updated",
            dedupeKey: randomUUID(),
            storeKey: "s",
            payload: "{}",
            receivedAt: new Date(Date.UTC(2026, 3, 1, 0, 0, i)),
            // The oldest was being processed when its worker died.
            ...(i === 0 ? { status: "processing", attempts: 1 } : {}),
          },
        }),
      );
    }
    const q = await queue();
    const deps = { db: t.db, queue: q, platforms };
    expect(await drainWebhookEvents(deps, { integrationId }, undefined, { maxEvents: 3 })).toEqual({
      processed: 3,
      ignored: 0,
      failed: 0,
      deferred: 0,
      writes: 0,
      continued: true,
    });
    const next = (await q.listJobs({ kinds: ["webhook.drain"] })).filter(
      (j) =>
        j.status === "queued" && (j.payload as { integrationId: string }).integrationId === integrationId,
    );
    expect(next.map((j) => j.dedupeKey)).toEqual([`webhooks:${integrationId}`]);
    expect(await drainWebhookEvents(deps, { integrationId })).toMatchObject({
      processed: 2,
      continued: false,
    });
    expect(applied).toEqual(events.map((e) => e.id));
    const rows = await eventsOf(integrationId);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["processed", 2],
      ["processed", 1],
      ["processed", 1],
      ["processed", 1],
      ["processed", 1],
    ]);
    await t.db.webhookEvent.deleteMany();
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

  it("resumes a run left running by a dead worker from its checkpoint", async () => {
    const { ids } = await seed(t);
    memory({ createSource: () => smallSource() });
    const stale = new Date(Date.now() - 10 * 60_000);
    const run = await t.db.syncRun.create({
      data: {
        integrationId: ids[0],
        kind: "full",
        status: "running",
        resources: JSON.stringify(["customers"]),
        checkpoint: JSON.stringify({
          version: 1,
          resources: { customers: { phase: "running", cursor: null, synced: 0, failed: 0, total: null } },
          errorCount: 0,
        }),
        heartbeatAt: stale,
        startedAt: stale,
        workerId: "dead",
      },
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
      createSource: () => {
        const inner = smallSource();
        const readers: SyncSource["readers"] = {};
        for (const [resource, reader] of Object.entries(inner.readers) as [
          Resource,
          NonNullable<SyncSource["readers"][Resource]>,
        ][]) {
          readers[resource] = {
            map: reader.map as never,
            read(cursor: string | null, signal: AbortSignal) {
              reads.push(`${resource}:${cursor ?? "start"}`);
              return reader.read(cursor, signal);
            },
          } as never;
        }
        return { ...inner, readers };
      },
    });
    const stale = new Date(Date.now() - 10 * 60_000);
    const checkpoint = (customers: string) =>
      JSON.stringify({
        version: 1,
        resources: { customers: JSON.parse(customers) },
        errorCount: 0,
      });
    // An older interrupted incremental run of the same store, and the full run the job's first attempt opened.
    const other = await t.db.syncRun.create({
      data: {
        integrationId: ids[0],
        kind: "incremental",
        status: "running",
        resources: JSON.stringify(["customers"]),
        checkpoint: checkpoint('{"phase":"running","cursor":null,"synced":0,"failed":0,"total":null}'),
        heartbeatAt: new Date(stale.getTime() - 60_000),
        startedAt: new Date(stale.getTime() - 60_000),
        workerId: "dead",
      },
    });
    const run = await t.db.syncRun.create({
      data: {
        integrationId: ids[0],
        kind: "full",
        status: "running",
        resources: JSON.stringify(["customers"]),
        checkpoint: checkpoint('{"phase":"running","cursor":"10","synced":10,"failed":0,"total":30}'),
        contactsSynced: 10,
        heartbeatAt: stale,
        startedAt: stale,
        workerId: "dead",
      },
    });
    const q = await queue();
    const handlers = createJobHandlers({ db: t.db, queue: q, platforms, exportDir, busyRetryDelayMs: 30 });
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
    const handlers = createJobHandlers({ db: t.db, queue: q, platforms, exportDir, busyRetryDelayMs: 30 });
    const signal = new AbortController().signal;
    const stale = new Date(Date.now() - 10 * 60_000);
    const incremental = await t.db.syncRun.create({
      data: {
        integrationId: ids[0],
        kind: "incremental",
        status: "running",
        resources: JSON.stringify(["customers"]),
        heartbeatAt: stale,
        startedAt: stale,
        workerId: "dead",
      },
    });
    const outcome = (await handlers["sync.full"]!(
      { integrationId: ids[0], resources: ["customers"], triggeredBy: "test" },
      { jobId: "j", kind: "sync.full", attempt: 3, maxAttempts: 5, workerId: "w", signal },
    )) as { runId: string; status: string };
    expect(outcome.status).toBe("succeeded");
    expect(outcome.runId).not.toBe(incremental.id);
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: incremental.id } })).status).toBe("running");
    await t.db.syncRun.deleteMany({ where: { id: incremental.id } });
  });

  it("enqueues due reconciles once per slot and one full re-sync inside the off-peak window", async () => {
    await t.db.syncRun.deleteMany();
    await t.db.integration.deleteMany();
    const { ids } = await seed(t, 5, [
      {},
      { reconcileIntervalMinutes: 0 },
      { reconcileIntervalMinutes: 30 },
      { fullResyncWindowUtc: "off" },
      { fullResyncWindowUtc: "04:00-06:00" },
    ]);
    const [normal, disabled, custom, noNightly, later] = ids;
    const q = await queue();
    let now = new Date("2026-05-10T01:10:00Z");
    const options = { reconcileIntervalMinutes: 60, fullResyncWindowUtc: "02:00-04:00", now: () => now };

    // Before the window: reconciles only (the disabled one gets none).
    let tick = await schedulerTick(t.db, q, options);
    expect(tick.reconcile.sort()).toEqual([normal, custom, noNightly, later].sort());
    expect(tick.fullResync).toEqual([]);
    // A second worker ticking in the same slot adds nothing.
    tick = await schedulerTick(t.db, q, options);
    expect(tick).toEqual({ reconcile: [], fullResync: [], resumed: [], webhookEventsPruned: 0 });
    // The custom 30-minute interval is due again in its next slot; the 60-minute one is not.
    now = new Date("2026-05-10T01:40:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.reconcile).toEqual([custom]);

    // Inside the default window: one full re-sync each, including the store with reconciles turned off, but not
    // the store that turned its nightly re-sync off nor the one with its own later window.
    now = new Date("2026-05-10T02:30:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync.sort()).toEqual([normal, disabled, custom].sort());
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync).toEqual([]);
    const fullJobs = await q.listJobs({ kinds: ["sync.full"], limit: 100 });
    expect(
      fullJobs.filter((j) => ids.includes((j.payload as { integrationId: string }).integrationId)),
    ).toHaveLength(3);

    // After the default window, inside the store's own one: only that store's full re-sync.
    now = new Date("2026-05-10T05:00:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync).toEqual([later]);
    // A disconnected store is never scheduled.
    await t.db.integration.update({ where: { id: disabled }, data: { status: "disconnected" } });
    now = new Date("2026-05-11T02:05:00Z");
    tick = await schedulerTick(t.db, q, options);
    expect(tick.fullResync.sort()).toEqual([normal, custom].sort());
  });

  it("runs the compliance jobs through the engine's redaction, purge and export", async () => {
    const { ids, organizationId } = await seed(t);
    memory({ createSource: () => smallSource() });
    const dir = mkdtempSync(join(tmpdir(), "exports-"));
    exportDir = dir;
    const q = await queue();
    await worker(q, "w1");
    const { id: syncJob } = await enqueueSync(q, { integrationId: ids[0], kind: "full" });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === syncJob));

    try {
      const exportJob = await enqueueCompliance(q, "compliance.customer_data_request", {
        integrationId: ids[0],
        customerExternalId: "c2",
        dataRequestId: 9001,
      });
      await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === exportJob.id));
      const document = JSON.parse(readFileSync(join(dir, `${ids[0]}-9001.json`), "utf8"));
      expect(document.contacts[0].email).toBe("customer2@example.com");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const redact = await enqueueCompliance(q, "compliance.customer_redact", {
      integrationId: ids[0],
      customerExternalId: "c2",
      email: "customer2@example.com",
    });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === redact.id));
    expect(await t.db.contact.count({ where: { organizationId, email: "customer2@example.com" } })).toBe(0);

    const purge = await enqueueCompliance(q, "compliance.shop_redact", { integrationId: ids[0] });
    await until(async () => (await q.listJobs({ status: "succeeded" })).some((j) => j.id === purge.id));
    expect(await t.db.order.count({ where: { integrationId: ids[0] } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { integrationId: ids[0] } })).toBeGreaterThanOrEqual(3);
  });
});
