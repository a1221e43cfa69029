import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import {
  exportCustomerData,
  purgeIntegrationData,
  REDACTED_PAYLOAD,
  redactCustomer,
} from "./compliance.server";
import { applyDeletions } from "./apply.server";
import { runSync } from "./engine.server";
import {
  createMemorySource,
  syntheticCustomer,
  syntheticOrder,
  syntheticProduct,
} from "./testing/memory-source";
import { redaction, seedOrganization } from "./testing/fixtures";

describe.each(DATABASE_KINDS)("compliance operations on %s", (kind) => {
  let t: TestDatabase;
  let shop: string;
  let woo: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  /** Shop: customers c0..c3 with orders; Woo: customer c1 again (same email) and a guest order. */
  async function seed() {
    await t.db.organization.deleteMany();
    await t.db.auditLog.deleteMany();
    [shop, woo] = (await seedOrganization(t.db, ["shopify", "woocommerce"])).integrationIds;
    await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({
        customers: [0, 1, 2, 3].map((i) => syntheticCustomer(i)),
        orders: [0, 1, 2, 3].map((i) => ({
          ...syntheticOrder(i, { customerCount: 4 }),
          customer_id: `c${i}`,
          email: `customer${i}@example.com`,
        })),
        products: [syntheticProduct(0)],
      }),
    });
    await runSync(t.db, {
      integrationId: woo,
      kind: "full",
      source: createMemorySource({
        customers: [{ ...syntheticCustomer(1), id: "501" }],
        orders: [{ ...syntheticOrder(9), customer_id: null, email: "walkin@example.org" }],
      }),
    });
  }

  it("redacts a customer fed by one store: PII cleared, contact marked redacted, orders unlinked, audited", async () => {
    await seed();
    const result = await redactCustomer(
      t.db,
      {
        integrationId: shop,
        customerExternalId: "c2",
        email: "customer2@example.com",
        actor: "webhook:customers/redact",
      },
      redaction,
    );
    expect(result).toMatchObject({ contactsRedacted: 1, contactsUnlinked: 0, ordersRedacted: 1 });
    const contact = await t.db.contact.findFirstOrThrow({
      where: { marketingState: "redacted" },
      include: { sources: true },
    });
    expect(contact).toMatchObject({
      email: null,
      firstName: null,
      lastName: null,
      phone: null,
      tags: [],
      customFields: {},
    });
    expect(contact.redactedAt).toBeInstanceOf(Date);
    expect(contact.sources).toEqual([]);
    const order = await t.db.order.findFirstOrThrow({ where: { integrationId: shop, externalId: "o2" } });
    expect(order).toMatchObject({ email: null, contactId: null });
    const audit = await t.db.auditLog.findFirstOrThrow({ where: { action: "customer.redact" } });
    expect(audit.actor).toBe("webhook:customers/redact");
    expect(JSON.stringify(audit.detail)).not.toContain("customer2@example.com");
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: shop } })).syncedContacts).toBe(3);

    // A stale re-sync of that customer cannot bring the redacted data back, into the redacted row or a new one
    // (ADR 0048; more in redaction-suppression.test.ts).
    await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({ customers: [syntheticCustomer(2)] }),
      emailDigestKeys: redaction.emailDigestKeys,
    });
    expect((await t.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).email).toBeNull();
    expect(await t.db.contact.count({ where: { email: "customer2@example.com" } })).toBe(0);
  });

  it("only unlinks a customer another store of the organization also feeds", async () => {
    await seed();
    const result = await redactCustomer(
      t.db,
      {
        integrationId: shop,
        customerExternalId: "c1",
        email: "customer1@example.com",
      },
      redaction,
    );
    expect(result).toMatchObject({ contactsRedacted: 0, contactsUnlinked: 1, ordersRedacted: 1 });
    const contact = await t.db.contact.findFirstOrThrow({
      where: { email: "customer1@example.com" },
      include: { sources: true },
    });
    expect(contact.marketingState).not.toBe("redacted");
    expect(contact.sources.map((s) => [s.integrationId, s.externalId])).toEqual([[woo, "501"]]);
  });

  it("redacts a customer the store deleted first: found through its link's tombstone, nothing of the store left", async () => {
    await seed();
    await applyDeletions(t.db, { integrationId: shop, resource: "customers", externalIds: ["c2"] });
    const { id: contactId } = await t.db.contact.findFirstOrThrow({
      where: { email: "customer2@example.com" },
    });
    // The request names the customer by id only.
    const result = await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c2" }, redaction);
    expect(result).toMatchObject({ contactsRedacted: 1, contactsUnlinked: 0, ordersRedacted: 1 });
    const contact = await t.db.contact.findUniqueOrThrow({ where: { id: contactId } });
    expect(contact).toMatchObject({ email: null, firstName: null, lastName: null, phone: null });
    expect(await t.db.contactSource.count({ where: { contactId } })).toBe(0);
  });

  it("redacts a contact whose other store deleted the customer: a tombstone feeds nothing", async () => {
    await seed();
    await applyDeletions(t.db, { integrationId: woo, resource: "customers", externalIds: ["501"] });
    const result = await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1" }, redaction);
    expect(result).toMatchObject({ contactsRedacted: 1, contactsUnlinked: 0 });
    const contact = await t.db.contact.findFirstOrThrow({
      where: { marketingState: "redacted" },
      include: { sources: true },
    });
    expect(contact).toMatchObject({ email: null, firstName: null, lastName: null, phone: null });
    // What is left of the other store's link: ids and times.
    expect(contact.sources).toEqual([
      {
        id: expect.any(String),
        contactId: contact.id,
        integrationId: woo,
        externalId: "501",
        externalUpdatedAt: expect.any(Date),
        deletedAt: expect.any(Date),
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      },
    ]);
  });

  it("lists only live store links in a data export", async () => {
    await seed();
    await applyDeletions(t.db, { integrationId: woo, resource: "customers", externalIds: ["501"] });
    const document = await exportCustomerData(t.db, { integrationId: shop, customerExternalId: "c1" });
    expect(document.contacts[0].sources).toEqual([{ integrationId: shop, externalId: "c1" }]);
  });

  it("exports what we hold about a customer of a store, and audits it", async () => {
    await seed();
    const document = await exportCustomerData(t.db, { integrationId: shop, customerExternalId: "c1" });
    expect(document.contacts).toHaveLength(1);
    expect(document.contacts[0]).toMatchObject({ email: "customer1@example.com", firstName: "First1" });
    expect(document.contacts[0].sources).toHaveLength(2);
    expect(document.orders.map((o) => o.externalId)).toEqual(["o1"]);
    expect(document.orders[0].items).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(
      await t.db.auditLog.count({ where: { action: "customer.data_request", integrationId: shop } }),
    ).toBe(1);
  });

  it("purges a store's data and the contacts only it fed (shop/redact), keeping shared contacts", async () => {
    await seed();
    const result = await purgeIntegrationData(t.db, shop, { actor: "webhook:shop/redact" });
    expect(result).toMatchObject({
      ordersDeleted: 4,
      productsDeleted: 1,
      contactsDeleted: 3,
      contactsKept: 1,
    });
    expect(await t.db.order.count({ where: { integrationId: shop } })).toBe(0);
    expect(await t.db.product.count()).toBe(0);
    expect(await t.db.productVariant.count()).toBe(0);
    expect(await t.db.orderItem.count()).toBe(3);
    const remaining = await t.db.contact.findMany({ orderBy: { email: "asc" } });
    expect(remaining.map((c) => c.email)).toEqual(["customer1@example.com", "walkin@example.org"]);
    expect(await t.db.auditLog.count({ where: { action: "shop.purge" } })).toBe(1);
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: shop } })).syncedOrders).toBe(0);
  });

  it("purges the contacts of customers the store deleted, and keeps none for another store's tombstone", async () => {
    await seed();
    // c3 fed only by the shop, deleted there; c1 also fed by the WooCommerce store, deleted there.
    await applyDeletions(t.db, { integrationId: shop, resource: "customers", externalIds: ["c3"] });
    await applyDeletions(t.db, { integrationId: woo, resource: "customers", externalIds: ["501"] });
    const result = await purgeIntegrationData(t.db, shop);
    expect(result).toMatchObject({ contactsDeleted: 4, contactsKept: 0, contactSourcesDeleted: 4 });
    const remaining = await t.db.contact.findMany({ orderBy: { email: "asc" } });
    expect(remaining.map((c) => c.email)).toEqual(["walkin@example.org"]);
    expect(await t.db.contactSource.count({ where: { integrationId: shop } })).toBe(0);
  });

  /** A stored delivery of `integrationId` (its body as the store sent it). */
  async function delivery(
    integrationId: string,
    topic: string,
    resourceId: string | null,
    body: object,
    status = "processed",
  ) {
    return t.db.webhookEvent.create({
      data: {
        integrationId,
        platform: integrationId === shop ? "shopify" : "woocommerce",
        topic,
        dedupeKey: `${integrationId}:${topic}:${Math.random()}`,
        storeKey: "store",
        resourceId,
        payload: JSON.stringify(body),
        status,
      },
    });
  }

  it("erases the stored webhook bodies that concern a redacted customer, and ignores those still waiting", async () => {
    await seed();
    const about = [
      // By email, in another case than the request's, inside an order body.
      await delivery(shop, "orders/create", "gid://shopify/Order/77", {
        id: 77,
        email: "Customer2@Example.com",
        customer: { first_name: "First2" },
      }),
      // By the customer's id; still waiting to be applied.
      await delivery(shop, "customers/update", "c2", { id: "c2", first_name: "First2" }, "received"),
      // By an order the request names.
      await delivery(shop, "orders/updated", "o9", { id: "o9", note: "ship to First2" }),
      // WooCommerce's `<resource>:<id>` shape of the same ids.
      await delivery(shop, "order.updated", "order:o9", { id: "o9" }),
    ];
    const untouched = [
      await delivery(shop, "orders/create", "gid://shopify/Order/78", {
        id: 78,
        email: "customer3@example.com",
      }),
      // The same email at another store of the organization: not this request's store.
      await delivery(woo, "customer.updated", "customer:501", { id: 501, email: "customer2@example.com" }),
    ];
    const result = await redactCustomer(
      t.db,
      {
        integrationId: shop,
        customerExternalId: "c2",
        email: "customer2@example.com",
        orderExternalIds: ["o9"],
      },
      redaction,
    );
    expect(result.webhookDeliveriesRedacted).toBe(4);
    for (const e of about) {
      const row = await t.db.webhookEvent.findUniqueOrThrow({ where: { id: e.id } });
      expect(row.payload).toBe(REDACTED_PAYLOAD);
      expect(row.payload).not.toMatch(/customer2|First2/i);
      expect(row.status).toBe(e.status === "received" ? "ignored" : e.status);
    }
    for (const e of untouched) {
      expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: e.id } })).payload).toBe(e.payload);
    }
    // A repeated request finds nothing left to erase.
    const again = await redactCustomer(
      t.db,
      {
        integrationId: shop,
        customerExternalId: "c2",
        email: "customer2@example.com",
      },
      redaction,
    );
    expect(again.webhookDeliveriesRedacted).toBe(0);
  });

  it("purges a store's stored webhook deliveries with its data; one being applied is kept, emptied", async () => {
    await seed();
    await delivery(shop, "orders/create", "gid://shopify/Order/1", { email: "customer0@example.com" });
    await delivery(shop, "customers/update", "c1", { email: "customer1@example.com" }, "failed");
    const applying = await delivery(shop, "shop/redact", null, { shop_domain: "x" }, "processing");
    const other = await delivery(woo, "order.created", "order:9", { email: "walkin@example.org" });
    const result = await purgeIntegrationData(t.db, shop);
    expect(result.webhookDeliveriesDeleted).toBe(3);
    expect(await t.db.webhookEvent.findMany({ where: { integrationId: shop } })).toEqual([
      expect.objectContaining({ id: applying.id, payload: REDACTED_PAYLOAD, status: "processing" }),
    ]);
    expect(await t.db.webhookEvent.findUnique({ where: { id: other.id } })).not.toBeNull();
  });

  it("purges a store that fed more contacts than one SQL statement may name (shop/redact of a real store)", async () => {
    await t.db.organization.deleteMany();
    [shop] = (await seedOrganization(t.db, ["shopify"])).integrationIds;
    await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({
        customers: Array.from({ length: 2_100 }, (_, i) => syntheticCustomer(i)),
      }),
    });
    expect(await t.db.contact.count()).toBe(2_100);
    const result = await purgeIntegrationData(t.db, shop);
    expect(result).toMatchObject({ contactsDeleted: 2_100, contactSourcesDeleted: 2_100 });
    expect(await t.db.contact.count()).toBe(0);
  });
});
