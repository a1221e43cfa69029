/** How the sync engine writes records: newest version wins, contacts merged and linked, poison records failed alone. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { applyRecords } from "./apply.server";
import { runSync } from "./engine.server";
import {
  createMemorySource,
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
  type MemoryCustomer,
  type MemoryOrder,
} from "./testing/memory-source";
import { seedOrganization } from "./testing/fixtures";
import type { ResourceReader, SyncSource } from "./types";
import { useEngineDatabase } from "./testing/engine";

describe.each(DATABASE_KINDS)("sync engine on %s", (kind) => {
  const { t, freshDb } = useEngineDatabase(kind);

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
});
