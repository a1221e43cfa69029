/**
 * Shopify's compliance requests at the size of a real customer: a B2B buyer may have thousands of orders, and
 * `customers/redact` names them all in `orders_to_redact` (`customers/data_request` in `orders_requested`). The
 * request goes the way a delivery does — Shopify's decision on the raw body, then the compliance job — on SQLite
 * and PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import type { AppDb } from "../db/client.server";
import { decideWebhook, type WebhookDeps } from "../platforms/shopify/webhooks.server";
import { REDACTED_PAYLOAD } from "../sync/compliance.server";
import { runSync } from "../sync/engine.server";
import type { ComplianceRequest } from "../sync/platform";
import { createMemorySource, syntheticCustomer, syntheticOrder } from "../sync/testing/memory-source";
import { redaction, seedOrganization } from "../sync/testing/fixtures";
import { complianceHandlers } from "./compliance-handlers.server";
import type { JobContext } from "./types";

/** Shopify ids above 2^53, as a real store's are: they must survive the body, the job and the queries exactly. */
const ORDER_BASE = 5_000_000_000_000_000n;
const CUSTOMER_ID = "gid://shopify/Customer/7000000000000000123";
const EMAIL = "buyer@b2b.example";
const orderNumber = (i: number) => (ORDER_BASE + BigInt(i)).toString();
const orderGid = (i: number) => `gid://shopify/Order/${orderNumber(i)}`;

const unusedDeps = {} as WebhookDeps;
const context = {} as JobContext;

/** The request Shopify's module decides for a raw compliance body naming `orders` (bare numbers, as Shopify sends). */
async function decided(topic: "customers/redact" | "customers/data_request", orders: number[]) {
  const list = orders.map(orderNumber).join(",");
  const payload =
    topic === "customers/redact"
      ? `{"shop_id":1,"shop_domain":"b2b.myshopify.com","customer":{"id":7000000000000000123,"email":"${EMAIL}","phone":null},"orders_to_redact":[${list}]}`
      : `{"shop_id":1,"shop_domain":"b2b.myshopify.com","customer":{"id":7000000000000000123,"email":"${EMAIL}","phone":null},"orders_requested":[${list}],"data_request":{"id":9001}}`;
  const decision = await decideWebhook(
    unusedDeps,
    {
      id: "e",
      integrationId: null,
      platform: "shopify",
      topic,
      dedupeKey: "d",
      storeKey: "b2b.myshopify.com",
      resourceId: null,
      payload,
      receivedAt: new Date(),
    },
    null,
  );
  if (decision.action !== "compliance") throw new Error(`Unexpected decision ${decision.action}`);
  return decision.request as Exclude<ComplianceRequest, { kind: "shop_redact" }>;
}

describe.each(DATABASE_KINDS)("compliance requests naming thousands of orders on %s", (kind) => {
  let t: TestDatabase;
  let exportDir: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    exportDir = mkdtempSync(join(tmpdir(), "exports-"));
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(exportDir, { recursive: true, force: true });
  });

  /**
   * One store: the buyer with `count` orders stored (every 10th a guest checkout under another email, so only the
   * request's order ids reach it), each with a stored delivery (every other one still waiting); and another
   * customer with 3 orders and a delivery, which must stay untouched.
   */
  async function seed(count: number) {
    await t.db.organization.deleteMany();
    const { integrationIds } = await seedOrganization(t.db, ["shopify"]);
    const shop = integrationIds[0];
    const buyerOrders = Array.from({ length: count }, (_, i) => ({
      ...syntheticOrder(i, { customerCount: 1, itemCount: 1 }),
      id: orderGid(i),
      ...(i % 10 === 9 ? {} : { customer_id: CUSTOMER_ID, email: EMAIL }),
    }));
    const otherOrders = [0, 1, 2].map((i) => ({
      ...syntheticOrder(count + i, { customerCount: 1, itemCount: 1 }),
      customer_id: "gid://shopify/Customer/1",
      email: "other@example.com",
    }));
    await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({
        customers: [
          { ...syntheticCustomer(0), id: CUSTOMER_ID, email: EMAIL },
          { ...syntheticCustomer(1), id: "gid://shopify/Customer/1", email: "other@example.com" },
        ],
        orders: [...buyerOrders, ...otherOrders],
      }),
    });
    const delivery = (resourceId: string, body: object, status: string, n: number) => ({
      integrationId: shop,
      platform: "shopify",
      topic: "orders/updated",
      dedupeKey: `${shop}:${n}`,
      storeKey: "b2b.myshopify.com",
      resourceId,
      payload: JSON.stringify(body),
      status,
    });
    await t.db.webhookEvent.createMany({
      data: [
        ...buyerOrders.map((o, i) =>
          delivery(
            o.id,
            { id: o.id, note: "ship to the buyer's warehouse" },
            i % 2 ? "received" : "processed",
            i,
          ),
        ),
        delivery(otherOrders[0].id, { id: otherOrders[0].id, email: "other@example.com" }, "received", -1),
      ],
    });
    return { shop, orderIds: buyerOrders.map((o) => o.id), otherOrderIds: otherOrders.map((o) => o.id) };
  }

  it.each([1_000, 5_000])(
    "answers customers/data_request and customers/redact naming %i orders, all stored",
    async (count) => {
      const { shop, orderIds, otherOrderIds } = await seed(count);
      const handlers = complianceHandlers({ db: t.db, exportDir, ...redaction });
      const indexes = Array.from({ length: count }, (_, i) => i);

      const request = await decided("customers/data_request", indexes);
      expect(request.orderExternalIds).toHaveLength(count);
      const { file } = (await handlers["compliance.customer_data_request"]!(
        { integrationId: shop, ...request },
        context,
      )) as { file: string };
      const exported = JSON.parse(readFileSync(file, "utf8"));
      expect(exported.orders).toHaveLength(count);
      expect(new Set(exported.orders.map((o: { externalId: string }) => o.externalId))).toEqual(
        new Set(orderIds),
      );
      expect(exported.orders.every((o: { items: unknown[] }) => o.items.length === 1)).toBe(true);
      const dates = exported.orders.map((o: { orderDate: string }) => o.orderDate);
      expect(dates).toEqual([...dates].sort());

      const redact = await decided("customers/redact", indexes);
      const result = await handlers["compliance.customer_redact"]!(
        { integrationId: shop, ...redact },
        context,
      );
      expect(result).toMatchObject({
        contactsRedacted: 1,
        ordersRedacted: count,
        webhookDeliveriesRedacted: count,
      });
      expect(redact.orderExternalIds).toEqual(request.orderExternalIds);
      expect(
        await t.db.order.count({ where: { integrationId: shop, externalId: { in: otherOrderIds } } }),
      ).toBe(3);
      const left = await t.db.order.count({
        where: { integrationId: shop, OR: [{ email: { not: null } }, { contactId: { not: null } }] },
      });
      expect(left).toBe(3); // only the other customer's
      expect(
        await t.db.webhookEvent.count({ where: { integrationId: shop, payload: REDACTED_PAYLOAD } }),
      ).toBe(count);
      expect(await t.db.webhookEvent.count({ where: { integrationId: shop, status: "received" } })).toBe(1);
    },
  );

  it("answers for a customer with 5,000 orders stored when the request names none of them", async () => {
    const { shop } = await seed(5_000);
    const handlers = complianceHandlers({ db: t.db, exportDir, ...redaction });
    const selector = {
      integrationId: shop,
      customerExternalId: CUSTOMER_ID,
      email: EMAIL,
      orderExternalIds: [],
    };
    const { file } = (await handlers["compliance.customer_data_request"]!(
      { ...selector, dataRequestId: "own-orders" },
      context,
    )) as { file: string };
    const exported = JSON.parse(readFileSync(file, "utf8"));
    // The guest checkouts (every 10th, under another email) are not the customer's as far as we know.
    expect(exported.orders).toHaveLength(4_500);
    expect(exported.orders.every((o: { items: unknown[] }) => o.items.length === 1)).toBe(true);
    const result = await handlers["compliance.customer_redact"]!(selector, context);
    expect(result).toMatchObject({ contactsRedacted: 1, ordersRedacted: 4_500 });
    expect(await t.db.order.count({ where: { integrationId: shop, email: EMAIL } })).toBe(0);
    // Still linked: the other customer's 3 and the 500 guest checkouts (each to its guest's own contact).
    expect(await t.db.order.count({ where: { integrationId: shop, contactId: { not: null } } })).toBe(503);
  });

  it("answers a request naming 40,000 orders (more than PostgreSQL's 32,767 parameters), few of them stored", async () => {
    const { shop } = await seed(10);
    const indexes = Array.from({ length: 40_000 }, (_, i) => i);
    const handlers = complianceHandlers({ db: t.db, exportDir, ...redaction });
    const request = await decided("customers/data_request", indexes);
    const { file } = (await handlers["compliance.customer_data_request"]!(
      { integrationId: shop, ...request },
      context,
    )) as { file: string };
    expect(JSON.parse(readFileSync(file, "utf8")).orders).toHaveLength(10);
    const redact = await decided("customers/redact", indexes);
    const result = await handlers["compliance.customer_redact"]!({ integrationId: shop, ...redact }, context);
    expect(result).toMatchObject({ ordersRedacted: 10, webhookDeliveriesRedacted: 10 });
  });

  it("leaves nothing half-done when a redaction fails part-way; the job's retry then finishes it", async () => {
    const { shop } = await seed(2_000);
    const request = await decided(
      "customers/redact",
      Array.from({ length: 2_000 }, (_, i) => i),
    );
    const payload = { integrationId: shop, ...request };
    const links = await t.db.contactSource.count({ where: { integrationId: shop } });
    // The database fails on the third statement erasing stored bodies, after the orders and the contact were changed.
    const failing = failingOn(t.db, "webhookEvent", "updateMany", 3);
    await expect(
      complianceHandlers({ db: failing, exportDir, ...redaction })["compliance.customer_redact"]!(
        payload,
        context,
      ),
    ).rejects.toThrow("injected failure");
    expect(await t.db.order.count({ where: { integrationId: shop, email: null } })).toBe(0);
    expect(await t.db.contact.count({ where: { marketingState: "redacted" } })).toBe(0);
    expect(await t.db.contactSource.count({ where: { integrationId: shop } })).toBe(links);
    expect(await t.db.webhookEvent.count({ where: { payload: REDACTED_PAYLOAD } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { integrationId: shop, action: "customer.redact" } })).toBe(0);
    expect(await t.db.customerSuppression.count({ where: { integrationId: shop } })).toBe(0);

    const retried = await complianceHandlers({ db: t.db, exportDir, ...redaction })[
      "compliance.customer_redact"
    ]!(payload, context);
    expect(retried).toMatchObject({
      contactsRedacted: 1,
      ordersRedacted: 2_000,
      webhookDeliveriesRedacted: 2_000,
    });
    expect(await t.db.order.count({ where: { integrationId: shop, email: null } })).toBe(2_000);
    expect(await t.db.contact.count({ where: { marketingState: "redacted" } })).toBe(1);
    // The 2,000 named orders, the customer id and their email: recorded once, by the run that committed.
    expect(await t.db.customerSuppression.count({ where: { integrationId: shop } })).toBe(
      (retried as { suppressionKeys: number }).suppressionKeys,
    );
    expect((retried as { suppressionKeys: number }).suppressionKeys).toBeGreaterThanOrEqual(2_002);
  });
});

/**
 * `db` whose interactive transactions throw on the `nth` call of `model.method` (the statement never runs), as a
 * dropped connection or a killed worker would part-way through.
 */
function failingOn(db: AppDb, model: string, method: string, nth: number): AppDb {
  let calls = 0;
  const wrapTx = (tx: Prisma.TransactionClient) =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== model) return value;
        return new Proxy(value as object, {
          get(delegate, name, r) {
            const fn = Reflect.get(delegate, name, r);
            if (name !== method) return fn;
            return (...args: unknown[]) => {
              calls += 1;
              if (calls === nth) return Promise.reject(new Error("injected failure"));
              return (fn as (...a: unknown[]) => unknown).apply(delegate, args);
            };
          },
        });
      },
    });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "$transaction") return Reflect.get(target, prop, receiver);
      return (fn: (tx: Prisma.TransactionClient) => Promise<unknown>, options?: object) =>
        target.$transaction((tx) => fn(wrapTx(tx)), options);
    },
  });
}
