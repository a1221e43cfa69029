/**
 * Chaos 6 and 7: webhooks through the production server (`server.ts` on the build, the Remix routes, the real HMAC
 * checks) and a separate worker process.
 *
 * 6. The app server is killed (-9) under webhook load: every delivery that got a 200 must be in the database, and,
 *    once the server and a worker are back and Shopify's retries of the unanswered deliveries came in, every
 *    delivery's effect is applied exactly once (the order/customer holds the newest delivered state; no duplicates).
 * 7. Duplicated and reordered deliveries (Shopify retries and the same event through two subscriptions; WooCommerce
 *    redeliveries whose delivery id is not unique; older `updated_at` after newer) → newest state, one row each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phpJsonEncode } from "../../emulators/woocommerce/php";
import { webhookPayload } from "../../emulators/woocommerce/webhooks/payload";
import { bodyForTopic } from "../../emulators/shopify/webhooks/lifecycle";
import { ensureBuild, waitForOk } from "../../scripts/lib/processes";
import {
  appProcess,
  checked,
  did,
  expectNoDuplicates,
  waitFor,
  workerProcess,
  type ChaosProcess,
} from "./lib";
import { SHOP, shopifyStore, wooStore, type WooSetup } from "./stores";
import {
  APP_URL,
  sendAll,
  sendShopify,
  sendWoo,
  shopifyDedupeKey,
  shopifyDelivery,
  shuffled,
  wooWebhookSecret,
  type Answer,
  type ShopifyDelivery,
} from "./webhooks.lib";

const ORDERS_UNDER_LOAD = 400;
const CUSTOMERS_UNDER_LOAD = 250;
const REORDERED_ORDERS = 40;
/** A fixed past instant the delivered updated_at values count from. */
const T0 = Date.parse("2026-11-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

const processes: ChaosProcess[] = [];
let h: Awaited<ReturnType<typeof shopifyStore>>;
let s: WooSetup;

function serverEnv(): Record<string, string> {
  // Jobs run in the worker process, not in the server (RUN_JOBS_IN_PROCESS=false): killing the server kills only
  // the HTTP side, and the worker is started after the restart.
  return h.env({
    PORT: String(new URL(APP_URL).port),
    HOST: "127.0.0.1",
    RUN_JOBS_IN_PROCESS: "false",
    SHOPIFY_APP_URL: APP_URL,
  });
}

async function startServer(name: string): Promise<ChaosProcess> {
  const server = appProcess(name, serverEnv()).start();
  processes.push(server);
  await waitForOk(`${APP_URL}/healthz`, 60_000);
  return server;
}

/** Waits until no stored webhook event is waiting; fails on any failed event. */
async function waitForWebhooksProcessed(timeoutMs = 90_000): Promise<Record<string, number>> {
  return waitFor(
    "every stored webhook event to be processed",
    async () => {
      const rows = await h.db.webhookEvent.groupBy({ by: ["status"], _count: { _all: true } });
      const statuses = Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
      if (statuses.failed) {
        const failed = await h.db.webhookEvent.findMany({ where: { status: "failed" }, take: 3 });
        throw new Error(
          `webhook events failed: ${failed.map((e) => `${e.topic}: ${e.lastError}`).join("; ")}`,
        );
      }
      return statuses.received || statuses.processing ? null : statuses;
    },
    timeoutMs,
    200,
  );
}

beforeAll(async () => {
  ensureBuild();
  h = await shopifyStore("sqlite", {
    customers: CUSTOMERS_UNDER_LOAD + 20,
    orders: ORDERS_UNDER_LOAD + REORDERED_ORDERS,
    products: 30,
  });
  s = await wooStore("sqlite", { customers: 20, orders: 20, products: 5 }, { database: h.t });
  // Nothing but webhooks writes store data here: no sync is queued (the harness installs without enqueueing one).
  expect(await h.db.job.count({ where: { kind: { startsWith: "sync" } } })).toBe(0);
}, 240_000);

afterAll(async () => {
  for (const p of processes) await p.stop();
  await s?.close();
  await h?.close();
});

describe("webhooks through the production server", () => {
  it("kill -9 of the app server under webhook load: every 200 is stored; after restart every effect applied once", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const orders = [...shop.orders.values()].slice(0, ORDERS_UNDER_LOAD);
    const customers = [...shop.customers.values()].slice(0, CUSTOMERS_UNDER_LOAD);
    const deliveries: ShopifyDelivery[] = [];
    const newestOrder = new Map<string, ShopifyDelivery>();
    for (const [i, o] of orders.entries()) {
      const base = bodyForTopic(shop, "orders/create", o.id);
      const created = shopifyDelivery(SHOP, "orders/create", {
        ...base,
        financial_status: "pending",
        updated_at: iso(T0 + i * 1_000),
      });
      const paid = shopifyDelivery(SHOP, "orders/updated", {
        ...base,
        financial_status: "paid",
        updated_at: iso(T0 + 3_600_000 + i * 1_000),
      });
      deliveries.push(created, paid);
      newestOrder.set(paid.gid, paid);
    }
    for (const [i, c] of customers.entries()) {
      // customers/* bodies lack consent and tags: the app reads the customer back from the shop (the emulator).
      c.firstName = `Chaos${i}`;
      c.updatedAt = new Date(T0 + i * 1_000);
      deliveries.push(
        shopifyDelivery(SHOP, "customers/update", bodyForTopic(shop, "customers/update", c.id)),
      );
    }
    const load = shuffled(deliveries);

    const server = await startServer("webhook-server-1");
    did(
      `production server (server.ts on the build, pid ${server.pid}) at ${APP_URL}; ${load.length} signed Shopify ` +
        `deliveries (${ORDERS_UNDER_LOAD} orders/create + ${ORDERS_UNDER_LOAD} orders/updated with a newer ` +
        `updated_at, ${CUSTOMERS_UNDER_LOAD} customers/update), each with its own webhook and event id, shuffled, 8 senders`,
    );
    const acked = new Set<ShopifyDelivery>();
    const refused: Answer[] = [];
    let killedAt = -1;
    let killing: Promise<void> | null = null;
    await sendAll(load, 8, sendShopify, (d, a) => {
      if (a.ok) acked.add(d);
      else refused.push(a);
      if (!killing && acked.size >= Math.floor(load.length * 0.4)) {
        killedAt = acked.size;
        killing = server.kill9();
      }
    });
    await killing;
    expect(killedAt).toBeGreaterThan(0);
    expect(refused.every((a) => !a.ok && a.status === null)).toBe(true);
    did(
      `kill -9 of the server after ${killedAt} answers 200; ${acked.size} deliveries got a 200 in all, ` +
        `${load.length - acked.size} got no answer (connection reset/refused)`,
    );

    // What the server answered 200 for must have been durable before the answer: read the database directly.
    const stored = new Set(
      (await h.db.webhookEvent.findMany({ where: { platform: "shopify" }, select: { dedupeKey: true } })).map(
        (e) => e.dedupeKey,
      ),
    );
    const lost = [...acked].filter((d) => !stored.has(shopifyDedupeKey(d)));
    expect(lost.map((d) => d.webhookId)).toEqual([]);
    const storedUnanswered = load.filter((d) => !acked.has(d) && stored.has(shopifyDedupeKey(d))).length;
    checked(
      `all ${acked.size} deliveries answered 200 are stored (${stored.size} events in the database; ` +
        `${storedUnanswered} were stored but their 200 never reached the sender)`,
    );

    const restarted = await startServer("webhook-server-2");
    const worker = workerProcess("webhook-worker", h.env()).start();
    processes.push(worker);
    did(`restarted the server (pid ${restarted.pid}) and started a worker (pid ${worker.pid})`);

    // Shopify retries what got no 200, with the same webhook and event ids.
    const retries = load.filter((d) => !acked.has(d));
    const outcomes: Record<string, number> = {};
    await sendAll(retries, 8, sendShopify, (d, a) => {
      expect(a, `retry of ${d.topic} ${d.webhookId}`).toMatchObject({ ok: true, status: 200 });
      const key = a.ok ? a.outcome : "error";
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    });
    expect(outcomes.duplicate ?? 0).toBe(storedUnanswered);
    did(
      `Shopify's retries of the ${retries.length} unanswered deliveries: ${JSON.stringify(outcomes)} ` +
        `(a "duplicate" was stored before the kill and is not stored again)`,
    );

    const statuses = await waitForWebhooksProcessed();
    expect(statuses).toEqual({ processed: load.length });
    checked(`every delivery stored exactly once and processed: ${JSON.stringify(statuses)}`);

    const rows = await h.db.order.findMany({
      where: { integrationId: h.integrationId },
      select: {
        externalId: true,
        financialStatus: true,
        externalUpdatedAt: true,
        _count: { select: { items: true } },
      },
    });
    expect(rows).toHaveLength(ORDERS_UNDER_LOAD);
    for (const row of rows) {
      const newest = newestOrder.get(row.externalId);
      expect(newest, `order ${row.externalId} was delivered`).toBeDefined();
      const body = JSON.parse(newest!.body) as { line_items: unknown[] };
      expect([row.financialStatus, row.externalUpdatedAt.getTime(), row._count.items]).toEqual([
        "paid",
        newest!.updatedAtMs,
        body.line_items.length,
      ]);
    }
    checked(
      `${rows.length} orders, each once, each in its newest delivered state (paid, newest updated_at, every line ` +
        `item) although orders/updated often arrived before orders/create`,
    );
    for (const [i, c] of customers.entries()) {
      const link = await h.db.contactSource.findFirstOrThrow({
        where: { integrationId: h.integrationId, externalId: `gid://shopify/Customer/${c.id}` },
        include: { contact: true },
      });
      expect(link.contact.firstName).toBe(`Chaos${i}`);
    }
    checked(`${customers.length} customers, each updated to the delivered state (first name Chaos<n>)`);
    await expectNoDuplicates(h.db);
    expect(await h.db.syncRun.count()).toBe(0);
    checked("no record stored twice; no sync ran (every change came from a webhook)");
  });

  it("duplicated and reordered deliveries (Shopify and WooCommerce) leave the newest state, one row each", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const orders = [...shop.orders.values()].slice(ORDERS_UNDER_LOAD, ORDERS_UNDER_LOAD + REORDERED_ORDERS);
    const eventsBefore = await h.db.webhookEvent.count();
    const versions = orders.map((o, i) => {
      const base = bodyForTopic(shop, "orders/create", o.id);
      const at = (hours: number) => iso(T0 + hours * 3_600_000 + i * 1_000);
      return [
        shopifyDelivery(SHOP, "orders/create", { ...base, financial_status: "pending", updated_at: at(1) }),
        shopifyDelivery(SHOP, "orders/updated", {
          ...base,
          financial_status: "authorized",
          updated_at: at(2),
        }),
        shopifyDelivery(SHOP, "orders/paid", { ...base, financial_status: "paid", updated_at: at(3) }),
      ];
    });
    const answers: Record<string, number> = {};
    const send = async (d: ShopifyDelivery, expected: string) => {
      const a = await sendShopify(d);
      expect(a, `${d.topic} ${d.webhookId}`).toMatchObject({ ok: true, outcome: expected });
      answers[expected] = (answers[expected] ?? 0) + 1;
    };
    // The newest first, processed; then its retry (same ids), the same event through the second subscription
    // (another webhook id, same event id), and the older versions.
    for (const [, , newest] of versions) await send(newest, "stored");
    await waitForWebhooksProcessed();
    for (const [oldest, middle, newest] of versions) {
      await send(newest, "duplicate");
      await send({ ...newest, webhookId: `${newest.webhookId}-toml` }, "duplicate");
      await send(oldest, "stored");
      await send(middle, "stored");
      await send(newest, "duplicate");
    }
    did(
      `Shopify, ${orders.length} orders: the newest version (paid) delivered and processed first, then per order: its ` +
        `retry, the same event through the app-scoped subscription, the two older versions, the retry again → ${JSON.stringify(answers)}`,
    );
    await waitForWebhooksProcessed();
    expect((await h.db.webhookEvent.count()) - eventsBefore).toBe(orders.length * 3);
    const events = await h.db.webhookEvent.findMany({
      where: { dedupeKey: { in: versions.flat().map(shopifyDedupeKey) } },
      select: { status: true, attempts: true },
    });
    expect(events.every((e) => e.status === "processed" && e.attempts === 1)).toBe(true);
    for (const [, , newest] of versions) {
      const row = await h.db.order.findUniqueOrThrow({
        where: { integrationId_externalId: { integrationId: h.integrationId, externalId: newest.gid } },
      });
      expect([row.financialStatus, row.externalUpdatedAt.getTime()]).toEqual(["paid", newest.updatedAtMs]);
    }
    checked(
      `${orders.length * 3} events stored (one per event id, each processed once); every order stays paid with ` +
        `its newest updated_at (the older versions processed later changed nothing)`,
    );

    // WooCommerce: versions of orders and customers made in the store a few seconds apart, sent newest first.
    const woo = s.woo;
    const secret = await wooWebhookSecret(s.db, s.integrationId);
    const wooOrders = [...woo.store.orders.values()]
      .filter((o) => o.status !== "trash" && o.status !== "checkout-draft")
      .slice(0, 10);
    const wooCustomers = [...woo.store.customers.values()].slice(0, 10);
    const snapshot = (resource: "order" | "customer", id: number) =>
      phpJsonEncode(webhookPayload(woo.context, resource, id));
    const orderVersions = new Map<number, string[]>();
    const customerVersions = new Map<number, string[]>();
    for (const status of ["on-hold", "processing", "completed"]) {
      woo.advanceClock(5_000);
      for (const o of wooOrders) {
        woo.store.updateOrder(o.id, { status });
        orderVersions.set(o.id, [...(orderVersions.get(o.id) ?? []), snapshot("order", o.id)]);
      }
    }
    for (const lastName of ["Older", "Newer"]) {
      woo.advanceClock(5_000);
      for (const c of wooCustomers) {
        woo.store.updateCustomer(c.id, { last_name: lastName });
        customerVersions.set(c.id, [...(customerVersions.get(c.id) ?? []), snapshot("customer", c.id)]);
      }
    }
    const wooAnswers: Record<string, number> = {};
    const sendW = async (topic: string, body: string, deliveryId: string, expected: string) => {
      const a = await sendWoo(s.integrationId, secret, woo.url, { topic, body, deliveryId });
      expect(a, `${topic} ${deliveryId}`).toEqual({ status: 200, text: expected });
      wooAnswers[expected] = (wooAnswers[expected] ?? 0) + 1;
    };
    const wooBefore = await s.db.webhookEvent.count({ where: { platform: "woocommerce" } });
    for (const [id, [, , newest]] of orderVersions)
      await sendW("order.updated", newest, `d-${id}-3`, "Received.");
    for (const [id, [, newer]] of customerVersions)
      await sendW("customer.updated", newer, `c-${id}-2`, "Received.");
    await waitForWebhooksProcessed();
    for (const [id, [oldest, middle, newest]] of orderVersions) {
      // Redelivery of the same bytes, then two older versions sharing one delivery id (same second).
      await sendW("order.updated", newest, `d-${id}-3`, "Duplicate delivery.");
      await sendW("order.updated", oldest, `d-${id}-x`, "Received.");
      await sendW("order.updated", middle, `d-${id}-x`, "Received.");
    }
    for (const [id, [older, newer]] of customerVersions) {
      await sendW("customer.updated", older, `c-${id}-1`, "Received.");
      await sendW("customer.updated", newer, `c-${id}-2`, "Duplicate delivery.");
    }
    did(
      `WooCommerce, ${wooOrders.length} orders (on-hold → processing → completed) and ${wooCustomers.length} customers ` +
        `(last name Older → Newer), 5 s apart in the store: newest sent and processed first, then redeliveries of ` +
        `the same bytes and the older versions (two sharing one X-WC-Webhook-Delivery-ID) → ${JSON.stringify(wooAnswers)}`,
    );
    await waitForWebhooksProcessed();
    expect((await s.db.webhookEvent.count({ where: { platform: "woocommerce" } })) - wooBefore).toBe(
      wooOrders.length * 3 + wooCustomers.length * 2,
    );
    for (const o of wooOrders) {
      const newest = JSON.parse(orderVersions.get(o.id)![2]) as { date_modified_gmt: string };
      const row = await s.db.order.findUniqueOrThrow({
        where: { integrationId_externalId: { integrationId: s.integrationId, externalId: String(o.id) } },
      });
      expect([row.fulfillmentStatus, row.externalUpdatedAt.toISOString()]).toEqual([
        "fulfilled",
        new Date(`${newest.date_modified_gmt}Z`).toISOString(),
      ]);
    }
    for (const c of wooCustomers) {
      const link = await s.db.contactSource.findFirstOrThrow({
        where: { integrationId: s.integrationId, externalId: String(c.id) },
        include: { contact: true },
      });
      expect(link.contact.lastName).toBe("Newer");
    }
    await expectNoDuplicates(h.db);
    checked(
      `WooCommerce: one event per distinct body (redeliveries not stored again, different bodies with a shared ` +
        `delivery id both stored); every order completed/fulfilled with its newest date_modified, every customer ` +
        `"Newer"; no record stored twice`,
    );
  });
});
