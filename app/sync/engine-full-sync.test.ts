/** The sync engine's full and incremental runs: exact counts at 10,000 records, progress and heartbeat, one run at a time. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { runSync } from "./engine.server";
import { findInterruptedRuns } from "./run-records.server";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import { SyncAlreadyRunningError, UnknownPlatformError } from "./errors";
import {
  createMemorySource,
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
  type MemoryCustomer,
} from "./testing/memory-source";
import { seedOrganization } from "./testing/fixtures";
import type { ResourceReader, SourcePage } from "./types";
import { counts, EXPECTED, tenThousand, useEngineDatabase } from "./testing/engine";

describe.each(DATABASE_KINDS)("sync engine on %s", (kind) => {
  const { t, freshDb } = useEngineDatabase(kind);

  it("syncs a 10,000-record source exactly, and a second full sync changes nothing", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const summary = await runSync(t.db, { integrationId, kind: "full", source: tenThousand() });
    expect(summary.status).toBe("succeeded");
    expect(summary.resources).toEqual({
      customers: { success: true, synced: 4000, failed: 0, errors: [] },
      orders: { success: true, synced: 5000, failed: 0, errors: [] },
      products: { success: true, synced: 1000, failed: 0, errors: [] },
    });
    expect(await counts(t, integrationId)).toEqual(EXPECTED);

    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration).toMatchObject({
      status: "connected",
      syncedContacts: 4500,
      syncedOrders: 5000,
      syncedProducts: 1000,
    });
    expect(integration.lastSyncAt).toBeInstanceOf(Date);

    // Money and dates survive exactly and read back through Prisma.
    const order = await t.db.order.findFirstOrThrow({
      where: { integrationId, externalId: "o7" },
      include: { items: true, contact: true },
    });
    const remote = syntheticOrder(7, { customerCount: 4000, productCount: 1000 });
    expect(order.totalMinor).toBe(mapMemoryOrder(remote).totalMinor);
    expect(order.orderDate.toISOString()).toBe(remote.created_at);
    expect(order.items.map((i) => i.unitPriceMinor).sort()).toEqual(
      mapMemoryOrder(remote)
        .items.map((i) => i.unitPriceMinor)
        .sort(),
    );
    expect(order.contact?.email).toBe("customer7@example.com");
    expect(order.contact?.firstName).toBe("First7");

    const run = await t.db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({
      status: "succeeded",
      contactsSynced: 4000,
      ordersSynced: 5000,
      productsSynced: 1000,
      progressDone: 10000,
      progressTotal: 10000,
    });

    const again = await runSync(t.db, { integrationId, kind: "full", source: tenThousand() });
    expect(again.status).toBe("succeeded");
    expect(await counts(t, integrationId)).toEqual(EXPECTED);
  });

  it("persists progress with every page and a heartbeat while the store is slow", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const observed: { done: number; total: number | null; resource: string | null }[] = [];
    let heartbeatSeen = false;
    const reader: ResourceReader<MemoryCustomer, "customers"> = {
      map: mapMemoryCustomer,
      async *read(): AsyncGenerator<SourcePage<MemoryCustomer>> {
        for (let page = 0; page < 3; page++) {
          if (page > 0) {
            const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId } });
            observed.push({
              done: run.progressDone,
              total: run.progressTotal,
              resource: run.currentResource,
            });
          }
          if (page === 2) {
            // A slow page: wait (however long it takes) until the heartbeat has been written again.
            const before = (
              await t.db.syncRun.findFirstOrThrow({ where: { integrationId } })
            ).heartbeatAt!.getTime();
            for (;;) {
              await new Promise((resolve) => setTimeout(resolve, 100));
              const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId } });
              if (run.heartbeatAt!.getTime() > before) break;
            }
            heartbeatSeen = true;
          }
          const records = Array.from({ length: 10 }, (_, i) => syntheticCustomer(page * 10 + i));
          yield { records, cursor: String((page + 1) * 10), estimatedTotal: 30 };
        }
      },
    };
    const snapshots: number[] = [];
    const summary = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: { platform: "memory", readers: { customers: reader } },
      onProgress: (s) => snapshots.push(s.done),
    });
    expect(summary.status).toBe("succeeded");
    expect(observed).toEqual([
      { done: 10, total: 30, resource: "customers" },
      { done: 20, total: 30, resource: "customers" },
    ]);
    expect(heartbeatSeen).toBe(true);
    expect(snapshots).toContain(30);
  });

  it("continues an incremental sync from where the last run ended", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const customers = Array.from({ length: 20 }, (_, i) => syntheticCustomer(i));
    const first = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ customers, pageSize: 7 }),
    });
    expect(first.resources.customers?.synced).toBe(20);
    customers.push(syntheticCustomer(20), {
      ...syntheticCustomer(3),
      first_name: "Changed",
      updated_at: "2026-01-01T00:00:00.000Z",
    });
    const incremental = await runSync(t.db, {
      integrationId,
      kind: "incremental",
      source: createMemorySource({ customers, pageSize: 7 }),
    });
    expect(incremental.resources.customers?.synced).toBe(2);
    expect(await t.db.contact.count()).toBe(21);
    expect(
      (await t.db.contact.findFirstOrThrow({ where: { email: "customer3@example.com" } })).firstName,
    ).toBe("Changed");
  });

  it("refuses a second concurrent run of one integration and names unknown platforms", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db, ["nowhere"]);
    await expect(
      runSync(t.db, { integrationId, kind: "full", sources: testPlatforms([]) }),
    ).rejects.toBeInstanceOf(UnknownPlatformError);
    // A run that cannot start is visible: a failed run, and the store needing attention with the reason.
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "needs_attention",
      statusReason:
        'Commerce Sync could not start syncing this store: Commerce Sync cannot connect to "nowhere" stores: this server knows no store platform.',
      // The error's code, kept with the reason (app/lib/attention-cause.ts).
      statusCode: "unknown_platform",
    });
    expect(await t.db.syncRun.findFirstOrThrow({ where: { integrationId } })).toMatchObject({
      status: "failed",
    });
    await t.db.syncRun.deleteMany({ where: { integrationId } });
    const sources = testPlatforms([
      testPlatform("nowhere", {
        createSource: () => createMemorySource({ customers: [syntheticCustomer(1)] }),
      }),
    ]);
    const live = await t.db.syncRun.create({
      data: {
        integrationId,
        kind: "full",
        status: "running",
        heartbeatAt: new Date(),
        workerId: "worker-a",
      },
    });
    await expect(runSync(t.db, { integrationId, kind: "full", sources })).rejects.toBeInstanceOf(
      SyncAlreadyRunningError,
    );
    // Nor may another worker resume a run whose worker is still alive.
    await expect(
      runSync(t.db, { integrationId, kind: "full", runId: live.id, workerId: "worker-b", sources }),
    ).rejects.toBeInstanceOf(SyncAlreadyRunningError);
    expect(await findInterruptedRuns(t.db)).toEqual([]);
    await t.db.syncRun.updateMany({ data: { status: "succeeded" } });
    expect((await runSync(t.db, { integrationId, kind: "full", sources })).resources.customers?.synced).toBe(
      1,
    );
    // A clean run brings the store back to connected, its reason and code cleared.
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "connected",
      statusReason: null,
      statusCode: null,
    });
  });
});
