/** The sync engine's deletions: soft-deleted orders and products, unlinked customers, and late updates that must not revive them. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { applyDeletions, applyRecords } from "./apply.server";
import { runSync } from "./engine.server";
import {
  createMemorySource,
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
import type { ResourceReader } from "./types";
import { useEngineDatabase } from "./testing/engine";

describe.each(DATABASE_KINDS)("sync engine on %s", (kind) => {
  const { t, freshDb } = useEngineDatabase(kind);

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
});
