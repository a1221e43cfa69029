/**
 * One Shopify measurement in its own process (so peak RSS is the sync's alone), against a Shopify emulator running
 * in another process:
 *
 *   tsx bench/suites/shopify-child.ts engine    <database url> <emulator url> <options json>
 *   tsx bench/suites/shopify-child.ts throttled <database url> <emulator url> <options json>
 *   tsx bench/suites/shopify-child.ts floor     <database url> <emulator url> <options json>
 *
 * - engine: the product's path. The shop is installed through the authorization-code grant (token stored in the
 *   encrypted session storage, webhook subscriptions made, shop info read), then `runSync` (full) through the real
 *   Shopify platform: counts, bulk operations, JSONL download into the spool, join, map, write. The app's webhook
 *   route is stood in for by `receiveShopifyWebhook` on the app URL, so `bulk_operations/finish` arrives and is
 *   stored as in production. Prints records/s, wall time and the process's peak RSS.
 * - throttled: the same install, then an incremental sync read through pages only (no bulk) against a Standard
 *   bucket; every GraphQL answer's `actualQueryCost` is summed, and the emulator's clock gives the emulated time.
 * - floor: the same bulk queries run once, their JSONL files downloaded to disk (not timed), then parsed with
 *   `JSON.parse`, mapped and written with prepared statements in one transaction (timed): no spool, no engine.
 */
import { createServer, type Server } from "node:http";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { createPrismaClient } from "../../app/db/client.server";
import { databaseKind, sqlitePath } from "../../app/db/database-url";
import { sqlDate } from "../../app/db/sql-date";
import { parseEnv, SHOPIFY_SCOPES } from "../../app/env.server";
import { completeShopifyInstall } from "../../app/integrations/shopify-install.server";
import {
  beginShopifyAuthorization,
  completeShopifyAuthorization,
  type ShopifyOAuthDeps,
} from "../../app/integrations/shopify-oauth.server";
import { receiveShopifyWebhook } from "../../app/integrations/shopify-webhooks.server";
import { silentLogger } from "../../app/lib/logger";
import { toMinorUnits } from "../../app/lib/money";
import { buildPlatforms } from "../../app/platforms/index.server";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import { BulkOperations } from "../../app/platforms/shopify/bulk/operation.server";
import { ShopifyGraphqlClient } from "../../app/platforms/shopify/client.server";
import { shopifyFetch } from "../../app/platforms/shopify/config.server";
import {
  emulatorRedirectFetch,
  routeShopifyToEmulator,
} from "../../app/platforms/shopify/emulator-fetch.server";
import { createShopifyPlatform } from "../../app/platforms/shopify/index.server";
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
import { runSync } from "../../app/sync/engine.server";
import type { AppDb } from "../../app/sync/platform";
import type { Column } from "../../app/sync/sql.server";
import { RESOURCES } from "../../app/sync/types";
import { CONTACT_COLUMNS, CONTACT_SOURCE_COLUMNS } from "../../app/sync/writer/contacts.server";
import { guestExternalId, normalizeEmail } from "../../app/sync/writer/context";
import { ORDER_COLUMNS, ORDER_ITEM_COLUMNS } from "../../app/sync/writer/orders.server";
import { PRODUCT_COLUMNS, PRODUCT_VARIANT_COLUMNS } from "../../app/sync/writer/products.server";
import { peakRssMb } from "./common";
import { BENCH_API_KEY, BENCH_API_SECRET, SHOP, type ChildOptions } from "./shopify-shared";

const [mode, url, emulatorUrl, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? "{}") as ChildOptions;
const kind = databaseKind(url);

/** The app's webhook route, stood in for on the app URL (same intake service, signature checked by it). */
async function startWebhookReceiver(db: AppDb, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(key, value);
      const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "POST" ? new Uint8Array(Buffer.concat(chunks)) : undefined,
      });
      receiveShopifyWebhook(
        {
          db,
          apiSecret: BENCH_API_SECRET,
          enqueue: async () => undefined,
        },
        request,
      )
        .then((response) => {
          res.writeHead(response.status);
          res.end();
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

interface CostMeter {
  actualPoints: number;
  throttledAnswers: number;
  requests: number;
}

/** Installs the shop through the authorization-code grant, as a merchant starting from the login page would. */
async function install(fetchFn?: typeof fetch) {
  const appUrl = `http://127.0.0.1:${options.appPort}`;
  const env = parseEnv({
    NODE_ENV: "production",
    SHOPIFY_API_KEY: BENCH_API_KEY,
    SHOPIFY_API_SECRET: BENCH_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    SHOPIFY_EMULATOR_URL: emulatorUrl,
    DATABASE_URL: url,
  });
  routeShopifyToEmulator(emulatorUrl);
  const db = createPrismaClient(url) as unknown as AppDb;
  const deps = { env, keyring: keyringFrom(env.ENCRYPTION_KEY), logger: silentLogger };
  const spoolDir = mkdtempSync(join(tmpdir(), "bench-shopify-spool-"));
  const platform = createShopifyPlatform(deps, {
    spoolDir,
    ...(fetchFn ? { fetch: fetchFn } : {}),
    tuning:
      mode === "throttled"
        ? { bulkThreshold: Number.POSITIVE_INFINITY, timeScale: options.timeScale ?? 1 }
        : {},
  });
  const platforms = buildPlatforms(deps, { factories: [() => platform] });
  const receiver = await startWebhookReceiver(db, options.appPort);
  const oauth: ShopifyOAuthDeps = {
    db,
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    appUrl,
    scopes: [...SHOPIFY_SCOPES],
    keyring: deps.keyring,
    fetch: shopifyFetch(env),
    sessions: platform.sessionsFor(db),
    install: (input) =>
      completeShopifyInstall({ db, platform, enqueueFullSync: async () => undefined }, input),
    adminUrlFor: () => `${emulatorUrl}/admin`,
  };
  const { authUrl } = beginShopifyAuthorization(oauth, { shop: SHOP, callbackPath: "/auth/callback" });
  const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
  const location = approved.headers.get("Location");
  if (!location) throw new Error(`The emulator did not approve the install (HTTP ${approved.status}).`);
  const result = await completeShopifyAuthorization(
    oauth,
    Object.fromEntries(new URL(location).searchParams),
  );
  const close = async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    receiver.closeAllConnections();
    await db.$disconnect();
    rmSync(spoolDir, { recursive: true, force: true });
  };
  return { db, platforms, integrationId: result.integrationId, close };
}

function checkCounts(resources: Record<string, { synced: number; success: boolean } | undefined>) {
  for (const resource of RESOURCES) {
    const got = resources[resource];
    if (!got?.success || got.synced !== options.expected[resource])
      throw new Error(
        `${resource}: synced ${got?.synced ?? 0} of ${options.expected[resource]} (${JSON.stringify(got)})`,
      );
  }
}

async function engine() {
  const { db, platforms, integrationId, close } = await install();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await runSync(db, { integrationId, kind: "full", sources: platforms });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (summary.status !== "succeeded") throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
  checkCounts(summary.resources);
  const rows = {
    contacts: await db.contact.count(),
    orders: await db.order.count(),
    items: await db.orderItem.count(),
    products: await db.product.count(),
    variants: await db.productVariant.count(),
  };
  const finishWebhooks = await db.webhookEvent.count({ where: { topic: "bulk_operations/finish" } });
  await close();
  // CPU of this process while syncing (user + system): wall time on a shared machine moves with the load.
  const cpu_s = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  return { seconds, cpu_s, rows, finish_webhooks_stored: finishWebhooks };
}

async function emulatedNowMs(): Promise<number> {
  const clock = (await (await fetch(`${emulatorUrl}/_emulator/clock`)).json()) as { now: string };
  return Date.parse(clock.now);
}

async function throttled() {
  const meter: CostMeter = { actualPoints: 0, throttledAnswers: 0, requests: 0 };
  const base = emulatorRedirectFetch(emulatorUrl);
  // Reads the cost Shopify reports on every GraphQL answer (the client reads the same body; this reads a clone).
  const metered = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await base(input, init);
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (target.endsWith("/graphql.json") && response.status === 200) {
      const body = (await response.clone().json()) as {
        errors?: Array<{ extensions?: { code?: string } }>;
        extensions?: { cost?: { actualQueryCost?: number | null } };
      };
      meter.requests += 1;
      if (Array.isArray(body.errors) && body.errors.some((e) => e.extensions?.code === "THROTTLED"))
        meter.throttledAnswers += 1;
      else meter.actualPoints += body.extensions?.cost?.actualQueryCost ?? 0;
    }
    return response;
  }) as typeof fetch;
  const { db, platforms, integrationId, close } = await install(metered);
  // A Standard bucket, full, from here on (install's own calls do not count).
  const bucket = { maximumAvailable: 2000, restoreRate: 100 };
  const reset = await fetch(`${emulatorUrl}/_emulator/faults/throttle`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...bucket, currentlyAvailable: bucket.maximumAvailable, shop: SHOP }),
  });
  if (!reset.ok) throw new Error(`Could not set the bucket: HTTP ${reset.status}`);
  Object.assign(meter, { actualPoints: 0, throttledAnswers: 0, requests: 0 });
  const startedEmulatedMs = await emulatedNowMs();
  const started = performance.now();
  const summary = await runSync(db, { integrationId, kind: "incremental", sources: platforms });
  const seconds = (performance.now() - started) / 1000;
  const emulatedS = ((await emulatedNowMs()) - startedEmulatedMs) / 1000;
  const surfaced =
    (summary.status === "succeeded" ? 0 : 1) +
    Object.values(summary.resources).reduce((n, r) => n + (r?.errors.length ?? 0) + (r?.failed ?? 0), 0);
  if (summary.status !== "succeeded" && !/throttl/i.test(summary.errorMessage ?? ""))
    throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
  checkCounts(summary.resources);
  await close();
  const allowedPoints = bucket.maximumAvailable + bucket.restoreRate * emulatedS;
  return {
    seconds,
    emulated_seconds: Number(emulatedS.toFixed(2)),
    time_scale: options.timeScale ?? 1,
    requests: meter.requests,
    actual_points: meter.actualPoints,
    achieved_points_per_s: Number((meter.actualPoints / emulatedS).toFixed(1)),
    allowed_points_per_s: Number((allowedPoints / emulatedS).toFixed(1)),
    throttled_answers_retried: meter.throttledAnswers,
    throttled_errors_surfaced: surfaced,
  };
}

/* ---------------------------------------------------------------- floor ---------------------------------------- */

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

function sqliteSink(): RowSink {
  const db = new Database(sqlitePath(url));
  const statements = Object.fromEntries(
    Object.entries(TABLES).map(([key, [table, columns]]) => [
      key,
      db.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
    ]),
  ) as Record<TableKey, Database.Statement>;
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

const PG_TYPES: Record<Column["type"], string> = {
  text: "text",
  int: "int",
  bigint: "bigint",
  timestamp: "timestamp(3)",
  json: "jsonb",
};

async function postgresSink(): Promise<RowSink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const ROWS_PER_STATEMENT = 500;
  const buffers = Object.fromEntries(PARENTS_FIRST.map((k) => [k, [] as unknown[][]])) as Record<
    TableKey,
    unknown[][]
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
async function downloadExports(dir: string): Promise<Record<string, string>> {
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

async function floor() {
  const dir = mkdtempSync(join(tmpdir(), "bench-shopify-floor-"));
  const files = await downloadExports(dir);
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
  const sink = kind === "sqlite" ? sqliteSink() : await postgresSink();
  const now = d(new Date());
  let idSeq = 0;
  const newRowId = () => `f${(idSeq++).toString(36).padStart(10, "0")}`;
  const contactBySource = new Map<string, string>();
  const contactByEmail = new Map<string, string>();
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
    if (email) contactByEmail.set(email, id);
    contactBySource.set(c.externalId, id);
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
    const email = normalizeEmail(o.email);
    const key = o.customerExternalId ?? (email ? guestExternalId(email) : null);
    let contactId = key ? contactBySource.get(key) : undefined;
    if (!contactId && key) {
      contactId = (email && contactByEmail.get(email)) || newRowId();
      if (email && !contactByEmail.has(email)) {
        contactByEmail.set(email, contactId);
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
      }
      contactBySource.set(key, contactId);
      await write("source", {
        id: newRowId(),
        contactId,
        integrationId,
        externalId: key,
        createdAt: now,
        updatedAt: now,
      });
    }
    const parent = { id: newRowId(), children: 0, currency: o.currency };
    parentIds.set(o.externalId, parent);
    await write("order", {
      id: parent.id,
      organizationId,
      integrationId,
      contactId: contactId ?? null,
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

const result = mode === "engine" ? await engine() : mode === "throttled" ? await throttled() : await floor();
const records = options.expected.customers + options.expected.orders + options.expected.products;
process.stdout.write(
  `${JSON.stringify({
    mode,
    kind,
    records,
    ...result,
    seconds: Number(result.seconds.toFixed(2)),
    records_per_s: Math.round(records / result.seconds),
    peak_rss_mb: peakRssMb(),
  })}\n`,
);
process.exit(0);
