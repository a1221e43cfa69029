/**
 * WooCommerce webhooks end to end, what the events do: the emulated store delivers over HTTP to the app's ingest and
 * the `webhook.process` job applies creations, updates, deletions and restorations through the engine, leaving out
 * what is not a customer's order or contact. On SQLite and PostgreSQL. The delivery guarantees (signatures,
 * duplicates, stale bodies, a disabled webhook) are in woocommerce-webhooks-delivery.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { WooEmulator } from "../../emulators/woocommerce/server";
import { WEBHOOK_TOPICS } from "../../app/platforms/woocommerce/webhooks.server";
import type { AppDb } from "../../app/sync/platform";
import { DATABASE_KINDS } from "../setup/db";
import { useWooWebhooks } from "./woocommerce-webhooks-fixture";

describe.each(DATABASE_KINDS)("WooCommerce webhooks end to end on %s", (kind) => {
  const fixture = useWooWebhooks(kind);
  const { deliverAndProcess } = fixture;
  let db: AppDb;
  let woo: WooEmulator;
  let integrationId: string;
  beforeAll(() => void ({ db, woo, integrationId } = fixture));

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
});
