/**
 * A drain's writes of product deliveries do not wait for, nor split, those of customers and orders: products meet no
 * contact, so their group goes on across the others' deliveries (a WooCommerce order lowers its products' stock,
 * and each order.created is followed by product.updated deliveries). Customers and orders keep their order of
 * receipt (a customer and an order may meet in one contact), and any decision that is not a write (a deletion)
 * still waits for every record received before it. SQLite and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import type { WebhookDecision } from "../sync/platform";
import {
  mapMemoryCustomer,
  mapMemoryOrder,
  mapMemoryProduct,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
  type MemoryCustomer,
  type MemoryOrder,
  type MemoryProduct,
} from "../sync/testing/memory-source";
import { createJobQueue, type JobQueue } from "./queue.server";
import { createJobsTestDatabase } from "./testing/database";
import { drainWebhookEvents } from "./webhook-drain.server";

const PLATFORM = "memory-lanes";
const BASE_MS = Date.parse("2026-04-01T00:00:00Z");

/** Decides as a platform would: deletions carried out, the rest applied with one mapper per delivery. */
async function decide(event: { topic: string }, body: unknown): Promise<WebhookDecision> {
  const [resource, verb] = event.topic.split("/") as ["customers" | "orders" | "products", string];
  if (verb === "delete") return { action: "delete", resource, externalIds: [(body as { id: string }).id] };
  if (resource === "customers")
    return { action: "apply", resource, remote: [body], map: (r) => mapMemoryCustomer(r as MemoryCustomer) };
  if (resource === "orders")
    return { action: "apply", resource, remote: [body], map: (r) => mapMemoryOrder(r as MemoryOrder) };
  return { action: "apply", resource, remote: [body], map: (r) => mapMemoryProduct(r as MemoryProduct) };
}

describe.each(DATABASE_KINDS)("webhook drain lanes on %s", (kind) => {
  let t: TestDatabase;
  const queues: JobQueue[] = [];
  const platforms = testPlatforms([testPlatform(PLATFORM, { handleWebhook: decide })]);

  async function store(deliveries: Array<[string, object]>) {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const { id } = await t.db.integration.create({
      data: { organizationId, platform: PLATFORM, name: "Store", storeKey: `store-${organizationId}` },
    });
    for (const [i, [topic, payload]] of deliveries.entries()) {
      await t.db.webhookEvent.create({
        data: {
          integrationId: id,
          platform: PLATFORM,
          topic,
          dedupeKey: randomUUID(),
          storeKey: "s",
          payload: JSON.stringify(payload),
          receivedAt: new Date(BASE_MS + i),
        },
      });
    }
    return id;
  }
  async function drain(integrationId: string) {
    const queue = await createJobQueue(t.db, {
      databaseUrl: t.url,
      pgBoss: { maintenanceIntervalSeconds: 5 },
    });
    queues.push(queue);
    return drainWebhookEvents({ db: t.db, queue, platforms }, { integrationId });
  }
  const version = (at: number) => ({ updated_at: new Date(BASE_MS + at * 1000).toISOString() });
  const order = (i: number, at = 1) => ({
    ...syntheticOrder(i, { customerCount: 5, productCount: 5 }),
    ...version(at),
  });
  const product = (i: number, title: string, at = 1) => ({ ...syntheticProduct(i), title, ...version(at) });

  beforeAll(async () => {
    t = await createJobsTestDatabase(kind);
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("writes the products of an order stream in one write beside the orders' own", async () => {
    const deliveries: Array<[string, object]> = [];
    for (let i = 0; i < 4; i++) {
      deliveries.push(["orders/create", order(i)]);
      deliveries.push(["products/update", product(i, `Stock after order ${i}`)]);
    }
    // A customer between orders still splits the orders' write (they may meet in one contact)…
    deliveries.push(["customers/update", syntheticCustomer(1)]);
    deliveries.push(["orders/create", order(4)]);
    // …but not the products'.
    deliveries.push(["products/update", product(0, "Stock after order 4", 2)]);
    const integrationId = await store(deliveries);

    const report = await drain(integrationId);
    // Orders [0–3] · the customer · orders [4] · products [0–3] · product 0 again (a record seen again).
    expect(report).toEqual({
      processed: 11,
      ignored: 0,
      failed: 0,
      deferred: 0,
      writes: 5,
      continued: false,
    });
    const products = await t.db.product.findMany({
      where: { integrationId },
      orderBy: { externalId: "asc" },
      select: { title: true },
    });
    expect(products.map((p) => p.title)).toEqual([
      "Stock after order 4",
      "Stock after order 1",
      "Stock after order 2",
      "Stock after order 3",
    ]);
    expect(await t.db.order.count({ where: { integrationId, deletedAt: null } })).toBe(5);
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      syncedOrders: 5,
      syncedProducts: 4,
    });
  });

  it("writes a product received before its deletion before carrying the deletion out", async () => {
    const removed = product(1, "Gone");
    const integrationId = await store([
      ["products/update", product(0, "Kept")],
      ["products/update", removed],
      ["orders/create", order(0)],
      ["products/delete", { id: removed.id }],
      ["orders/create", order(1)],
    ]);

    const report = await drain(integrationId);
    // Products [0, 1] and orders [0], written before the deletion · the deletion · orders [1].
    expect(report).toEqual({ processed: 5, ignored: 0, failed: 0, deferred: 0, writes: 4, continued: false });
    const rows = await t.db.product.findMany({
      where: { integrationId },
      orderBy: { externalId: "asc" },
      select: { title: true, deletedAt: true },
    });
    expect(rows.map((p) => [p.title, p.deletedAt !== null])).toEqual([
      ["Kept", false],
      ["Gone", true],
    ]);
  });
});
