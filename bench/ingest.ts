/**
 * One measurement in a fresh process (so peak RSS belongs to it alone):
 *   tsx bench/ingest.ts <engine|floor|copy_floor|baseline> <database url> <records> [pageSize]
 * Prints one JSON line: { mode, kind, records, seconds, records_per_s, peak_rss_mb, rows }.
 *
 * - engine:   runSync over the in-memory source (the product's path).
 * - floor:    the same source, mapped by the same mappers, the same rows written in ONE transaction with prepared
 *             statements (better-sqlite3 directly for SQLite; node-postgres prepared multi-row INSERTs for
 *             PostgreSQL). No dedupe lookups, no upsert guards, no checkpoints: a lower bound on write cost.
 * - copy_floor: PostgreSQL only: the same rows as `floor`, written with `COPY … FROM STDIN` into the real tables in
 *             ONE transaction (pg-copy-streams, text format as the engine's COPY path encodes it), in chunks of
 *             5,000 rows, parents first. The fastest way PostgreSQL accepts these rows: what the engine's
 *             PostgreSQL path is measured against.
 * - baseline: a naive loop through Prisma, one record at a time: find by email (or external id), then insert or
 *             update.
 */
import { randomUUID } from "node:crypto";
import { newId } from "../app/sync/ids";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createPrismaClient } from "../app/db/client.server";
import { databaseKind, sqlitePath } from "../app/db/database-url";
import { runSync } from "../app/sync/engine.server";
import { copyText } from "../app/sync/postgres-connection.server";
import { sqlDate } from "../app/db/sql-date";
import type { Column } from "../app/sync/sql.server";
import type { ContactRecord, OrderRecord, ProductRecord, ResourceReader } from "../app/sync/types";
import { CONTACT_COLUMNS, CONTACT_SOURCE_COLUMNS } from "../app/sync/writer/contacts.server";
import { guestExternalId, normalizeEmail } from "../app/sync/writer/context";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS } from "../app/sync/writer/orders.server";
import { PRODUCT_COLUMNS, PRODUCT_VARIANT_COLUMNS } from "../app/sync/writer/products.server";
import { benchSource, shapeFor } from "./dataset";

const [mode, url, recordsArg, pageSizeArg] = process.argv.slice(2);
const records = Number(recordsArg);
const pageSize = Number(pageSizeArg ?? 1000);
const kind = databaseKind(url);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);

async function setupIntegration(): Promise<{ organizationId: string; integrationId: string }> {
  const db = createPrismaClient(url);
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Bench" } });
  const integration = await db.integration.create({
    data: { organizationId, platform: "memory", name: "Bench store", storeKey: `bench-${organizationId}` },
  });
  await db.$disconnect();
  return { organizationId, integrationId: integration.id };
}

/** Pages of mapped records of every resource, in order, as the engine would see them. */
async function* mappedPages() {
  const source = benchSource(shapeFor(records), pageSize);
  const signal = new AbortController().signal;
  for (const resource of ["customers", "orders", "products"] as const) {
    const reader = source.readers[resource] as ResourceReader<unknown>;
    for await (const page of reader.read(null, signal)) {
      yield { resource, records: page.records.map((r) => reader.map(r)) };
    }
  }
}

async function engine() {
  const { integrationId } = await setupIntegration();
  const db = createPrismaClient(url);
  const started = performance.now();
  const summary = await runSync(db, {
    integrationId,
    kind: "full",
    source: benchSource(shapeFor(records), pageSize),
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.status !== "succeeded")
    throw new Error(`bench run ended ${summary.status}: ${summary.errorMessage}`);
  const rows = {
    contacts: await db.contact.count(),
    orders: await db.order.count(),
    items: await db.orderItem.count(),
    products: await db.product.count(),
    variants: await db.productVariant.count(),
  };
  await db.$disconnect();
  return { seconds, rows };
}

type Row = unknown[];
interface RowSink {
  contact(row: Row): void | Promise<void>;
  source(row: Row): void | Promise<void>;
  order(row: Row): void | Promise<void>;
  item(row: Row): void | Promise<void>;
  product(row: Row): void | Promise<void>;
  variant(row: Row): void | Promise<void>;
}

/** Produces exactly the rows the engine writes (ids, guest contacts, links), with the least logic possible. */
async function produceRows(ctx: { organizationId: string; integrationId: string }, sink: RowSink) {
  const d = (value: Date | null) => sqlDate(kind, value);
  const now = d(new Date());
  const contactBySource = new Map<string, string>();
  const contactByEmail = new Map<string, string>();
  let rows = 0;
  for await (const page of mappedPages()) {
    if (page.resource === "customers") {
      for (const c of page.records as ContactRecord[]) {
        const id = newId();
        const email = normalizeEmail(c.email);
        if (email) contactByEmail.set(email, id);
        contactBySource.set(c.externalId, id);
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
        await sink.source([newId(), id, ctx.integrationId, c.externalId, d(c.externalUpdatedAt), now, now]);
        rows += 2;
      }
    } else if (page.resource === "orders") {
      for (const o of page.records as OrderRecord[]) {
        const email = normalizeEmail(o.email);
        const key = o.customerExternalId ?? (email ? guestExternalId(email) : null);
        let contactId = key ? contactBySource.get(key) : undefined;
        if (!contactId && key) {
          contactId = (email && contactByEmail.get(email)) || newId();
          if (email && !contactByEmail.has(email)) {
            contactByEmail.set(email, contactId);
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
          }
          contactBySource.set(key, contactId);
          await sink.source([newId(), contactId, ctx.integrationId, key, null, now, now]);
          rows += 2;
        }
        const orderId = newId();
        await sink.order([
          orderId,
          ctx.organizationId,
          ctx.integrationId,
          contactId ?? null,
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
          await sink.item([
            newId(),
            orderId,
            item.externalId,
            item.productExternalId,
            item.variantExternalId,
            item.title,
            item.sku,
            item.quantity,
            item.unitPriceMinor,
            position,
          ]);
          rows += 1;
        }
      }
    } else {
      for (const p of page.records as ProductRecord[]) {
        const productId = newId();
        await sink.product([
          productId,
          ctx.organizationId,
          ctx.integrationId,
          p.externalId,
          p.title,
          p.status,
          p.vendor,
          p.productType,
          p.handle,
          p.currency,
          p.minPriceMinor,
          p.maxPriceMinor,
          d(p.externalUpdatedAt),
          now,
          now,
        ]);
        rows += 1;
        for (const v of p.variants) {
          await sink.variant([
            newId(),
            productId,
            ctx.integrationId,
            v.externalId,
            v.title,
            v.sku,
            v.priceMinor,
            d(v.externalUpdatedAt ?? p.externalUpdatedAt),
          ]);
          rows += 1;
        }
      }
    }
  }
  return rows;
}

/** The writer's own column lists (the rows above are produced in the same order). */
const TABLES: Record<string, readonly [string, Column[]]> = {
  contact: ["Contact", CONTACT_COLUMNS],
  source: ["ContactSource", CONTACT_SOURCE_COLUMNS],
  order: ["Order", ORDER_COLUMNS],
  item: ["OrderItem", ORDER_ITEM_COLUMNS],
  product: ["Product", PRODUCT_COLUMNS],
  variant: ["ProductVariant", PRODUCT_VARIANT_COLUMNS],
};
type TableKey = "contact" | "source" | "order" | "item" | "product" | "variant";

async function floorSqlite(ctx: { organizationId: string; integrationId: string }) {
  const db = new Database(sqlitePath(url));
  const statements = Object.fromEntries(
    Object.entries(TABLES).map(([key, [table, columns]]) => [
      key,
      db.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
    ]),
  ) as Record<TableKey, Database.Statement>;
  const started = performance.now();
  db.exec("BEGIN");
  const run = (key: TableKey) => (row: Row) => void statements[key].run(...row);
  const rows = await produceRows(ctx, {
    contact: run("contact"),
    source: run("source"),
    order: run("order"),
    item: run("item"),
    product: run("product"),
    variant: run("variant"),
  });
  db.exec("COMMIT");
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, rows: { total: rows } };
}

/** PostgreSQL casts of the writer's column types. */
const PG_TYPES: Record<Column["type"], string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

async function floorPostgres(ctx: { organizationId: string; integrationId: string }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const ROWS_PER_STATEMENT = 500;
  const buffers = Object.fromEntries(Object.keys(TABLES).map((k) => [k, [] as Row[]])) as Record<
    TableKey,
    Row[]
  >;
  const sqlFor = (key: TableKey, n: number) => {
    const [table, columns] = TABLES[key];
    const tuples = Array.from(
      { length: n },
      (_, r) =>
        `(${columns.map((c, i) => `$${r * columns.length + i + 1}::${PG_TYPES[c.type]}`).join(", ")})`,
    );
    return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES ${tuples.join(", ")}`;
  };
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
    const values = rows.flat().map((v) => (typeof v === "bigint" ? v.toString() : v));
    // Named statements are prepared once per connection (and per batch size) and reused.
    await client.query({ name: `floor_${key}_${rows.length}`, text: sqlFor(key, rows.length), values });
  };
  // Foreign keys are checked per statement: when any buffer is full, flush all of them, parents first.
  const ORDER: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];
  const push = (key: TableKey) => async (row: Row) => {
    buffers[key].push(row);
    if (buffers[key].length >= ROWS_PER_STATEMENT) for (const k of ORDER) await flush(k);
  };
  const started = performance.now();
  await client.query("BEGIN");
  const rows = await produceRows(ctx, {
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

/**
 * The same rows through `COPY … FROM STDIN` into the real tables, one transaction. Rows are buffered per table and,
 * when any buffer fills, every buffer is copied parents first (foreign keys are checked as rows arrive).
 */
async function copyFloorPostgres(ctx: { organizationId: string; integrationId: string }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const ROWS_PER_COPY = 5000;
  const buffers = Object.fromEntries(Object.keys(TABLES).map((k) => [k, [] as Row[]])) as Record<
    TableKey,
    Row[]
  >;
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
    const [table, columns] = TABLES[key];
    const stream = client.query(
      copyFrom(`COPY "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) FROM STDIN`),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("finish", resolve);
      // produceRows hands JSON columns over as JSON text (the floor's prepared statements bind text).
      const typed = columns.map((c) => (c.type === "json" ? { ...c, type: "text" as const } : c));
      stream.end(copyText(typed, rows));
    });
  };
  const ORDER: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];
  const push = (key: TableKey) => async (row: Row) => {
    buffers[key].push(row);
    if (buffers[key].length >= ROWS_PER_COPY) for (const k of ORDER) await flush(k);
  };
  const started = performance.now();
  await client.query("BEGIN");
  const rows = await produceRows(ctx, {
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

/** The naive loop: per record, look up by email / external id through Prisma, then create or update. */
async function baseline(ctx: { organizationId: string; integrationId: string }) {
  const db = createPrismaClient(url);
  const started = performance.now();
  for await (const page of mappedPages()) {
    if (page.resource === "customers") {
      for (const c of page.records as ContactRecord[]) {
        const email = normalizeEmail(c.email);
        const existing = email
          ? await db.contact.findFirst({ where: { organizationId: ctx.organizationId, email } })
          : null;
        const data = {
          firstName: c.firstName,
          lastName: c.lastName,
          phone: c.phone,
          tags: c.tags,
          customFields: c.customFields as object,
          marketingState: c.marketingState,
          externalUpdatedAt: c.externalUpdatedAt,
        };
        const contact = existing
          ? await db.contact.update({ where: { id: existing.id }, data })
          : await db.contact.create({
              data: { ...data, organizationId: ctx.organizationId, email, source: "memory" },
            });
        await db.contactSource.upsert({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: c.externalId } },
          create: { contactId: contact.id, integrationId: ctx.integrationId, externalId: c.externalId },
          update: { contactId: contact.id },
        });
      }
    } else if (page.resource === "orders") {
      for (const o of page.records as OrderRecord[]) {
        const email = normalizeEmail(o.email);
        const contact = email
          ? await db.contact.findFirst({ where: { organizationId: ctx.organizationId, email } })
          : null;
        const existing = await db.order.findUnique({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: o.externalId } },
        });
        const data = {
          contactId: contact?.id ?? null,
          orderNumber: o.orderNumber,
          financialStatus: o.financialStatus,
          fulfillmentStatus: o.fulfillmentStatus,
          totalMinor: o.totalMinor,
          currency: o.currency,
          email,
          orderDate: o.orderDate,
          externalUpdatedAt: o.externalUpdatedAt,
        };
        const items = o.items.map((i, position) => ({
          externalId: i.externalId,
          productExternalId: i.productExternalId,
          variantExternalId: i.variantExternalId,
          title: i.title,
          sku: i.sku,
          quantity: i.quantity,
          unitPriceMinor: i.unitPriceMinor,
          position,
        }));
        if (existing)
          await db.order.update({
            where: { id: existing.id },
            data: { ...data, items: { deleteMany: {}, create: items } },
          });
        else
          await db.order.create({
            data: {
              ...data,
              organizationId: ctx.organizationId,
              integrationId: ctx.integrationId,
              externalId: o.externalId,
              platform: "memory",
              items: { create: items },
            },
          });
      }
    } else {
      for (const p of page.records as ProductRecord[]) {
        const existing = await db.product.findUnique({
          where: { integrationId_externalId: { integrationId: ctx.integrationId, externalId: p.externalId } },
        });
        const data = {
          title: p.title,
          status: p.status,
          vendor: p.vendor,
          productType: p.productType,
          handle: p.handle,
          currency: p.currency,
          minPriceMinor: p.minPriceMinor,
          maxPriceMinor: p.maxPriceMinor,
          externalUpdatedAt: p.externalUpdatedAt,
        };
        const variants = p.variants.map((v) => ({
          integrationId: ctx.integrationId,
          externalId: v.externalId,
          title: v.title,
          sku: v.sku,
          priceMinor: v.priceMinor,
          externalUpdatedAt: v.externalUpdatedAt,
        }));
        if (existing) await db.product.update({ where: { id: existing.id }, data });
        else
          await db.product.create({
            data: {
              ...data,
              organizationId: ctx.organizationId,
              integrationId: ctx.integrationId,
              externalId: p.externalId,
              variants: { create: variants },
            },
          });
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await db.$disconnect();
  return { seconds, rows: {} };
}

if (mode === "copy_floor" && kind !== "postgres") throw new Error("copy_floor is a PostgreSQL measurement");
const ctx = mode === "engine" ? null : await setupIntegration();
const result =
  mode === "engine"
    ? await engine()
    : mode === "floor"
      ? kind === "sqlite"
        ? await floorSqlite(ctx!)
        : await floorPostgres(ctx!)
      : mode === "copy_floor"
        ? await copyFloorPostgres(ctx!)
        : await baseline(ctx!);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({
    mode,
    kind,
    records,
    pageSize,
    seconds: Number(result.seconds.toFixed(3)),
    records_per_s: Math.round(records / result.seconds),
    peak_rss_mb: Number((peakRss / 1024 / 1024).toFixed(1)),
    rows: result.rows,
  })}\n`,
);
