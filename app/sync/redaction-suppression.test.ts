/**
 * ADR 0048: a redacted customer stays redacted. Data of the customer read before the redaction (a sync's snapshot,
 * a late webhook delivery) is written after it without the person; a record the store changed after the redaction
 * applies; nothing of another store, or of another organization, is affected.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import type { DatabaseKind } from "../db/database-url";
import { applyRecords } from "./apply.server";
import { purgeIntegrationData, redactCustomer } from "./compliance.server";
import { runSync } from "./engine.server";
import { COPY_TUNING } from "./postgres-connection.server";
import { redaction, seedOrganization, TEST_EMAIL_DIGEST_KEYS } from "./testing/fixtures";
import {
  createMemorySource,
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
  type MemoryCustomer,
  type MemoryOrder,
} from "./testing/memory-source";

const EMAIL = "customer1@example.com";
/** What the store's export held before the redaction (ISO dates of 2025, long before any redaction here). */
const customers = () => [0, 1].map((i) => syntheticCustomer(i));
const orders = (): MemoryOrder[] => [
  { ...syntheticOrder(0, { customerCount: 2 }) },
  { ...syntheticOrder(1, { customerCount: 2 }), phone: "+15550000001" } as MemoryOrder,
  { ...syntheticOrder(9), email: "walkin@example.org" },
];
const later = (ms = 60_000) => new Date(Date.now() + ms).toISOString();

/** PostgreSQL twice: small batches as one JSON statement, and every batch through COPY staging (ADR 0028). */
const CASES: { name: string; kind: DatabaseKind; copyMinRows?: number }[] = [
  { name: "sqlite", kind: "sqlite" },
  { name: "postgres", kind: "postgres" },
  { name: "postgres through COPY staging", kind: "postgres", copyMinRows: 1 },
];

describe.each(CASES)("a redacted customer stays redacted on $name", ({ kind, copyMinRows }) => {
  let t: TestDatabase;
  const defaultMinRows = COPY_TUNING.minRows;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    if (copyMinRows !== undefined) COPY_TUNING.minRows = copyMinRows;
  });
  afterAll(async () => {
    COPY_TUNING.minRows = defaultMinRows;
    await t?.cleanup();
  });

  /** One organization with a Shopify-like store and a second store; the shop synced from its snapshot. */
  async function seed() {
    const {
      organizationId,
      integrationIds: [shop, other],
    } = await seedOrganization(t.db, ["shopify", "woocommerce"]);
    await fullSync(shop, customers(), orders());
    return { organizationId, shop, other };
  }

  function fullSync(integrationId: string, c: MemoryCustomer[], o: MemoryOrder[] = []) {
    return runSync(t.db, {
      integrationId,
      kind: "full",
      source: createMemorySource({ customers: c, orders: o }),
      emailDigestKeys: TEST_EMAIL_DIGEST_KEYS,
    });
  }

  /** Everything personal the organization holds that names the customer: contacts, links, order emails. */
  async function traces(organizationId: string, integrationId: string, email = EMAIL) {
    // Customer c1 also by name, phone and id; a guest by email only.
    const c1 = email === EMAIL;
    const contacts = await t.db.contact.findMany({
      where: {
        organizationId,
        OR: [{ email }, ...(c1 ? [{ firstName: "First1" }, { phone: "+15550000001" }] : [])],
      },
    });
    const links = await t.db.contactSource.findMany({
      where: { integrationId, externalId: { in: [...(c1 ? ["c1"] : []), `guest:${email}`] } },
    });
    const orderEmails = await t.db.order.count({ where: { integrationId, email } });
    return { contacts: contacts.length, links: links.length, orderEmails };
  }
  const none = { contacts: 0, links: 0, orderEmails: 0 };

  it("a full sync read before the redaction recreates no contact, link or order email", async () => {
    const { organizationId, shop } = await seed();
    expect(await traces(organizationId, shop)).toEqual({ contacts: 1, links: 1, orderEmails: 1 });
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    expect(await traces(organizationId, shop)).toEqual(none);

    // The same snapshot (customer and order unchanged since before the redaction) written after it.
    const summary = await fullSync(shop, customers(), orders());
    expect(summary.status).toBe("succeeded");
    expect(await traces(organizationId, shop)).toEqual(none);
    // The sale stays, without its buyer; the other customer is untouched.
    expect(
      await t.db.order.findFirstOrThrow({
        where: { integrationId: shop, externalId: "o1" },
        select: { email: true, contactId: true, totalMinor: true },
      }),
    ).toMatchObject({ email: null, contactId: null });
    expect(await t.db.contact.count({ where: { organizationId, email: "customer0@example.com" } })).toBe(1);
  });

  it("a late webhook delivery of the customer or of their order, older than the redaction, stores nothing personal", async () => {
    const { organizationId, shop } = await seed();
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    const webhook = { integrationId: shop, emailDigestKeys: TEST_EMAIL_DIGEST_KEYS };
    // customers/update made before the redaction (a new email too: still the redacted customer id), delivered after.
    const late = { ...syntheticCustomer(1), email: "new-address@example.com", updated_at: later(-60_000) };
    const outcomes = await applyRecords(t.db, {
      ...webhook,
      resource: "customers",
      remote: [late],
      map: mapMemoryCustomer,
    });
    expect(outcomes).toEqual([{ externalId: "c1", status: "applied" }]);
    // orders/updated of the customer's order, and a new order of theirs placed before the redaction.
    const order = orders()[1];
    await applyRecords(t.db, {
      ...webhook,
      resource: "orders",
      remote: [
        { ...order, financial_status: "refunded", updated_at: later(-60_000) },
        { ...order, id: "o77", updated_at: later(-30_000) },
      ],
      map: mapMemoryOrder,
    });
    expect(await traces(organizationId, shop)).toEqual(none);
    expect(await t.db.contact.count({ where: { email: "new-address@example.com" } })).toBe(0);
    const stored = await t.db.order.findMany({
      where: { integrationId: shop, externalId: { in: ["o1", "o77"] } },
      select: { externalId: true, email: true, contactId: true, financialStatus: true },
      orderBy: { externalId: "asc" },
    });
    expect(stored).toEqual([
      { externalId: "o1", email: null, contactId: null, financialStatus: "refunded" },
      { externalId: "o77", email: null, contactId: null, financialStatus: "paid" },
    ]);
  });

  it("suppresses a guest by email, and the orders a redaction named", async () => {
    const { organizationId, shop } = await seed();
    const guest = "walkin@example.org";
    await redactCustomer(
      t.db,
      { integrationId: shop, email: "WalkIn@Example.org", orderExternalIds: ["o0"] },
      redaction,
    );
    expect(await traces(organizationId, shop, guest)).toEqual(none);
    // A guest order with that email (any case) read before the redaction; a customer account with it; and the
    // named order o0, which belongs to another customer id and email, re-read from the same snapshot.
    await fullSync(
      shop,
      [{ ...syntheticCustomer(5), email: " walkin@EXAMPLE.org" }],
      [
        { ...syntheticOrder(19), email: "WALKIN@example.org" },
        { ...orders()[0], fulfillment_status: "fulfilled" },
      ],
    );
    expect(await traces(organizationId, shop, guest)).toEqual(none);
    expect(await t.db.contactSource.count({ where: { integrationId: shop, externalId: "c5" } })).toBe(0);
    expect(
      await t.db.order.findMany({
        where: { integrationId: shop, externalId: { in: ["o0", "o19"] } },
        select: { externalId: true, email: true, contactId: true },
        orderBy: { externalId: "asc" },
      }),
    ).toEqual([
      { externalId: "o0", email: null, contactId: null },
      { externalId: "o19", email: null, contactId: null },
    ]);
  });

  it("applies a record the store changed after the redaction: the person came back", async () => {
    const { organizationId, shop } = await seed();
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    const returning = { ...syntheticCustomer(1), updated_at: later() };
    const order: MemoryOrder = { ...orders()[1], id: "o88", updated_at: later() };
    await fullSync(shop, [returning], [order]);
    const contact = await t.db.contact.findFirstOrThrow({
      where: { organizationId, email: EMAIL },
      include: { sources: true },
    });
    expect(contact).toMatchObject({
      firstName: "First1",
      marketingState: expect.not.stringMatching("redacted"),
    });
    expect(contact.sources.map((s) => s.externalId)).toEqual(["c1"]);
    expect(
      await t.db.order.findFirstOrThrow({ where: { integrationId: shop, externalId: "o88" } }),
    ).toMatchObject({ email: EMAIL, contactId: contact.id });
  });

  it("keeps an order the redaction covered without a buyer even in a version the store changed later", async () => {
    const { organizationId, shop } = await seed();
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    // o1 is c1's own order (not named by the request); the store refunds it after the redaction.
    const refunded: MemoryOrder = { ...orders()[1], financial_status: "refunded", updated_at: later() };
    await fullSync(shop, [], [refunded]);
    expect(
      await t.db.order.findFirstOrThrow({
        where: { integrationId: shop, externalId: "o1" },
        select: { email: true, contactId: true, financialStatus: true },
      }),
    ).toEqual({ email: null, contactId: null, financialStatus: "refunded" });
    expect(await traces(organizationId, shop)).toEqual(none);
  });

  it("never affects another store of the organization, or another organization", async () => {
    const { organizationId, shop, other } = await seed();
    const elsewhere = await seedOrganization(t.db, ["shopify"]);
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    // The same customer (same ids, same email, same old dates) in the organization's other store and in another
    // organization's store: each holds it lawfully.
    await fullSync(other, customers(), orders());
    await fullSync(elsewhere.integrationIds[0], customers(), orders());
    expect(await traces(organizationId, other)).toEqual({ contacts: 1, links: 1, orderEmails: 1 });
    expect(await traces(elsewhere.organizationId, elsewhere.integrationIds[0])).toEqual({
      contacts: 1,
      links: 1,
      orderEmails: 1,
    });
    // The redacted store still writes nothing of the customer, although the organization holds the email again.
    await fullSync(shop, customers(), orders());
    expect(await t.db.contactSource.count({ where: { integrationId: shop, externalId: "c1" } })).toBe(0);
    expect(await t.db.order.count({ where: { integrationId: shop, email: EMAIL } })).toBe(0);
    expect(
      (await t.db.order.findFirstOrThrow({ where: { integrationId: shop, externalId: "o1" } })).contactId,
    ).toBeNull();
  });

  it("keeps no readable email in the suppression table; the audit row counts the keys; a store purge deletes them", async () => {
    const { shop, other } = await seed();
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    await redactCustomer(t.db, { integrationId: other, email: "someone@example.net" }, redaction);
    const dump = JSON.stringify(await t.db.$queryRawUnsafe(`SELECT * FROM "CustomerSuppression"`));
    expect(dump).not.toMatch(/@|customer1|example/i);
    // Not a plain hash either (a dump reader could hash candidate addresses).
    for (const email of [EMAIL, "someone@example.net"]) {
      for (const encoding of ["hex", "base64url", "base64"] as const) {
        expect(dump).not.toContain(createHash("sha256").update(email).digest(encoding));
      }
    }
    const keys = await t.db.customerSuppression.findMany({ where: { integrationId: shop } });
    expect(keys.map((k) => k.key.split(":")[0]).sort()).toEqual(["customer", "email", "order"]);
    const audit = await t.db.auditLog.findFirstOrThrow({
      where: { integrationId: shop, action: "customer.redact" },
    });
    expect(audit.detail).toMatchObject({ customerExternalId: "c1", contactsRedacted: 1, suppressionKeys: 3 });
    expect(JSON.stringify(audit.detail)).not.toContain("@");

    const purged = await purgeIntegrationData(t.db, shop);
    expect(purged.suppressionsDeleted).toBe(3);
    expect(await t.db.customerSuppression.count({ where: { integrationId: shop } })).toBe(0);
    expect(await t.db.customerSuppression.count({ where: { integrationId: other } })).toBe(1);
  });

  it("writes nothing of a store with redactions when the process has no digest keys", async () => {
    const { organizationId, shop } = await seed();
    await redactCustomer(t.db, { integrationId: shop, customerExternalId: "c1", email: EMAIL }, redaction);
    const summary = await runSync(t.db, {
      integrationId: shop,
      kind: "full",
      source: createMemorySource({ customers: customers() }),
    });
    expect(summary.resources.customers).toMatchObject({ failed: 2 });
    expect(await traces(organizationId, shop)).toEqual(none);
  });
});
