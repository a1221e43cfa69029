import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { createJobQueue } from "./queue.server";
import { startScheduler, WEBHOOK_PRUNE_INTERVAL_MS } from "./scheduler.server";
import { createJobsTestDatabase } from "./testing/database";
import {
  FAILED_WEBHOOK_EVENT_DAYS,
  FINISHED_WEBHOOK_EVENT_DAYS,
  pruneWebhookEvents,
} from "./webhook-retention.server";

const DAY = 24 * 3600_000;

describe.each(DATABASE_KINDS)("webhook delivery retention on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createJobsTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("deletes finished deliveries after their retention, failed ones later, waiting ones never", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const stores = await Promise.all(
      ["a", "b"].map((n) =>
        t.db.integration.create({
          data: { organizationId, platform: "shopify", name: n, storeKey: `${n}.myshopify.com` },
        }),
      ),
    );
    const ageDays = { kept: FINISHED_WEBHOOK_EVENT_DAYS - 1, old: FINISHED_WEBHOOK_EVENT_DAYS + 1 };
    const rows: Array<{ store: string | null; status: string; days: number; gone: boolean }> = [];
    for (const store of [stores[0].id, stores[1].id, null]) {
      rows.push(
        { store, status: "processed", days: ageDays.kept, gone: false },
        { store, status: "processed", days: ageDays.old, gone: true },
        { store, status: "ignored", days: ageDays.old, gone: true },
        { store, status: "failed", days: ageDays.old, gone: false },
        { store, status: "failed", days: FAILED_WEBHOOK_EVENT_DAYS + 1, gone: true },
        { store, status: "received", days: 400, gone: false },
        { store, status: "processing", days: 400, gone: false },
      );
    }
    const ids: string[] = [];
    for (const [i, r] of rows.entries()) {
      const row = await t.db.webhookEvent.create({
        data: {
          integrationId: r.store,
          platform: "shopify",
          topic: "orders/create",
          dedupeKey: `retention-${i}-${randomUUID()}`,
          storeKey: "a.myshopify.com",
          payload: "{}",
          status: r.status,
          receivedAt: new Date(now.getTime() - r.days * DAY),
        },
      });
      ids.push(row.id);
    }
    const expectedGone = rows.filter((r) => r.gone).length;
    expect(await pruneWebhookEvents(t.db, { now })).toBe(expectedGone);
    const left = new Set(
      (await t.db.webhookEvent.findMany({ where: { id: { in: ids } }, select: { id: true } })).map(
        (r) => r.id,
      ),
    );
    rows.forEach((r, i) => expect({ ...r, present: left.has(ids[i]) }).toEqual({ ...r, present: !r.gone }));
    // Nothing more to do on the next tick.
    expect(await pruneWebhookEvents(t.db, { now })).toBe(0);
  });

  it("deletes in batches, every old row of a busy store", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Busy" } });
    const store = await t.db.integration.create({
      data: { organizationId, platform: "shopify", name: "busy", storeKey: "busy.myshopify.com" },
    });
    const old = new Date(now.getTime() - (FINISHED_WEBHOOK_EVENT_DAYS + 2) * DAY);
    await t.db.webhookEvent.createMany({
      data: Array.from({ length: 2_345 }, (_, i) => ({
        integrationId: store.id,
        platform: "shopify",
        topic: "orders/updated",
        dedupeKey: `busy-${i}-${randomUUID()}`,
        storeKey: "busy.myshopify.com",
        payload: "{}",
        status: "processed",
        receivedAt: old,
      })),
    });
    expect(await pruneWebhookEvents(t.db, { now })).toBe(2_345);
    expect(await t.db.webhookEvent.count({ where: { integrationId: store.id } })).toBe(0);
  });

  it("is run by each worker's scheduler once an hour, not at every tick", async () => {
    let now = new Date("2026-12-01T12:00:00Z");
    const old = () => new Date(now.getTime() - (FINISHED_WEBHOOK_EVENT_DAYS + 1) * DAY);
    const stored = async () => {
      const row = await t.db.webhookEvent.create({
        data: {
          integrationId: null,
          platform: "shopify",
          topic: "orders/create",
          dedupeKey: `hourly-${randomUUID()}`,
          storeKey: "nobody.myshopify.com",
          payload: "{}",
          status: "ignored",
          receivedAt: old(),
        },
      });
      return async () => (await t.db.webhookEvent.findUnique({ where: { id: row.id } })) !== null;
    };
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
    };
    const queue = await createJobQueue(t.db, {
      databaseUrl: t.url,
      pgBoss: { maintenanceIntervalSeconds: 5 },
    });
    const first = await stored();
    const scheduler = startScheduler(t.db, queue, {
      reconcileIntervalMinutes: 0,
      tickMs: 20,
      now: () => now,
    });
    try {
      await until(async () => !(await first()));
      expect(await first()).toBe(false);
      // Ticks within the hour leave a newly old row alone …
      const second = await stored();
      await new Promise((r) => setTimeout(r, 300));
      expect(await second()).toBe(true);
      // … and the first tick of the next hour deletes it.
      now = new Date(now.getTime() + WEBHOOK_PRUNE_INTERVAL_MS);
      await until(async () => !(await second()));
      expect(await second()).toBe(false);
    } finally {
      await scheduler.stop();
      await queue.close();
    }
  });
});
