import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../tests/setup/db";
import { createJobsTestDatabase } from "./testing/database";
import {
  prismaWebhookEventStore,
  sqliteWebhookEventStore,
  type WebhookEventInput,
  type WebhookEventStore,
} from "./webhook-intake-store.server";
import { enqueueWebhookEvent } from "./enqueue.server";
import { createJobQueue, type JobQueue } from "./queue.server";

function delivery(n: number, over: Partial<WebhookEventInput> = {}): WebhookEventInput {
  return {
    platform: "shopify",
    topic: "orders/create",
    dedupeKey: `shopify:s.myshopify.com:event:${n}`,
    storeKey: "s.myshopify.com",
    resourceId: `gid://shopify/Order/${n}`,
    payload: `{"id":${n}}`,
    ...over,
  };
}

describe("sqliteWebhookEventStore (group commit)", () => {
  let t: TestDatabase;
  let queue: JobQueue;
  let store: WebhookEventStore;
  let integrationId: string;
  let wakes = 0;

  beforeAll(async () => {
    t = await createJobsTestDatabase("sqlite");
    queue = await createJobQueue(t.db);
    const org = await t.db.organization.create({ data: { name: "Org" } });
    integrationId = (
      await t.db.integration.create({
        data: { organizationId: org.id, platform: "shopify", name: "S", storeKey: "s.myshopify.com" },
      })
    ).id;
    const viaPrisma = prismaWebhookEventStore(t.db, (event) => enqueueWebhookEvent(queue, event));
    store = sqliteWebhookEventStore(t.db, viaPrisma, { onJobsCommitted: () => wakes++ });
  });
  afterAll(async () => {
    await queue?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.webhookEvent.deleteMany();
    await t.db.job.deleteMany();
  });

  it("stores concurrent deliveries, each event once, with one drain job for the store in the queue's own format", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.store(delivery(i))));
    expect(results.every((r) => r.status === "stored")).toBe(true);
    expect(await t.db.webhookEvent.count()).toBe(50);
    const event = await t.db.webhookEvent.findUniqueOrThrow({ where: { id: results[7].eventId } });
    expect(event).toMatchObject({ integrationId, status: "received", payload: '{"id":7}', attempts: 0 });
    expect(event.receivedAt).toBeInstanceOf(Date);
    // The queue sees exactly what enqueueWebhookEvent would have written: one drain waits for the store, not a
    // job per delivery.
    expect(await queue.listJobs({ kinds: ["webhook.process"] })).toHaveLength(0);
    const jobs = await queue.listJobs({ kinds: ["webhook.drain"] });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      kind: "webhook.drain",
      status: "queued",
      payload: { integrationId },
      concurrencyKey: `webhook:${integrationId}`,
      dedupeKey: `webhooks:${integrationId}`,
      maxAttempts: 10,
    });
    expect(wakes).toBeGreaterThan(0);
  });

  it("adds no job while the store's drain waits, and a new one once it started", async () => {
    await store.store(delivery(30));
    await store.store(delivery(31));
    expect(await t.db.job.count()).toBe(1);
    await t.db.job.updateMany({ data: { status: "running" } });
    await store.store(delivery(32));
    expect(await t.db.job.count({ where: { status: "queued", kind: "webhook.drain" } })).toBe(1);
    // The same through the queue's own enqueue (the PostgreSQL intake's path).
    await enqueueWebhookEvent(queue, { id: "any", integrationId });
    expect(await t.db.job.count()).toBe(2);
  });

  it("stores a duplicate once and does not queue a second job while one waits", async () => {
    const [a, b] = await Promise.all([store.store(delivery(1)), store.store(delivery(1))]);
    expect([a.status, b.status].sort()).toEqual(["duplicate", "stored"]);
    expect(a.eventId).toBe(b.eventId);
    const again = await store.store(delivery(1));
    expect(again).toEqual({ status: "duplicate", eventId: a.eventId });
    expect(await t.db.webhookEvent.count()).toBe(1);
    expect(await t.db.job.count()).toBe(1);
  });

  it("re-queues a duplicate whose first copy was stored but has no waiting job", async () => {
    const first = await store.store(delivery(2));
    await t.db.job.deleteMany();
    await store.store(delivery(2));
    expect(first.status).toBe("stored");
    expect(await t.db.job.count({ where: { dedupeKey: `webhooks:${integrationId}` } })).toBe(1);
    // Once processed, a redelivery queues nothing.
    await t.db.job.deleteMany();
    await t.db.webhookEvent.updateMany({ data: { status: "processed" } });
    await store.store(delivery(2));
    expect(await t.db.job.count()).toBe(0);
  });

  it("never joins a Prisma transaction open on the same connection: stored after it, kept when it rolls back", async () => {
    let storedDuring: Promise<unknown> | null = null;
    await t.db
      .$transaction(async (tx) => {
        await tx.organization.create({ data: { name: "rolled back" } });
        storedDuring = store.store(delivery(3));
        await new Promise((r) => setTimeout(r, 30));
        throw new Error("roll back");
      })
      .catch(() => {});
    await storedDuring;
    expect(await t.db.organization.count({ where: { name: "rolled back" } })).toBe(0);
    expect(await t.db.webhookEvent.count({ where: { dedupeKey: delivery(3).dedupeKey } })).toBe(1);
  });

  it("a delivery that cannot be stored fails alone; the others of its batch are stored", async () => {
    const results = await Promise.allSettled([
      store.store(delivery(10)),
      store.store(delivery(11, { integrationId: "no-such-integration" })),
      store.store(delivery(12)),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await t.db.webhookEvent.count()).toBe(2);
    expect(await t.db.job.count()).toBe(1);
  });

  it("an unknown shop is stored without integration (and without concurrency key)", async () => {
    const r = await store.store(delivery(20, { storeKey: "other.myshopify.com" }));
    const event = await t.db.webhookEvent.findUniqueOrThrow({ where: { id: r.eventId } });
    expect(event.integrationId).toBeNull();
    const job = await t.db.job.findFirstOrThrow({ where: { dedupeKey: `webhook:${r.eventId}` } });
    expect(job.concurrencyKey).toBeNull();
  });
});
