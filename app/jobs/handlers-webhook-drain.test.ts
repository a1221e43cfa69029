/** A store's webhook drain: retries in order, dead workers' leftovers, one queued drain per store, handing over at its budget. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import type { WebhookDecision } from "../sync/platform";
import {
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
} from "../sync/testing/memory-source";
import { enqueueWebhookEvent } from "./enqueue.server";
import { drainWebhookEvents } from "./webhook-drain.server";
import { PLATFORM, seed, useHandlerFixture } from "./testing/handlers";

describe.each(DATABASE_KINDS)("job handlers on %s", (kind) => {
  const h = useHandlerFixture(kind);
  const { t, queue, memory, storeEvent, eventsOf } = h;

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
      drainWebhookEvents({ db: t.db, queue: q, platforms: h.platforms }, { integrationId }, undefined, {
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
    const deps = { db: t.db, queue: q, platforms: h.platforms };
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
    const deps = { db: t.db, queue: q, platforms: h.platforms };
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
});
