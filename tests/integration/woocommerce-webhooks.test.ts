/**
 * WooCommerce webhooks end to end: the emulated store delivers over HTTP to the app's ingest, the `webhook.process`
 * job applies the events through the engine, and the reconcile job repairs a webhook the store disabled after failed
 * deliveries and fills the gap. On SQLite and PostgreSQL.
 */
import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { openWebhookSecret } from "../../app/crypto/integration-secrets.server";
import { connectWooCommerce } from "../../app/integrations/woocommerce-connect.server";
import { ingestWooWebhook } from "../../app/integrations/woocommerce-webhooks.server";
import { createJobHandlers } from "../../app/jobs/handlers.server";
import { createJobQueue, type JobQueue } from "../../app/jobs/queue.server";
import type { JobContext } from "../../app/jobs/types";
import { testPlatforms } from "../../app/platforms/testing/test-platforms";
import type { WooCommercePlatform } from "../../app/platforms/woocommerce/index.server";
import { WEBHOOK_TOPICS } from "../../app/platforms/woocommerce/webhooks.server";
import { testPlatform as wooTestPlatform } from "../../app/platforms/woocommerce/testing/harness";
import type { AppDb } from "../../app/sync/platform";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../setup/db";

const keyring = keyringFrom(randomBytes(32).toString("base64"));
const jobCtx = (kind: string): JobContext => ({
  jobId: "job",
  kind: kind as JobContext["kind"],
  attempt: 1,
  maxAttempts: 3,
  workerId: "test",
  signal: new AbortController().signal,
});

/** The app's webhook endpoint on a real socket: raw bytes in, ingest's answer out. Can be made to fail. */
async function appEndpoint(
  ingest: (
    integrationId: string | null,
    headers: Headers,
    raw: Buffer,
  ) => Promise<{ status: number; body: string }>,
) {
  const state = { failWith: 0, answers: [] as number[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const url = new URL(req.url ?? "/", "http://app.local");
      const answer = state.failWith
        ? { status: state.failWith, body: "down" }
        : await ingest(url.searchParams.get("integration"), headers, Buffer.concat(chunks));
      state.answers.push(answer.status);
      res.writeHead(answer.status, { "Content-Type": "text/plain" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The headers of a recorded delivery that a client may resend (X-WC-*, content type). */
function wcHeaders(recorded: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(recorded).filter(([k]) => k.startsWith("x-wc-") || k === "content-type"),
  );
}

describe.each(DATABASE_KINDS)("WooCommerce webhooks end to end on %s", (kind) => {
  let t: TestDatabase;
  let db: AppDb;
  let woo: WooEmulator;
  let app: Awaited<ReturnType<typeof appEndpoint>>;
  let platform: WooCommercePlatform;
  let queue: JobQueue;
  let integrationId: string;
  let handlers: ReturnType<typeof createJobHandlers>;
  const queued: string[] = [];

  /** Sends what the store has queued, then processes every stored event in order of receipt. */
  async function deliverAndProcess() {
    await woo.flushDeliveries();
    while (queued.length) {
      const id = queued.shift()!;
      await handlers["webhook.process"]!({ webhookEventId: id }, jobCtx("webhook.process"));
    }
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.db as unknown as AppDb;
    woo = await startWooEmulator({ counts: { customers: 20, orders: 30, products: 6 }, autoDeliver: false });
    app = await appEndpoint((integration, headers, rawBody) =>
      ingestWooWebhook(
        { db, keyring, enqueue: async (event) => void queued.push(event.id) },
        { integrationId: integration, headers, rawBody },
      ),
    );
    platform = wooTestPlatform({ appUrl: app.url });
    const platforms = testPlatforms([platform], { deps: { keyring } });
    queue = await createJobQueue(t.db, { databaseUrl: t.url, pgBoss: { maintenanceIntervalSeconds: 5 } });
    handlers = createJobHandlers({ db, queue, platforms, exportDir: "unused" });
    const k = woo.createKey("read_write");
    const connected = await connectWooCommerce(
      { db, keyring, connector: platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: woo.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!connected.success) throw new Error(connected.error.message);
    integrationId = connected.integrationId;
    await handlers["sync.full"]!({ integrationId }, jobCtx("sync.full"));
  });
  afterAll(async () => {
    platform?.close();
    await queue?.close();
    await app?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("answered every creation ping with 200", async () => {
    const pings = woo.deliveries.log.filter((d) => d.kind === "ping");
    expect(pings).toHaveLength(WEBHOOK_TOPICS.length);
    expect(pings.every((p) => p.response_status === 200)).toBe(true);
  });

  it("brings created and updated customers, orders and products in", async () => {
    const customer = woo.store.createCustomer({
      email: "new.buyer@example.test",
      first_name: "New",
      last_name: "Buyer",
      username: "newbuyer",
    });
    const product = woo.store.createProduct({ name: "Webhook Mug", regular_price: "12.50", sku: "WH-MUG" });
    const order = woo.store.createOrder({
      customer_id: customer.id,
      billing: { email: "new.buyer@example.test", first_name: "New" },
      line_items: [{ product_id: product.id, quantity: 2 }],
      set_paid: true,
    });
    await deliverAndProcess();
    const contact = await db.contact.findFirstOrThrow({ where: { email: "new.buyer@example.test" } });
    expect(contact.firstName).toBe("New");
    const row = await db.order.findFirstOrThrow({
      where: { integrationId, externalId: String(order.id) },
      include: { items: true },
    });
    expect(row.totalMinor).toBe(2500n);
    expect(row.contactId).toBe(contact.id);
    expect(row.items[0]).toMatchObject({ sku: "WH-MUG", quantity: 2, unitPriceMinor: 1250n });
    expect(await db.product.count({ where: { integrationId, externalId: String(product.id) } })).toBe(1);

    woo.store.updateOrder(order.id, { status: "completed" });
    woo.store.updateCustomer(customer.id, { last_name: "Buyer-Smith" });
    await deliverAndProcess();
    expect((await db.order.findUniqueOrThrow({ where: { id: row.id } })).fulfillmentStatus).toBe("fulfilled");
    expect((await db.contact.findUniqueOrThrow({ where: { id: contact.id } })).lastName).toBe("Buyer-Smith");
  });

  it("leaves a block checkout's draft out until the customer places it (its order.updated deliveries ignored)", async () => {
    const draft = woo.store.createOrder({
      status: "checkout-draft",
      billing: { email: "abandoned.cart@example.test", first_name: "Abandoned" },
    });
    await deliverAndProcess();
    const events = await db.webhookEvent.findMany({
      where: { integrationId, topic: "order.updated", resourceId: `order:${draft.id}` },
    });
    expect(events.map((e) => [e.status, e.lastError])).toEqual([
      [
        "ignored",
        "A checkout still in progress (checkout-draft) is not an order until the customer places it.",
      ],
    ]);
    expect(await db.order.count({ where: { integrationId, externalId: String(draft.id) } })).toBe(0);
    expect(await db.contact.count({ where: { email: "abandoned.cart@example.test" } })).toBe(0);

    woo.store.updateOrder(draft.id, { status: "processing" });
    await deliverAndProcess();
    const placed = await db.order.findFirstOrThrow({
      where: { integrationId, externalId: String(draft.id) },
    });
    expect(placed.financialStatus).toBe("paid");
    expect(await db.contact.count({ where: { email: "abandoned.cart@example.test" } })).toBe(1);
  });

  it("applies a variation's change (delivered as product.updated with the variation's body) to its product", async () => {
    const product = [...woo.store.products.values()].find(
      (p) => p.type === "variable" && p.status === "publish",
    )!;
    const variationId = product.variationIds[0];
    woo.store.updateVariation(product.id, variationId, { regular_price: "77.70", sale_price: "" });
    await deliverAndProcess();
    const variant = await db.productVariant.findFirstOrThrow({
      where: { integrationId, externalId: String(variationId) },
    });
    expect(variant.priceMinor).toBe(7770n);
    expect(await db.product.count({ where: { integrationId, externalId: String(variationId) } })).toBe(0);
  });

  it("removes what the store deleted: a trashed order and product, a deleted customer's store link", async () => {
    const order = [...woo.store.orders.values()].find((o) => o.status === "processing")!;
    const product = [...woo.store.products.values()].find((p) => p.status === "publish")!;
    const customer = [...woo.store.customers.values()][0];
    woo.store.deleteOrder(order.id, false);
    woo.store.deleteProduct(product.id, false);
    woo.store.deleteCustomer(customer.id);
    await deliverAndProcess();
    expect(
      (await db.order.findFirstOrThrow({ where: { integrationId, externalId: String(order.id) } })).deletedAt,
    ).not.toBeNull();
    expect(
      (await db.product.findFirstOrThrow({ where: { integrationId, externalId: String(product.id) } }))
        .deletedAt,
    ).not.toBeNull();
    // The customer's link stays as a tombstone (ADR 0044): a late customer.updated cannot link it again.
    const link = await db.contactSource.findUniqueOrThrow({
      where: { integrationId_externalId: { integrationId, externalId: String(customer.id) } },
    });
    expect(link.deletedAt).toBeInstanceOf(Date);
    expect(await db.contact.count({ where: { email: customer.email.toLowerCase() } })).toBe(1); // the person stays
  });

  it("turns no staff user's delivery into a contact, and unlinks a customer made shop manager (ADR 0047)", async () => {
    const since = new Date();
    const events = (resourceId: number) =>
      db.webhookEvent.findMany({
        where: { integrationId, resourceId: `customer:${resourceId}`, receivedAt: { gte: since } },
        orderBy: { receivedAt: "asc" },
      });
    // A new user made editor before the store sends its created/updated bodies (built at send time).
    const editor = woo.store.createCustomer({ email: "new.editor@example.test", first_name: "Ed" });
    woo.store.setRole(editor.id, "editor");
    // A linked customer made shop manager on their edit screen: customer.updated with the new role.
    const promoted = [...woo.store.customers.values()].at(-1)!;
    const linkOf = (id: number) =>
      db.contactSource.findUniqueOrThrow({
        where: { integrationId_externalId: { integrationId, externalId: String(id) } },
      });
    expect((await linkOf(promoted.id)).deletedAt).toBeNull();
    woo.advanceClock(2_000);
    woo.store.setRole(promoted.id, "shop_manager", "profile_update");
    await deliverAndProcess();

    expect(await db.contact.count({ where: { email: "new.editor@example.test" } })).toBe(0);
    const editorEvents = await events(editor.id);
    expect(editorEvents.map((e) => [e.topic, e.status]).sort()).toEqual([
      ["customer.created", "ignored"],
      ["customer.updated", "ignored"],
    ]);
    expect(editorEvents[0].lastError).toBe(
      `User ${editor.id} has the store staff role "editor": not a customer, so not a contact.`,
    );
    const link = await linkOf(promoted.id);
    expect(link.deletedAt).toEqual(new Date(woo.store.user(promoted.id)!.modifiedMs));
    expect((await events(promoted.id)).map((e) => [e.topic, e.status, e.lastError])).toEqual([
      [
        "customer.updated",
        "processed",
        `User ${promoted.id} has the store staff role "shop_manager": not a customer, so not a contact.`,
      ],
    ]);
    expect(await db.contact.count({ where: { id: link.contactId } })).toBe(1); // the person stays
  });

  it("makes a registered reader who never paid no contact, then applies their change once they paid (ADR 0047)", async () => {
    const since = new Date();
    // A WordPress registration (role subscriber): customer.created and customer.updated, no payment yet.
    const reader = woo.store.createCustomer({ email: "blog.reader@example.test", first_name: "Bea" });
    woo.store.setRole(reader.id, "subscriber");
    await deliverAndProcess();
    expect(await db.contact.count({ where: { email: "blog.reader@example.test" } })).toBe(0);
    const ignored = await db.webhookEvent.findMany({
      where: { integrationId, resourceId: `customer:${reader.id}`, receivedAt: { gte: since } },
    });
    expect(ignored.map((e) => e.status)).toEqual(["ignored", "ignored"]);
    expect(ignored[0].lastError).toBe(
      `User ${reader.id} has the role "subscriber" and has not paid for an order: not a customer, so not a contact.`,
    );

    // They buy: the paid order saves them with is_paying_customer (customer.updated) and the body now applies.
    const product = [...woo.store.products.values()].find(
      (p) => p.type === "simple" && p.status === "publish",
    )!;
    woo.advanceClock(2_000);
    woo.store.createOrder({
      customer_id: reader.id,
      status: "processing",
      set_paid: true,
      billing: { email: "blog.reader@example.test", first_name: "Bea" },
      line_items: [{ product_id: product.id, quantity: 1 }],
    });
    await deliverAndProcess();
    const link = await db.contactSource.findUniqueOrThrow({
      where: { integrationId_externalId: { integrationId, externalId: String(reader.id) } },
    });
    expect(link.externalUpdatedAt).toEqual(new Date(woo.store.user(reader.id)!.modifiedMs));
    expect((await db.contact.findUniqueOrThrow({ where: { id: link.contactId } })).firstName).toBe("Bea");
  });

  it("applies a second deletion of an order restored in between (the same {id} bytes twice)", async () => {
    const order = [...woo.store.orders.values()].find((o) => o.status === "processing")!;
    const row = () => db.order.findFirstOrThrow({ where: { integrationId, externalId: String(order.id) } });
    woo.advanceClock(2_000);
    woo.store.deleteOrder(order.id, false);
    await deliverAndProcess();
    expect((await row()).deletedAt).not.toBeNull();

    woo.advanceClock(2_000);
    woo.store.restoreOrder(order.id);
    await deliverAndProcess();
    expect((await row()).deletedAt).toBeNull();

    woo.advanceClock(2_000);
    woo.store.deleteOrder(order.id, false);
    await deliverAndProcess();
    const deletions = woo.deliveries.log.filter(
      (d) => d.topic === "order.deleted" && d.resource_id === order.id,
    );
    expect(deletions.map((d) => d.request_body)).toEqual([`{"id":${order.id}}`, `{"id":${order.id}}`]);
    expect((await row()).deletedAt).not.toBeNull();
  });

  it("brings back a product restored from the trash by its product.restored delivery alone", async () => {
    const product = [...woo.store.products.values()].findLast((p) => p.status === "publish")!;
    const row = () =>
      db.product.findFirstOrThrow({ where: { integrationId, externalId: String(product.id) } });
    woo.advanceClock(2_000);
    woo.store.deleteProduct(product.id, false);
    await deliverAndProcess();
    expect((await row()).deletedAt).not.toBeNull();
    woo.advanceClock(2_000);
    woo.store.restoreProduct(product.id);
    await deliverAndProcess();
    expect(await row()).toMatchObject({ deletedAt: null, status: "publish" });
  });

  it("answers 401 to a bad signature and stores nothing; stores a duplicate delivery once", async () => {
    const before = await db.webhookEvent.count();
    const body = Buffer.from(
      JSON.stringify({ id: 999999, email: "x@example.test", date_modified_gmt: "2026-11-01T00:00:00" }),
    );
    const send = (signature: string) =>
      fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-WC-Webhook-Topic": "customer.updated",
          "X-WC-Webhook-Signature": signature,
        },
        body,
      });
    const forged = await send(createHmac("sha256", "not-the-secret").update(body).digest("base64"));
    expect(forged.status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(before);

    // A real delivery sent twice by the store (same bytes): one event.
    const product = [...woo.store.products.values()].find((p) => p.status === "publish")!;
    woo.store.updateProduct(product.id, { name: "Twice" });
    await woo.flushDeliveries();
    const delivered = woo.deliveries.log
      .filter((d) => d.kind === "webhook" && d.resource_id === product.id)
      .at(-1)!;
    const again = await fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
      method: "POST",
      headers: wcHeaders(delivered.request_headers),
      body: delivered.request_body,
    });
    expect(again.status).toBe(200);
    expect(
      await db.webhookEvent.count({ where: { integrationId, resourceId: `product:${product.id}` } }),
    ).toBe(1);
    await deliverAndProcess();
  });

  it("never lets an older body overwrite newer data", async () => {
    const order = [...woo.store.orders.values()].find((o) => o.status === "on-hold")!;
    woo.advanceClock(2_000);
    woo.store.updateOrder(order.id, { status: "processing" });
    await woo.flushDeliveries();
    const older = woo.deliveries.log
      .filter((d) => d.topic === "order.updated" && d.resource_id === order.id)
      .at(-1)!;
    woo.advanceClock(2_000);
    woo.store.updateOrder(order.id, { status: "completed" });
    await deliverAndProcess();
    // The older delivery arrives late (a retry, a slow queue) with a new signature: it must not win.
    expect(JSON.parse(older.request_body).status).toBe("processing");
    // Same content, other bytes (another encoder), correctly signed: a new event, not a duplicate.
    const body = JSON.stringify(JSON.parse(older.request_body));
    const row0 = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    const secret = openWebhookSecret(keyring, integrationId, row0.webhookSecret!);
    const replay = await fetch(`${app.url}/api/webhooks/woocommerce?integration=${integrationId}`, {
      method: "POST",
      headers: {
        ...wcHeaders(older.request_headers),
        "x-wc-webhook-signature": createHmac("sha256", secret).update(body).digest("base64"),
      },
      body,
    });
    expect(replay.status).toBe(200);
    expect(queued).toHaveLength(1);
    await deliverAndProcess();
    const event = await db.webhookEvent.findFirstOrThrow({
      where: { integrationId, resourceId: `order:${order.id}` },
      orderBy: { receivedAt: "desc" },
    });
    expect(event.status).toBe("processed");
    const row = await db.order.findFirstOrThrow({ where: { integrationId, externalId: String(order.id) } });
    expect(row.fulfillmentStatus).toBe("fulfilled");
  });

  it("repairs a webhook the store disabled after failed deliveries, and the reconcile fills the gap", async () => {
    app.state.failWith = 500;
    const customers = [...woo.store.customers.values()].slice(1, 9);
    for (const c of customers) {
      woo.advanceClock(1_000);
      woo.store.updateCustomer(c.id, { first_name: `Missed${c.id}` });
      await woo.flushDeliveries();
    }
    const hook = [...woo.store.webhooks.values()].find(
      (w) => w.topic === "customer.updated" && w.deliveryUrl.includes(integrationId),
    )!;
    expect(hook.status).toBe("disabled");
    app.state.failWith = 0;
    queued.length = 0;

    const result = (await handlers.reconcile!({ integrationId }, jobCtx("reconcile"))) as {
      webhooks?: { repaired: number };
    };
    expect(result.webhooks?.repaired).toBeGreaterThanOrEqual(1);
    expect(woo.store.webhooks.get(hook.id)!.status).toBe("active");
    const integration = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.webhookHealth).toMatchObject({
      gapSuspected: true,
      repaired: expect.arrayContaining([
        { topic: "customer.updated", action: "reactivated", reason: "was disabled" },
      ]),
    });
    for (const c of customers) {
      const contact = await db.contact.findFirstOrThrow({ where: { email: c.email.toLowerCase() } });
      expect(contact.firstName).toBe(`Missed${c.id}`);
    }
  });
});
