import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { applyDeletions, applyRecords } from "./apply.server";
import { resumeInterruptedRuns, runSync } from "./engine.server";
import { findInterruptedRuns } from "./run-records.server";
import { STOPPED_BY_DISCONNECT } from "./run-loop.server";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import { SyncAlreadyRunningError, SyncInterruptedError, UnknownPlatformError } from "./errors";
import {
  createMemorySource,
  generated,
  mapMemoryCustomer,
  mapMemoryOrder,
  mapMemoryProduct,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
  type MemoryCustomer,
  type MemoryOrder,
  type MemoryProduct,
} from "./testing/memory-source";
import { seedOrganization } from "./testing/fixtures";
import type { ResourceReader, SourcePage, SyncSource } from "./types";

async function counts(t: TestDatabase, integrationId: string) {
  const db = t.db;
  return {
    contacts: await db.contact.count(),
    sources: await db.contactSource.count({ where: { integrationId } }),
    orders: await db.order.count({ where: { integrationId } }),
    items: await db.orderItem.count({ where: { order: { integrationId } } }),
    products: await db.product.count({ where: { integrationId } }),
    variants: await db.productVariant.count({ where: { integrationId } }),
  };
}

/** 10,000 records: 4,000 customers, 5,000 orders (3 items, every 10th a guest), 1,000 products (2 variants). */
function tenThousand(extra: Parameters<typeof createMemorySource>[0] = {}) {
  return createMemorySource({
    pageSize: 250,
    customers: generated(4000, (i) => syntheticCustomer(i)),
    orders: generated(5000, (i) => syntheticOrder(i, { customerCount: 4000, productCount: 1000 })),
    products: generated(1000, (i) => syntheticProduct(i)),
    ...extra,
  });
}
const EXPECTED = {
  contacts: 4500,
  sources: 4500,
  orders: 5000,
  items: 15000,
  products: 1000,
  variants: 2000,
};

describe.each(DATABASE_KINDS)("sync engine on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  async function freshDb() {
    await t.db.organization.deleteMany();
  }

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

  it("keeps the newest version when updates arrive out of order", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const newer: MemoryCustomer = {
      ...syntheticCustomer(1),
      first_name: "Newer",
      updated_at: "2025-06-02T00:00:00.000Z",
    };
    const older: MemoryCustomer = {
      ...syntheticCustomer(1),
      first_name: "Older",
      updated_at: "2025-06-01T00:00:00.000Z",
    };
    const order = syntheticOrder(1);
    const newerOrder: MemoryOrder = {
      ...order,
      financial_status: "refunded",
      total: "0.00",
      updated_at: "2025-06-02T00:00:00.000Z",
    };
    const olderOrder: MemoryOrder = {
      ...order,
      financial_status: "paid",
      updated_at: "2025-06-01T00:00:00.000Z",
    };

    await applyRecords(t.db, {
      integrationId,
      resource: "customers",
      remote: [newer],
      map: mapMemoryCustomer,
    });
    await applyRecords(t.db, {
      integrationId,
      resource: "customers",
      remote: [older],
      map: mapMemoryCustomer,
    });
    await applyRecords(t.db, {
      integrationId,
      resource: "orders",
      remote: [newerOrder],
      map: mapMemoryOrder,
    });
    const outcomes = await applyRecords(t.db, {
      integrationId,
      resource: "orders",
      remote: [olderOrder],
      map: mapMemoryOrder,
    });
    expect(outcomes).toEqual([{ externalId: "o1", status: "applied" }]);

    const contact = await t.db.contact.findFirstOrThrow({ where: { email: "customer1@example.com" } });
    expect(contact.firstName).toBe("Newer");
    expect(contact.externalUpdatedAt?.toISOString()).toBe("2025-06-02T00:00:00.000Z");
    const stored = await t.db.order.findFirstOrThrow({
      where: { externalId: "o1" },
      include: { items: true },
    });
    expect(stored.financialStatus).toBe("refunded");
    expect(stored.totalMinor).toBe(0n);
    expect(stored.items).toHaveLength(3);

    // Same records in one page, older last: still the newest wins.
    await applyRecords(t.db, {
      integrationId,
      resource: "customers",
      remote: [{ ...newer, first_name: "Newest", updated_at: "2025-06-03T00:00:00.000Z" }, older],
      map: mapMemoryCustomer,
    });
    expect(
      (await t.db.contact.findFirstOrThrow({ where: { email: "customer1@example.com" } })).firstName,
    ).toBe("Newest");
    // An equal timestamp re-applies idempotently.
    await applyRecords(t.db, {
      integrationId,
      resource: "orders",
      remote: [newerOrder, newerOrder],
      map: mapMemoryOrder,
    });
    expect(await t.db.orderItem.count()).toBe(3);
    expect(await t.db.contact.count()).toBe(1);
  });

  it("merges one person shopping in two stores of the organization into one contact with two sources", async () => {
    await freshDb();
    const {
      integrationIds: [shop, woo],
    } = await seedOrganization(t.db, ["shopify", "woocommerce"]);
    const person: MemoryCustomer = {
      ...syntheticCustomer(5),
      id: "gid://shopify/Customer/5",
      email: "  Ada@Example.COM ",
    };
    await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({ platform: "shopify", customers: [person] }),
    });
    await runSync(t.db, {
      integrationId: woo,
      kind: "full",
      source: createMemorySource({
        platform: "woocommerce",
        customers: [
          {
            ...person,
            id: "77",
            email: "ada@example.com",
            total_spent: "10.00",
            updated_at: "2025-07-01T00:00:00.000Z",
          },
        ],
      }),
    });
    const contacts = await t.db.contact.findMany({ include: { sources: true } });
    expect(contacts).toHaveLength(1);
    expect(contacts[0].email).toBe("ada@example.com");
    expect(contacts[0].source).toBe("shopify");
    expect(contacts[0].sources.map((s) => [s.integrationId, s.externalId]).sort()).toEqual(
      [
        [shop, "gid://shopify/Customer/5"],
        [woo, "77"],
      ].sort(),
    );
    // Custom fields from both stores are kept (the newer store's keys win).
    expect(contacts[0].customFields).toMatchObject({
      memory_id: "77",
      total_spent: "10.00",
      orders_count: 5,
    });
    const integrations = await t.db.integration.findMany({ orderBy: { platform: "asc" } });
    expect(integrations.map((i) => i.syncedContacts)).toEqual([1, 1]);
  });

  it("creates or links contacts from orders whose customer is a guest or not synced yet", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const guest: MemoryOrder = {
      ...syntheticOrder(1),
      customer_id: null,
      email: "Guest@Example.org",
      first_name: "Gus",
    };
    const unknownCustomer: MemoryOrder = {
      ...syntheticOrder(2),
      customer_id: "c900",
      email: "late@example.org",
    };
    const secondGuestOrder: MemoryOrder = {
      ...syntheticOrder(3),
      customer_id: null,
      email: "guest@example.org",
    };
    const summary = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ orders: [guest, unknownCustomer, secondGuestOrder] }),
    });
    expect(summary.resources.orders).toMatchObject({ success: true, synced: 3 });
    const contacts = await t.db.contact.findMany({
      include: { sources: true, orders: true },
      orderBy: { email: "asc" },
    });
    expect(
      contacts.map((c) => [c.email, c.firstName, c.orders.length, c.sources.map((s) => s.externalId)]),
    ).toEqual([
      ["guest@example.org", "Gus", 2, ["guest:guest@example.org"]],
      ["late@example.org", null, 1, ["c900"]],
    ]);
    // The customer record arriving later fills in the same contact (no "customers first" rule).
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({
        customers: [{ ...syntheticCustomer(900), email: "late@example.org", first_name: "Late" }],
      }),
    });
    const late = await t.db.contact.findFirstOrThrow({
      where: { email: "late@example.org" },
      include: { orders: true },
    });
    expect(late.firstName).toBe("Late");
    expect(late.orders).toHaveLength(1);
    expect(await t.db.contact.count()).toBe(2);
  });

  it("fails a poison record alone (bad data or rejected write) and keeps its error, writing the others", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const orders = Array.from({ length: 30 }, (_, i) => syntheticOrder(i, { customerCount: 10 }));
    orders[4] = { ...orders[4], total: "12.3.4" };
    const base = createMemorySource({ orders, pageSize: 10 });
    const reader = base.readers.orders as ResourceReader<MemoryOrder, "orders">;
    // o17 maps fine but the database rejects it (NOT NULL orderNumber): its whole batch is retried record by record.
    const source: SyncSource = {
      platform: "memory",
      readers: {
        orders: {
          read: reader.read,
          map: (remote: MemoryOrder) => {
            const record = reader.map(remote);
            return remote.id === "o17" ? { ...record, orderNumber: null as unknown as string } : record;
          },
        },
      },
    };
    const summary = await runSync(t.db, { integrationId, kind: "full", source });
    expect(summary.status).toBe("partial");
    expect(summary.resources.orders?.synced).toBe(28);
    expect(summary.resources.orders?.failed).toBe(2);
    expect(summary.resources.orders?.errors).toHaveLength(2);
    expect(summary.resources.orders?.errors[0]).toMatch(/^o4: Could not read record: .*not a decimal amount/);
    expect(summary.resources.orders?.errors[1]).toMatch(/^o17: Could not save record/);
    expect(await t.db.order.count()).toBe(28);
    expect(await t.db.order.count({ where: { externalId: { in: ["o4", "o17"] } } })).toBe(0);
    const run = await t.db.syncRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({ ordersSynced: 28, ordersFailed: 2 });
    // A record-level failure is not a store problem.
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "connected",
    );
  });

  it("bounds the stored error list but counts every failure", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const customers = Array.from({ length: 150 }, (_, i) => ({
      ...syntheticCustomer(i),
      updated_at: "not a date",
    }));
    const summary = await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ customers }),
    });
    expect(summary).toMatchObject({ status: "partial", errorCount: 150 });
    expect(summary.resources.customers).toMatchObject({ synced: 0, failed: 150 });
    expect(summary.resources.customers?.errors).toHaveLength(100);
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

  it("soft-deletes orders and products and unlinks deleted customers, keeping counters in step", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({
        customers: [0, 1].map((i) => syntheticCustomer(i)),
        orders: [0, 1, 2].map((i) => syntheticOrder(i, { customerCount: 2 })),
        products: [0, 1].map((i) => syntheticProduct(i)),
      }),
    });
    expect(
      await applyDeletions(t.db, { integrationId, resource: "orders", externalIds: ["o1", "o404"] }),
    ).toBe(1);
    expect(await applyDeletions(t.db, { integrationId, resource: "products", externalIds: ["p0"] })).toBe(1);
    expect(await applyDeletions(t.db, { integrationId, resource: "customers", externalIds: ["c1"] })).toBe(1);
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration).toMatchObject({ syncedOrders: 2, syncedProducts: 1, syncedContacts: 1 });
    expect((await t.db.order.findFirstOrThrow({ where: { externalId: "o1" } })).deletedAt).toBeInstanceOf(
      Date,
    );
    expect(await t.db.contact.count()).toBe(2);
  });

  it("a late or repeated update of a deleted order or product does not revive it; a later change or a sync does", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const order: MemoryOrder = { ...syntheticOrder(0), updated_at: "2026-06-01T10:00:00.000Z" };
    const product: MemoryProduct = { ...syntheticProduct(0), updated_at: "2026-06-01T10:00:00.000Z" };
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ customers: [syntheticCustomer(0)], orders: [order], products: [product] }),
    });
    const deletedAt = new Date("2026-06-01T12:00:00.000Z");
    await applyDeletions(t.db, { integrationId, resource: "orders", externalIds: ["o0"], deletedAt });
    await applyDeletions(t.db, { integrationId, resource: "products", externalIds: ["p0"], deletedAt });
    const live = async () => ({
      order: (await t.db.order.findFirstOrThrow({ where: { externalId: "o0" } })).deletedAt === null,
      product: (await t.db.product.findFirstOrThrow({ where: { externalId: "p0" } })).deletedAt === null,
      counters: await t.db.integration.findUniqueOrThrow({
        where: { id: integrationId },
        select: { syncedOrders: true, syncedProducts: true },
      }),
    });
    const webhook = (o: MemoryOrder, p: MemoryProduct) =>
      Promise.all([
        applyRecords(t.db, { integrationId, resource: "orders", remote: [o], map: mapMemoryOrder }),
        applyRecords(t.db, { integrationId, resource: "products", remote: [p], map: mapMemoryProduct }),
      ]);

    // A redelivery of the last update, and an update made before the deletion that arrives after it.
    await webhook(order, product);
    await webhook(
      { ...order, financial_status: "refunded", updated_at: "2026-06-01T11:00:00.000Z" },
      { ...product, title: "Renamed", updated_at: "2026-06-01T11:00:00.000Z" },
    );
    expect(await live()).toEqual({
      order: false,
      product: false,
      counters: { syncedOrders: 0, syncedProducts: 0 },
    });
    // A change made after the deletion (a WooCommerce order restored from the trash) brings it back.
    await webhook(
      { ...order, updated_at: "2026-06-01T12:30:00.000Z" },
      { ...product, updated_at: "2026-06-01T12:30:00.000Z" },
    );
    expect(await live()).toMatchObject({ order: true, product: true });

    // A sync reads the store's current lists: a record it sees exists, even unchanged since its deletion here —
    // the same version as a webhook would not revive it.
    const current = { ...order, updated_at: "2026-06-01T12:30:00.000Z" };
    await applyDeletions(t.db, {
      integrationId,
      resource: "orders",
      externalIds: ["o0"],
      deletedAt: new Date("2026-06-02T00:00:00.000Z"),
    });
    await applyRecords(t.db, { integrationId, resource: "orders", remote: [current], map: mapMemoryOrder });
    expect(await live()).toMatchObject({ order: false });
    await runSync(t.db, { integrationId, kind: "full", source: createMemorySource({ orders: [current] }) });
    expect(await live()).toMatchObject({ order: true });
  });

  it("a late or repeated update of a deleted customer does not link it again; a later change or a sync does", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    const customer: MemoryCustomer = { ...syntheticCustomer(1), updated_at: "2026-06-01T10:00:00.000Z" };
    const order: MemoryOrder = {
      ...syntheticOrder(1, { customerCount: 2 }),
      updated_at: "2026-06-01T10:00:00.000Z",
    };
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ customers: [customer], orders: [order] }),
    });
    const { id: contactId } = await t.db.contact.findFirstOrThrow({
      where: { email: "customer1@example.com" },
    });
    await applyDeletions(t.db, {
      integrationId,
      resource: "customers",
      externalIds: ["c1"],
      deletedAt: new Date("2026-06-01T12:00:00.000Z"),
    });
    const state = async () => {
      const link = await t.db.contactSource.findUnique({
        where: { integrationId_externalId: { integrationId, externalId: "c1" } },
      });
      return {
        linked: link !== null && link.deletedAt === null,
        linkContactId: link?.contactId,
        contacts: await t.db.contact.findMany({ select: { id: true, email: true, firstName: true } }),
        orderContactId: (await t.db.order.findFirstOrThrow({ where: { externalId: "o1" } })).contactId,
        syncedContacts: (await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } }))
          .syncedContacts,
      };
    };
    const webhook = (c: MemoryCustomer) =>
      applyRecords(t.db, { integrationId, resource: "customers", remote: [c], map: mapMemoryCustomer });
    const untouched = {
      linked: false,
      linkContactId: contactId,
      contacts: [{ id: contactId, email: "customer1@example.com", firstName: "First1" }],
      orderContactId: contactId,
      syncedContacts: 0,
    };
    expect(await state()).toEqual(untouched);

    // A redelivery of the last update; an update made before the deletion (new name and email) that arrives after
    // it; a late update of one of the customer's orders. None links the customer again or creates a contact.
    await webhook(customer);
    await webhook({
      ...customer,
      first_name: "Late",
      email: "moved@example.com",
      updated_at: "2026-06-01T11:00:00.000Z",
    });
    await applyRecords(t.db, {
      integrationId,
      resource: "orders",
      remote: [{ ...order, financial_status: "refunded", updated_at: "2026-06-01T11:00:00.000Z" }],
      map: mapMemoryOrder,
    });
    expect(await state()).toEqual(untouched);
    expect((await t.db.order.findFirstOrThrow({ where: { externalId: "o1" } })).financialStatus).toBe(
      "refunded",
    );

    // A change made after the deletion links the customer again, to the contact it was.
    const back = { ...customer, first_name: "Back", updated_at: "2026-06-01T12:30:00.000Z" };
    await webhook(back);
    expect(await state()).toEqual({
      ...untouched,
      linked: true,
      contacts: [{ id: contactId, email: "customer1@example.com", firstName: "Back" }],
      syncedContacts: 1,
    });

    // Deleted again: the same version by webhook stays deleted; a sync that reads it from the store revives it.
    await applyDeletions(t.db, {
      integrationId,
      resource: "customers",
      externalIds: ["c1"],
      deletedAt: new Date("2026-06-02T00:00:00.000Z"),
    });
    await webhook(back);
    expect(await state()).toMatchObject({ linked: false, syncedContacts: 0 });
    await runSync(t.db, { integrationId, kind: "full", source: createMemorySource({ customers: [back] }) });
    expect(await state()).toMatchObject({ linked: true, linkContactId: contactId, syncedContacts: 1 });
    expect(await t.db.contact.count()).toBe(1);
  });

  it("applies the deletions a page lists together with its rows and cursor", async () => {
    await freshDb();
    const {
      integrationIds: [integrationId],
    } = await seedOrganization(t.db);
    await runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ orders: [0, 1, 2].map((i) => syntheticOrder(i)) }),
    });
    const reader: ResourceReader<MemoryOrder, "orders"> = {
      map: mapMemoryOrder,
      async *read() {
        yield { records: [syntheticOrder(3)], cursor: "a", deleted: ["o0"] };
        // A record that cannot be read fails alone; the page's deletions still apply, unknown ids change nothing.
        yield {
          records: [{ ...syntheticOrder(4), total: "not money" }, syntheticOrder(5)],
          cursor: "b",
          deleted: ["o1", "o404"],
        };
      },
    };
    const summary = await runSync(t.db, {
      integrationId,
      kind: "incremental",
      source: { platform: "memory", readers: { orders: reader } },
    });
    expect(summary.resources.orders).toMatchObject({ synced: 2, failed: 1 });
    const live = await t.db.order.findMany({
      where: { integrationId, deletedAt: null },
      orderBy: { externalId: "asc" },
    });
    expect(live.map((o) => o.externalId)).toEqual(["o2", "o3", "o5"]);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).syncedOrders).toBe(3);
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
    // A clean run brings the store back to connected.
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "connected",
      statusReason: null,
    });
  });
});
