/**
 * The PostgreSQL write path: COPY into temporary staging tables on the page transaction's own connection, then
 * one INSERT … SELECT … ON CONFLICT per table (app/sync/postgres-connection.server.ts).
 */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { runSync } from "./engine.server";
import {
  connectionFor,
  COPY_TUNING,
  copyText,
  TransactionConnectionLostError,
} from "./postgres-connection.server";
import { dialectFor, type Column } from "./sql.server";
import { seedOrganization } from "./testing/fixtures";
import { createMemorySource, syntheticOrder, type MemoryOrder } from "./testing/memory-source";
import type { ContactRecord, OrderRecord, ProductRecord, ResourceReader, SyncSource } from "./types";
import { writeContacts } from "./writer/contacts.server";
import type { WriteContext } from "./writer/context";
import { writeOrders } from "./writer/orders.server";
import { writeProducts } from "./writer/products.server";

const T1 = new Date("2024-01-01T00:00:00.000Z");
const T2 = new Date("2024-02-01T00:00:00.000Z");

function contact(externalId: string, email: string | null, overrides: Partial<ContactRecord> = {}) {
  return {
    externalId,
    email,
    firstName: "Ada",
    lastName: externalId,
    phone: null,
    tags: [],
    customFields: {},
    marketingState: "not_subscribed",
    marketingOptInLevel: null,
    marketingUpdatedAt: null,
    externalUpdatedAt: T1,
    ...overrides,
  } satisfies ContactRecord;
}

function order(externalId: string, overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    externalId,
    orderNumber: `#${externalId}`,
    customerExternalId: null,
    email: `${externalId}@example.com`,
    financialStatus: "paid",
    fulfillmentStatus: null,
    totalMinor: 1000n,
    currency: "EUR",
    orderDate: T1,
    externalUpdatedAt: T1,
    cancelledAt: null,
    items: [
      {
        externalId: `${externalId}-1`,
        productExternalId: null,
        variantExternalId: null,
        title: "Thing",
        sku: null,
        quantity: 1,
        unitPriceMinor: 1000n,
      },
    ],
    ...overrides,
  };
}

class Rollback extends Error {}

// Every batch through COPY + staging (minRows 1), and every batch as one JSON statement on the same connection.
describe.each([
  { path: "COPY into staging tables", minRows: 1 },
  { path: "one JSON statement per batch", minRows: Number.POSITIVE_INFINITY },
])("PostgreSQL write path on the transaction's connection: $path", ({ minRows }) => {
  let t: TestDatabase;
  let ctx: WriteContext;
  let url: string;
  const defaultMinRows = COPY_TUNING.minRows;

  beforeAll(async () => {
    COPY_TUNING.minRows = minRows;
    t = await createTestDatabase("postgres");
    url = t.url;
  });
  beforeEach(async () => {
    const { organizationId, integrationIds } = await seedOrganization(t.db);
    ctx = {
      dialect: dialectFor("postgres"),
      organizationId,
      integrationId: integrationIds[0],
      platform: "memory",
      now: new Date(),
    };
  });
  afterAll(async () => {
    COPY_TUNING.minRows = defaultMinRows;
    await t?.cleanup();
  });

  it("is used only inside a transaction, on the transaction's own connection", async () => {
    expect(await connectionFor(t.db)).toBeNull();
    const outside = new pg.Client({ connectionString: url });
    await outside.connect();
    try {
      const seen = await t.db.$transaction(async (tx) => {
        const connection = await connectionFor(tx);
        expect(connection).not.toBeNull();
        await writeContacts(tx, ctx, [contact("c1", "a@example.com"), contact("c2", "b@example.com")]);
        // Another connection does not see the rows yet: they are in the transaction, not committed beside it.
        const { rows } = await outside.query(
          `SELECT count(*)::int AS n FROM "Contact" WHERE "organizationId" = $1`,
          [ctx.organizationId],
        );
        expect(rows[0].n).toBe(0);
        // Prisma, in the same transaction, sees them: one connection, one transaction.
        return tx.contact.count({ where: { organizationId: ctx.organizationId } });
      });
      expect(seen).toBe(2);
      expect(await t.db.contactSource.count({ where: { integrationId: ctx.integrationId } })).toBe(2);
    } finally {
      await outside.end();
    }
  });

  it("rolls back with the Prisma transaction, staging tables included, and works again afterwards", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await writeContacts(tx, ctx, [contact("c1", "a@example.com")]);
        await writeOrders(tx, ctx, [order("o1")]);
        await writeProducts(tx, ctx, [
          {
            externalId: "p1",
            title: "P",
            status: "active",
            vendor: null,
            productType: null,
            handle: null,
            currency: "EUR",
            minPriceMinor: 1n,
            maxPriceMinor: 1n,
            externalUpdatedAt: T1,
            variants: [{ externalId: "v1", title: "V", sku: null, priceMinor: 1n, externalUpdatedAt: T1 }],
          } satisfies ProductRecord,
        ]);
        throw new Rollback("checkpoint failed");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await t.db.contact.count({ where: { organizationId: ctx.organizationId } })).toBe(0);
    expect(await t.db.order.count({ where: { integrationId: ctx.integrationId } })).toBe(0);
    expect(await t.db.orderItem.count({ where: { order: { integrationId: ctx.integrationId } } })).toBe(0);
    expect(await t.db.product.count({ where: { integrationId: ctx.integrationId } })).toBe(0);
    // Staging tables created in the rolled-back transaction are gone; the next transactions re-create them.
    for (let i = 0; i < 3; i += 1) {
      await t.db.$transaction((tx) => writeOrders(tx, ctx, [order(`o${i}`)]));
    }
    expect(await t.db.order.count({ where: { integrationId: ctx.integrationId } })).toBe(3);
  });

  it("deduplicates contacts by email within one page (case and spaces), newest record winning", async () => {
    await t.db.$transaction((tx) =>
      writeContacts(tx, ctx, [
        contact("c1", "Same@Example.com", { firstName: "Old", externalUpdatedAt: T1 }),
        contact("c2", " same@example.com ", { firstName: "New", externalUpdatedAt: T2 }),
        contact("c3", "other@example.com"),
      ]),
    );
    const contacts = await t.db.contact.findMany({
      where: { organizationId: ctx.organizationId },
      orderBy: { email: "asc" },
      include: { sources: true },
    });
    expect(contacts.map((c) => c.email)).toEqual(["other@example.com", "same@example.com"]);
    expect(contacts[1].firstName).toBe("New");
    expect(contacts[1].sources.map((s) => s.externalId).sort()).toEqual(["c1", "c2"]);
  });

  it("never lets an older record overwrite a newer one (contacts, orders and their items)", async () => {
    await t.db.$transaction(async (tx) => {
      await writeContacts(tx, ctx, [
        contact("c1", "a@example.com", { firstName: "Newer", externalUpdatedAt: T2 }),
      ]);
      await writeOrders(tx, ctx, [order("o1", { totalMinor: 2000n, externalUpdatedAt: T2 })]);
    });
    await t.db.$transaction(async (tx) => {
      await writeContacts(tx, ctx, [
        contact("c1", "a@example.com", { firstName: "Older", externalUpdatedAt: T1 }),
      ]);
      await writeOrders(tx, ctx, [
        order("o1", {
          totalMinor: 1000n,
          externalUpdatedAt: T1,
          items: [
            { ...order("o1").items[0], title: "stale" },
            { ...order("o1").items[0], externalId: "o1-2", title: "stale" },
          ],
        }),
      ]);
    });
    const saved = await t.db.contact.findFirstOrThrow({ where: { organizationId: ctx.organizationId } });
    expect(saved.firstName).toBe("Newer");
    const o1 = await t.db.order.findFirstOrThrow({
      where: { integrationId: ctx.integrationId },
      include: { items: true },
    });
    expect(o1.totalMinor).toBe(2000n);
    expect(o1.items.map((i) => i.title)).toEqual(["Thing"]);

    // A newer update replaces the line items (old ones deleted, new ones written).
    await t.db.$transaction((tx) =>
      writeOrders(tx, ctx, [
        order("o1", {
          externalUpdatedAt: new Date("2024-03-01T00:00:00Z"),
          items: [
            { ...order("o1").items[0], externalId: "o1-a", title: "A" },
            { ...order("o1").items[0], externalId: "o1-b", title: "B" },
          ],
        }),
      ]),
    );
    const replaced = await t.db.orderItem.findMany({
      where: { orderId: o1.id },
      orderBy: { position: "asc" },
    });
    expect(replaced.map((i) => i.title)).toEqual(["A", "B"]);
  });

  it("keeps ids over 2^53, money beyond float precision and awkward text exact through COPY", async () => {
    const bigId = "9007199254740993"; // 2^53 + 1: a double would round it
    const awkward = 'tab\there\nnew line \\N back\\slash "quoted" \r ünïcødé 🎉';
    await t.db.$transaction(async (tx) => {
      await writeContacts(tx, ctx, [
        contact(bigId, "big@example.com", {
          firstName: awkward,
          tags: ["a\tb", "c\\d"],
          customFields: { note: awkward, n: 1 },
        }),
      ]);
      await writeOrders(tx, ctx, [
        order(bigId, {
          customerExternalId: bigId,
          totalMinor: 9007199254740993n,
          items: [{ ...order("x").items[0], title: awkward, unitPriceMinor: 123456789012345678n }],
        }),
      ]);
    });
    const saved = await t.db.contact.findFirstOrThrow({
      where: { organizationId: ctx.organizationId },
      include: { sources: true, orders: { include: { items: true } } },
    });
    expect(saved.sources[0].externalId).toBe(bigId);
    expect(saved.firstName).toBe(awkward);
    expect(saved.tags).toEqual(["a\tb", "c\\d"]);
    expect(saved.customFields).toEqual({ note: awkward, n: 1 });
    expect(saved.orders[0].externalId).toBe(bigId);
    expect(saved.orders[0].totalMinor).toBe(9007199254740993n);
    expect(saved.orders[0].items[0].unitPriceMinor).toBe(123456789012345678n);
    expect(saved.orders[0].items[0].title).toBe(awkward);
  });

  it("empties a staging table used twice in one transaction", async () => {
    await t.db.$transaction(async (tx) => {
      await writeContacts(tx, ctx, [contact("c1", "a@example.com")]);
      await writeContacts(tx, ctx, [contact("c2", "b@example.com")]);
      // Were o1 still staged, the second upsert would return it as updated and delete its items.
      await writeOrders(tx, ctx, [order("o1")]);
      await writeOrders(tx, ctx, [order("o2")]);
    });
    const sources = await t.db.contactSource.findMany({ where: { integrationId: ctx.integrationId } });
    expect(sources.map((s) => s.externalId).sort()).toEqual(expect.arrayContaining(["c1", "c2"]));
    const orders = await t.db.order.findMany({
      where: { integrationId: ctx.integrationId },
      include: { items: true },
      orderBy: { externalId: "asc" },
    });
    expect(orders.map((o) => [o.externalId, o.items.length])).toEqual([
      ["o1", 1],
      ["o2", 1],
    ]);
  });

  it("refuses to write once its transaction has ended", async () => {
    const connection = await t.db.$transaction(async (tx) => (await connectionFor(tx))!);
    await expect(connection.query("SELECT 1")).rejects.toBeInstanceOf(TransactionConnectionLostError);
  });

  it("leaves nothing half-written when a page fails midway: the order whose items fail is not stored", async () => {
    // o3's line item quantity overflows an int: its Order row is upserted, then the COPY of its items fails.
    const orders = Array.from({ length: 8 }, (_, i) => syntheticOrder(i, { customerCount: 4 }));
    const base = createMemorySource({ orders, pageSize: 8 });
    const reader = base.readers.orders as ResourceReader<MemoryOrder, "orders">;
    const source: SyncSource = {
      platform: "memory",
      readers: {
        orders: {
          read: reader.read,
          map: (remote: MemoryOrder) => {
            const record = reader.map(remote);
            if (remote.id !== "o3") return record;
            return { ...record, items: record.items.map((i) => ({ ...i, quantity: 2 ** 31 })) };
          },
        },
      },
    };
    const summary = await runSync(t.db, { integrationId: ctx.integrationId, kind: "full", source });
    expect(summary.status).toBe("partial");
    expect(summary.resources.orders?.synced).toBe(7);
    expect(summary.resources.orders?.errors[0]).toMatch(/^o3: Could not save record/);
    expect(await t.db.order.count({ where: { integrationId: ctx.integrationId } })).toBe(7);
    expect(await t.db.order.count({ where: { integrationId: ctx.integrationId, externalId: "o3" } })).toBe(0);
    expect(await t.db.orderItem.count({ where: { order: { integrationId: ctx.integrationId } } })).toBe(
      orders.filter((o) => o.id !== "o3").reduce((n, o) => n + o.line_items.length, 0),
    );
  });
});

describe("COPY text encoding", () => {
  const columns: Column[] = [
    { name: "a", type: "text" },
    { name: "b", type: "bigint" },
    { name: "c", type: "json" },
    { name: "d", type: "timestamp" },
  ];

  it("escapes tabs, newlines, carriage returns and backslashes, and writes NULL as \\N", () => {
    expect(copyText(columns, [["x\ty\nz\r\\", 12345678901234567890n, { k: "v\n" }, null]])).toBe(
      'x\\ty\\nz\\r\\\\\t12345678901234567890\t{"k":"v\\\\n"}\t\\N\n',
    );
  });

  it("keeps a literal \\N string distinct from NULL, and JSON null as JSON", () => {
    expect(copyText(columns, [["\\N", null, null, "2024-01-01T00:00:00.000Z"]])).toBe(
      "\\\\N\t\\N\tnull\t2024-01-01T00:00:00.000Z\n",
    );
  });
});
