/**
 * The floor of `shopify_full_sync` (run by shopify-child.ts, mode `floor`): the lower bound for parsing and writing
 * the same JSONL the product syncs — no spool, lookups, upserts or checkpoints.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { createPrismaClient } from "../../app/db/client.server";
import { databaseKind, sqlitePath } from "../../app/db/database-url";
import { sqlDate } from "../../app/db/sql-date";
import { toMinorUnits } from "../../app/lib/money";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import { BulkOperations } from "../../app/platforms/shopify/bulk/operation.server";
import { ShopifyGraphqlClient } from "../../app/platforms/shopify/client.server";
import { emulatorRedirectFetch } from "../../app/platforms/shopify/emulator-fetch.server";
import { mapCustomerNode } from "../../app/platforms/shopify/mapping/customers";
import { mapOrderNode } from "../../app/platforms/shopify/mapping/orders";
import { mapProductNode } from "../../app/platforms/shopify/mapping/products";
import type {
  ShopifyCustomerNode,
  ShopifyLineItemNode,
  ShopifyOrderNode,
  ShopifyProductNode,
  ShopifyVariantNode,
} from "../../app/platforms/shopify/mapping/types";
import { bulkQueryFor, RESOURCE_SPECS } from "../../app/platforms/shopify/readers/specs";
import { ShopifyThrottle } from "../../app/platforms/shopify/throttle";
import type {} from "../../app/sync/platform";
import type { Column } from "../../app/sync/sql.server";
import { RESOURCES } from "../../app/sync/types";
import { CONTACT_COLUMNS, CONTACT_SOURCE_COLUMNS } from "../../app/sync/writer/contacts.server";
import { normalizeEmail } from "../../app/sync/writer/context";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS } from "../../app/sync/writer/orders.server";
import { PRODUCT_COLUMNS, PRODUCT_VARIANT_COLUMNS } from "../../app/sync/writer/products.server";
import { SHOP, type ChildOptions } from "./shopify-shared";
import { postgresMultiRowInsert, prepareSqliteInserts } from "../floor-sql";
import { orderContact, type FloorContacts } from "../synced-rows";
type Row = Record<string, unknown>;
type TableKey = "contact" | "source" | "order" | "item" | "product" | "variant";
const TABLES: Record<TableKey, readonly [string, Column[]]> = {
  contact: ["Contact", CONTACT_COLUMNS],
  source: ["ContactSource", CONTACT_SOURCE_COLUMNS],
  order: ["Order", ORDER_COLUMNS],
  item: ["OrderItem", ORDER_ITEM_COLUMNS],
  product: ["Product", PRODUCT_COLUMNS],
  variant: ["ProductVariant", PRODUCT_VARIANT_COLUMNS],
};
const PARENTS_FIRST: TableKey[] = ["contact", "source", "order", "item", "product", "variant"];

interface RowSink {
  write(key: TableKey, row: Row): void | Promise<void>;
  finish(): Promise<void>;
}

function sqliteSink(url: string): RowSink {
  const db = new Database(sqlitePath(url));
  const statements = prepareSqliteInserts(db, TABLES);
  db.exec("BEGIN");
  return {
    write(key, row) {
      statements[key].run(...TABLES[key][1].map((c) => row[c.name] ?? null));
    },
    async finish() {
      db.exec("COMMIT");
      db.close();
    },
  };
}

async function postgresSink(url: string): Promise<RowSink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const ROWS_PER_STATEMENT = 500;
  const buffers = Object.fromEntries(PARENTS_FIRST.map((k) => [k, [] as unknown[][]])) as Record<
    TableKey,
    unknown[][]
  >;
  const sqlFor = (key: TableKey, n: number) => postgresMultiRowInsert(TABLES[key][0], TABLES[key][1], n);
  const flush = async (key: TableKey) => {
    const rows = buffers[key];
    if (rows.length === 0) return;
    buffers[key] = [];
    const values = rows.flat().map((v) => (typeof v === "bigint" ? v.toString() : v));
    await client.query({ name: `floor_${key}_${rows.length}`, text: sqlFor(key, rows.length), values });
  };
  await client.query("BEGIN");
  return {
    async write(key, row) {
      buffers[key].push(TABLES[key][1].map((c) => row[c.name] ?? null));
      // Foreign keys are checked per statement: when one buffer is full, flush all, parents first.
      if (buffers[key].length >= ROWS_PER_STATEMENT) for (const k of PARENTS_FIRST) await flush(k);
    },
    async finish() {
      for (const k of PARENTS_FIRST) await flush(k);
      await client.query("COMMIT");
      await client.end();
    },
  };
}

/** Runs the app's bulk queries once and saves their JSONL files (not timed). */
async function downloadExports(dir: string, emulatorUrl: string): Promise<Record<string, string>> {
  const tokenResponse = await fetch(`${emulatorUrl}/_emulator/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop: SHOP }),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const fetchFn = emulatorRedirectFetch(emulatorUrl);
  const client = new ShopifyGraphqlClient({
    shop: SHOP,
    apiVersion: SHOPIFY_API_VERSION,
    fetch: fetchFn,
    accessToken: { get: async () => token, refresh: async () => null },
    recordCall: () => undefined,
    throttle: new ShopifyThrottle(),
  });
  const bulk = new BulkOperations({
    client,
    fetch: fetchFn,
    recordCall: () => undefined,
    pollIntervalMs: { initial: 50, max: 500 },
  });
  const files: Record<string, string> = {};
  for (const resource of RESOURCES) {
    const started = await bulk.start(bulkQueryFor(RESOURCE_SPECS[resource], null));
    const done = await bulk.waitUntilDone(started.id);
    files[resource] = join(dir, `${resource}.jsonl`);
    if (!done.url) {
      await pipeline(Readable.from([]), createWriteStream(files[resource]));
      continue;
    }
    const stream = await bulk.download(done.url);
    await pipeline(
      Readable.fromWeb(stream as import("node:stream/web").ReadableStream),
      createWriteStream(files[resource]),
    );
  }
  return files;
}

async function* jsonLines(file: string): AsyncGenerator<Record<string, unknown>> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity }))
    if (line) yield JSON.parse(line) as Record<string, unknown>;
}

/**
 * `shopify-child.ts floor`: the same bulk queries run once and their files downloaded (not timed); then every line
 * parsed, mapped with the product's mappers and written with prepared statements in one transaction.
 */
export async function shopifyFloor(url: string, emulatorUrl: string, options: ChildOptions) {
  const kind = databaseKind(url);
  const dir = mkdtempSync(join(tmpdir(), "bench-shopify-floor-"));
  const files = await downloadExports(dir, emulatorUrl);
  const setup = createPrismaClient(url);
  const organizationId = randomUUID();
  await setup.organization.create({ data: { id: organizationId, name: "Bench floor" } });
  const integration = await setup.integration.create({
    data: { organizationId, platform: "shopify", name: "Bench floor", storeKey: SHOP },
  });
  await setup.$disconnect();
  const integrationId = integration.id;
  const d = (value: Date | null | undefined) => sqlDate(kind, value ?? null);

  const started = performance.now();
  const sink = kind === "sqlite" ? sqliteSink(url) : await postgresSink(url);
  const now = d(new Date());
  let idSeq = 0;
  const newRowId = () => `f${(idSeq++).toString(36).padStart(10, "0")}`;
  const contacts: FloorContacts = { bySource: new Map(), byEmail: new Map() };
  let records = 0;
  let rows = 0;
  const write = async (key: TableKey, row: Row) => {
    rows += 1;
    await sink.write(key, row);
  };

  for await (const node of jsonLines(files.customers)) {
    const c = mapCustomerNode(node as unknown as ShopifyCustomerNode);
    const id = newRowId();
    const email = normalizeEmail(c.email);
    if (email) contacts.byEmail.set(email, id);
    contacts.bySource.set(c.externalId, id);
    records += 1;
    await write("contact", {
      id,
      organizationId,
      email,
      firstName: c.firstName,
      lastName: c.lastName,
      phone: c.phone,
      tags: JSON.stringify(c.tags),
      customFields: JSON.stringify(c.customFields),
      source: "shopify",
      marketingState: c.marketingState,
      marketingOptInLevel: c.marketingOptInLevel,
      marketingUpdatedAt: d(c.marketingUpdatedAt),
      externalUpdatedAt: d(c.externalUpdatedAt),
      createdAt: now,
      updatedAt: now,
    });
    await write("source", {
      id: newRowId(),
      contactId: id,
      integrationId,
      externalId: c.externalId,
      externalUpdatedAt: d(c.externalUpdatedAt),
      createdAt: now,
      updatedAt: now,
    });
  }

  // Children (line items, variants) whose parent line has not been read yet wait here; the rest go at once.
  const parentIds = new Map<string, { id: string; children: number; currency: string }>();
  const pending = new Map<string, Record<string, unknown>[]>();
  const writeItem = async (
    parent: { id: string; children: number; currency: string },
    item: ShopifyLineItemNode,
  ) => {
    const money = item.originalUnitPriceSet?.shopMoney;
    await write("item", {
      id: newRowId(),
      orderId: parent.id,
      externalId: item.id,
      productExternalId: item.product?.id ?? null,
      variantExternalId: item.variant?.id ?? null,
      title: item.title,
      sku: item.sku?.trim() || null,
      quantity: item.quantity,
      unitPriceMinor: money ? toMinorUnits(money.amount, money.currencyCode || parent.currency) : null,
      position: parent.children++,
    });
  };
  for await (const node of jsonLines(files.orders)) {
    const parentGid = node.__parentId as string | undefined;
    if (parentGid) {
      const parent = parentIds.get(parentGid);
      if (parent) await writeItem(parent, node as unknown as ShopifyLineItemNode);
      else pending.set(parentGid, [...(pending.get(parentGid) ?? []), node]);
      continue;
    }
    const o = mapOrderNode({ ...(node as unknown as ShopifyOrderNode), lineItems: { nodes: [] } });
    records += 1;
    const { email, contactId, newContact, newSourceKey } = orderContact(o, contacts, newRowId);
    if (newContact)
      await write("contact", {
        id: contactId,
        organizationId,
        email,
        firstName: o.customerFirstName ?? null,
        lastName: o.customerLastName ?? null,
        tags: "[]",
        customFields: "{}",
        source: "shopify",
        marketingState: "not_subscribed",
        createdAt: now,
        updatedAt: now,
      });
    if (newSourceKey)
      await write("source", {
        id: newRowId(),
        contactId,
        integrationId,
        externalId: newSourceKey,
        createdAt: now,
        updatedAt: now,
      });
    const parent = { id: newRowId(), children: 0, currency: o.currency };
    parentIds.set(o.externalId, parent);
    await write("order", {
      id: parent.id,
      organizationId,
      integrationId,
      contactId,
      externalId: o.externalId,
      orderNumber: o.orderNumber,
      platform: "shopify",
      financialStatus: o.financialStatus,
      fulfillmentStatus: o.fulfillmentStatus,
      totalMinor: o.totalMinor,
      currency: o.currency,
      email,
      orderDate: d(o.orderDate),
      externalUpdatedAt: d(o.externalUpdatedAt),
      cancelledAt: d(o.cancelledAt),
      createdAt: now,
      updatedAt: now,
    });
    for (const item of pending.get(o.externalId) ?? [])
      await writeItem(parent, item as unknown as ShopifyLineItemNode);
    pending.delete(o.externalId);
  }

  parentIds.clear();
  const writeVariant = async (parent: { id: string; currency: string }, v: ShopifyVariantNode) =>
    write("variant", {
      id: newRowId(),
      productId: parent.id,
      integrationId,
      externalId: v.id,
      title: v.title,
      sku: v.sku?.trim() || null,
      priceMinor: v.price === null || v.price === undefined ? null : toMinorUnits(v.price, parent.currency),
      externalUpdatedAt: v.updatedAt ? d(new Date(v.updatedAt)) : null,
    });
  const currency = "USD";
  for await (const node of jsonLines(files.products)) {
    const parentGid = node.__parentId as string | undefined;
    if (parentGid) {
      const parent = parentIds.get(parentGid);
      if (parent) await writeVariant(parent, node as unknown as ShopifyVariantNode);
      else pending.set(parentGid, [...(pending.get(parentGid) ?? []), node]);
      continue;
    }
    const p = mapProductNode(
      { ...(node as unknown as ShopifyProductNode), variants: { nodes: [] } },
      currency,
    );
    records += 1;
    const parent = { id: newRowId(), children: 0, currency };
    parentIds.set(p.externalId, parent);
    await write("product", {
      id: parent.id,
      organizationId,
      integrationId,
      externalId: p.externalId,
      title: p.title,
      status: p.status,
      vendor: p.vendor,
      productType: p.productType,
      handle: p.handle,
      currency: p.currency,
      externalUpdatedAt: d(p.externalUpdatedAt),
      createdAt: now,
      updatedAt: now,
    });
    for (const v of pending.get(p.externalId) ?? [])
      await writeVariant(parent, v as unknown as ShopifyVariantNode);
    pending.delete(p.externalId);
  }
  await sink.finish();
  const seconds = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  const expected = options.expected.customers + options.expected.orders + options.expected.products;
  if (records !== expected || pending.size > 0)
    throw new Error(`The floor read ${records} of ${expected} records (${pending.size} orphaned children).`);
  return { seconds, rows: { total: rows } };
}
