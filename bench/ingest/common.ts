/**
 * What every ingest mode shares: the run's parameters, the bench integration, the source's mapped pages and the
 * rows the engine would write (for the floors), in the writer's own column order.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPrismaClient } from "../../app/db/client.server";
import { sqlDate } from "../../app/db/sql-date";
import { orderedId } from "../../app/db/ordered-id";
import type { Column } from "../../app/sync/sql.server";
import type { ContactRecord, OrderRecord, ProductRecord, ResourceReader } from "../../app/sync/types";
import { CONTACT_COLUMNS, CONTACT_SOURCE_COLUMNS } from "../../app/sync/writer/contacts.server";
import { normalizeEmail } from "../../app/sync/writer/context";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS, orderItemRow } from "../../app/sync/writer/orders.server";
import {
  PRODUCT_COLUMNS,
  PRODUCT_VARIANT_COLUMNS,
  productRow,
  variantRow,
} from "../../app/sync/writer/products.server";
import { benchSource, shapeFor } from "../dataset";
import { orderContact, type FloorContacts } from "../synced-rows";

/** One measurement's parameters (from the command line). */
export interface IngestRun {
  url: string;
  kind: "sqlite" | "postgres";
  records: number;
  pageSize: number;
}

/** The organization and integration the rows belong to. */
export interface BenchTarget {
  organizationId: string;
  integrationId: string;
}

/** What a mode returns: the ingest's wall time and the rows it wrote. */
export interface IngestResult {
  seconds: number;
  rows: Record<string, number>;
}

export async function setupIntegration(run: IngestRun): Promise<BenchTarget> {
  const db = createPrismaClient(run.url);
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Bench" } });
  const integration = await db.integration.create({
    data: { organizationId, platform: "memory", name: "Bench store", storeKey: `bench-${organizationId}` },
  });
  await db.$disconnect();
  return { organizationId, integrationId: integration.id };
}

/** Pages of mapped records of every resource, in order, as the engine would see them. */
export async function* mappedPages(run: IngestRun) {
  const source = benchSource(shapeFor(run.records), run.pageSize);
  const signal = new AbortController().signal;
  for (const resource of ["customers", "orders", "products"] as const) {
    const reader = source.readers[resource] as ResourceReader<unknown>;
    for await (const page of reader.read(null, signal)) {
      yield { resource, records: page.records.map((r) => reader.map(r)) };
    }
  }
}

export type Row = unknown[];
export interface RowSink {
  contact(row: Row): void | Promise<void>;
  source(row: Row): void | Promise<void>;
  order(row: Row): void | Promise<void>;
  item(row: Row): void | Promise<void>;
  product(row: Row): void | Promise<void>;
  variant(row: Row): void | Promise<void>;
}

/** Produces exactly the rows the engine writes (ids, guest contacts, links), with the least logic possible. */
export async function produceRows(run: IngestRun, ctx: BenchTarget, sink: RowSink) {
  const d = (value: Date | null) => sqlDate(run.kind, value);
  const now = d(new Date());
  const contacts: FloorContacts = { bySource: new Map(), byEmail: new Map() };
  let rows = 0;
  for await (const page of mappedPages(run)) {
    if (page.resource === "customers") {
      for (const c of page.records as ContactRecord[]) {
        const id = orderedId();
        const email = normalizeEmail(c.email);
        if (email) contacts.byEmail.set(email, id);
        contacts.bySource.set(c.externalId, id);
        await sink.contact([
          id,
          ctx.organizationId,
          email,
          c.firstName,
          c.lastName,
          c.phone,
          JSON.stringify(c.tags),
          JSON.stringify(c.customFields),
          "memory",
          c.marketingState,
          c.marketingOptInLevel,
          d(c.marketingUpdatedAt),
          d(c.externalUpdatedAt),
          now,
          now,
        ]);
        await sink.source([
          orderedId(),
          id,
          ctx.integrationId,
          c.externalId,
          d(c.externalUpdatedAt),
          now,
          now,
        ]);
        rows += 2;
      }
    } else if (page.resource === "orders") {
      for (const o of page.records as OrderRecord[]) {
        const { email, contactId, newContact, newSourceKey } = orderContact(o, contacts, orderedId);
        if (newContact)
          await sink.contact([
            contactId,
            ctx.organizationId,
            email,
            o.customerFirstName ?? null,
            o.customerLastName ?? null,
            null,
            "[]",
            "{}",
            "memory",
            "not_subscribed",
            null,
            null,
            null,
            now,
            now,
          ]);
        if (newSourceKey) {
          await sink.source([orderedId(), contactId, ctx.integrationId, newSourceKey, null, now, now]);
          rows += 2;
        }
        const orderId = orderedId();
        await sink.order([
          orderId,
          ctx.organizationId,
          ctx.integrationId,
          contactId,
          o.externalId,
          o.orderNumber,
          "memory",
          o.financialStatus,
          o.fulfillmentStatus,
          o.totalMinor,
          o.currency,
          email,
          d(o.orderDate),
          d(o.externalUpdatedAt),
          d(o.cancelledAt),
          now,
          now,
        ]);
        rows += 1;
        for (const [position, item] of o.items.entries()) {
          await sink.item(orderItemRow(orderId, item, position));
          rows += 1;
        }
      }
    } else {
      for (const p of page.records as ProductRecord[]) {
        const row = productRow(ctx, p, d(p.externalUpdatedAt), now);
        const productId = row[0] as string;
        await sink.product(row);
        rows += 1;
        for (const v of p.variants) {
          await sink.variant(variantRow(ctx, productId, v, d(v.externalUpdatedAt ?? p.externalUpdatedAt)));
          rows += 1;
        }
      }
    }
  }
  return rows;
}

/** The writer's own column lists (the rows above are produced in the same order). */
export const TABLES: Record<string, readonly [string, Column[]]> = {
  contact: ["Contact", CONTACT_COLUMNS],
  source: ["ContactSource", CONTACT_SOURCE_COLUMNS],
  order: ["Order", ORDER_COLUMNS],
  item: ["OrderItem", ORDER_ITEM_COLUMNS],
  product: ["Product", PRODUCT_COLUMNS],
  variant: ["ProductVariant", PRODUCT_VARIANT_COLUMNS],
};
export type TableKey = "contact" | "source" | "order" | "item" | "product" | "variant";

/**
 * The PostgreSQL floors' shared loop: every row of the run buffered per table and written with `write` in ONE
 * transaction. When any buffer reaches `rowsPerWrite`, every buffer is written, parents first (foreign keys are
 * checked as rows arrive, so a child must never reach the table before its parent).
 */
export async function bufferedPostgresTransaction(
  run: IngestRun,
  ctx: BenchTarget,
  rowsPerWrite: number,
  write: (client: pg.Client, key: TableKey, rows: Row[]) => Promise<void>,
): Promise<IngestResult> {
  const client = new pg.Client({ connectionString: run.url });
  await client.connect();
  const buffers = Object.fromEntries(Object.keys(TABLES).map((k) => [k, [] as Row[]])) as Record<
    TableKey,
    Row[]
  >;
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
    await write(client, key, rows);
  };
  const ORDER: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];
  const push = (key: TableKey) => async (row: Row) => {
    buffers[key].push(row);
    if (buffers[key].length >= rowsPerWrite) for (const k of ORDER) await flush(k);
  };
  const started = performance.now();
  await client.query("BEGIN");
  const rows = await produceRows(run, ctx, {
    contact: push("contact"),
    source: push("source"),
    order: push("order"),
    item: push("item"),
    product: push("product"),
    variant: push("variant"),
  });
  for (const key of ORDER) await flush(key);
  await client.query("COMMIT");
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { seconds, rows: { total: rows } };
}
