/** The webhook job handler: events of one record applied in order, unknown and rejected events, consecutive writes. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import type { WebhookDecision } from "../sync/platform";
import {
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
  type MemoryCustomer,
  type MemoryOrder,
} from "../sync/testing/memory-source";
import { enqueueWebhookEvent } from "./enqueue.server";
import { drainWebhookEvents } from "./webhook-drain.server";
import { PLATFORM, seed, useHandlerFixture } from "./testing/handlers";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  const h = useHandlerFixture(kind);
  const { t, queue, memory, worker, storeEvent, eventsOf } = h;

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
    const report = await drainWebhookEvents(
      { db: t.db, queue: q, platforms: h.platforms },
      { integrationId },
    );
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
});
