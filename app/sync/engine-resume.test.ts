/** The sync engine's interrupted runs: resumed from their checkpoint after a crash or shutdown, stopped by a disconnect. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { resumeInterruptedRuns, runSync } from "./engine.server";
import { findInterruptedRuns } from "./run-records.server";
import { STOPPED_BY_DISCONNECT } from "./run-loop.server";
import { SyncInterruptedError } from "./errors";
import {
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  type MemoryCustomer,
  type MemoryOrder,
} from "./testing/memory-source";
import { seedOrganization } from "./testing/fixtures";
import type { ResourceReader, SyncSource } from "./types";
import { counts, EXPECTED, tenThousand, useEngineDatabase } from "./testing/engine";

describe.each(DATABASE_KINDS)("sync engine on %s", (kind) => {
  const { t, freshDb } = useEngineDatabase(kind);

  it("resumes a run that crashed mid-way from its checkpoint, with exact counts and no duplicates", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const crashed = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: tenThousand({ failAfter: { resource: "orders", afterPages: 7 } }),
    });
    expect(crashed.status).toBe("partial");
    expect(crashed.resources.orders).toMatchObject({ success: false, synced: 7 * 250 });
    const stored = await t.db.syncRun.findUniqueOrThrow({ where: { id: crashed.runId } });
    expect(stored.errorMessage).toContain("Simulated crash");
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "needs_attention",
    );

    const pagesRead: number[] = [];
    const resumed = await runSync(t.db, {
      integrationId,
      kind: "full",
      runId: crashed.runId,
      source: tenThousand({ onPage: (resource, page) => resource === "orders" && pagesRead.push(page) }),
    });
    expect(resumed.runId).toBe(crashed.runId);
    expect(resumed.status).toBe("succeeded");
    // Resumed from the checkpoint: only the 13 remaining order pages were read again.
    expect(pagesRead.length).toBe(20 - 7);
    expect(resumed.resources.orders).toMatchObject({ success: true, synced: 5000, failed: 0 });
    expect(resumed.resources.customers).toMatchObject({ synced: 4000 });
    expect(await counts(t, integrationId)).toEqual(EXPECTED);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "connected",
    );
  });

  it("resumes a run aborted mid-page-stream and left running (worker died) via resumeInterruptedRuns", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const controller = new AbortController();
    const cancelled = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: tenThousand({
        onPage: (resource, page) => resource === "customers" && page === 5 && controller.abort(),
      }),
      signal: controller.signal,
    });
    expect(cancelled.status).toBe("cancelled");
    // Simulate a dead worker: the run is left `running` with an old heartbeat.
    await t.db.syncRun.update({
      where: { id: cancelled.runId },
      data: { status: "running", heartbeatAt: new Date(Date.now() - 120_000) },
    });
    expect((await findInterruptedRuns(t.db)).map((r) => r.id)).toEqual([cancelled.runId]);
    const [resumed] = await resumeInterruptedRuns(t.db, "worker-2", { source: tenThousand() });
    expect(resumed).toMatchObject({ runId: cancelled.runId, status: "succeeded" });
    expect(resumed.resources.customers).toMatchObject({ synced: 4000, failed: 0 });
    expect(await counts(t, integrationId)).toEqual(EXPECTED);
    expect(await findInterruptedRuns(t.db)).toEqual([]);
  });

  it("stops a run whose store is disconnected under it: the store read in flight is aborted and nothing more is read", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    let ordersRead = false;
    let readAborted = false;
    const source: SyncSource = {
      platform: "memory",
      readers: {
        customers: {
          map: mapMemoryCustomer,
          async *read(_cursor, signal) {
            yield { records: [syntheticCustomer(1)], cursor: "1" };
            // The merchant disconnects while the next page is being read (a slow store).
            await t.db.integration.update({ where: { id: integrationId }, data: { status: "disconnected" } });
            await new Promise((_, reject) => {
              const timer = setTimeout(() => reject(new Error("the read was never aborted")), 20_000);
              signal.addEventListener("abort", () => {
                clearTimeout(timer);
                readAborted = true;
                reject(signal.reason as Error);
              });
            });
          },
        } satisfies ResourceReader<MemoryCustomer, "customers">,
        orders: {
          map: mapMemoryOrder,
          // eslint-disable-next-line require-yield
          async *read() {
            ordersRead = true;
          },
        } satisfies ResourceReader<MemoryOrder, "orders">,
      },
    };
    const summary = await runSync(t.db, { integrationId, kind: "full", source });
    expect(readAborted).toBe(true);
    expect(ordersRead).toBe(false);
    expect(summary).toMatchObject({ status: "cancelled", errorMessage: STOPPED_BY_DISCONNECT });
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    // Still disconnected, and a stopped run is not a sync: no "last sync" time.
    expect(integration).toMatchObject({ status: "disconnected", lastSyncAt: null });
    expect(await t.db.contactSource.count({ where: { integrationId } })).toBe(1);
  }, 30_000);

  it("an interrupted run resumed after its store was disconnected ends cancelled without reading the store", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const controller = new AbortController();
    const first = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: tenThousand({
        onPage: (resource, page) => resource === "customers" && page === 2 && controller.abort(),
      }),
      signal: controller.signal,
    });
    // Its worker died; the merchant disconnected the store since.
    await t.db.syncRun.update({
      where: { id: first.runId },
      data: { status: "running", heartbeatAt: new Date(Date.now() - 120_000) },
    });
    await t.db.integration.update({ where: { id: integrationId }, data: { status: "disconnected" } });
    let pagesRead = 0;
    const [resumed] = await resumeInterruptedRuns(t.db, "worker-2", {
      source: tenThousand({ onPage: () => (pagesRead += 1) }),
    });
    expect(resumed).toMatchObject({
      runId: first.runId,
      status: "cancelled",
      errorMessage: STOPPED_BY_DISCONNECT,
    });
    expect(pagesRead).toBe(0);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "disconnected",
    );
  });

  it("leaves a run stopped for shutdown resumable at once, and continues it from its checkpoint", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const controller = new AbortController();
    const stopped = await runSync(t.db, {
      integrationId,
      kind: "full",
      workerId: "worker-1",
      source: tenThousand({
        onPage: (resource, page) =>
          resource === "orders" && page === 4 && controller.abort(new SyncInterruptedError("shutting down")),
      }),
      signal: controller.signal,
    });
    // Not cancelled: still running, no worker, heartbeat in the past, so the next worker resumes it immediately.
    expect(stopped.status).toBe("running");
    const row = await t.db.syncRun.findUniqueOrThrow({ where: { id: stopped.runId } });
    expect(row.workerId).toBeNull();
    expect((await findInterruptedRuns(t.db)).map((r) => r.id)).toEqual([stopped.runId]);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "connected",
    );

    const pagesRead: number[] = [];
    const [resumed] = await resumeInterruptedRuns(t.db, "worker-2", {
      source: tenThousand({ onPage: (resource, page) => resource === "orders" && pagesRead.push(page) }),
    });
    expect(resumed).toMatchObject({ runId: stopped.runId, status: "succeeded" });
    expect(pagesRead.length).toBeLessThan(20);
    expect(resumed.resources.orders).toMatchObject({ synced: 5000, failed: 0 });
    expect(await counts(t, integrationId)).toEqual(EXPECTED);
  });
});
