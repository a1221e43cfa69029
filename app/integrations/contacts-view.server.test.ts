import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { applyDeletions } from "../sync/apply.server";
import { profileForStoreCustomer, searchContacts } from "./contacts-view.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

describe.each(DATABASE_KINDS)("contacts of customers a store deleted, on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    m = await seedMerchant(t.db);
    // customer1@example.com is Shopify's c1 and WooCommerce's 501; WooCommerce deletes 501.
    await applyDeletions(t.db, { integrationId: m.wooId, resource: "customers", externalIds: ["501"] });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("shows only the stores that still have the customer; the contact and its orders stay", async () => {
    const [c1] = (await searchContacts(t.db, m.organizationId, { query: "customer1@example.com" })).contacts;
    expect(c1.stores.map((s) => [s.name, s.externalId])).toEqual([["Acme Shopify", "c1"]]);
    expect(c1.ordersCount).toBe(3);
  });

  it("finds no profile for the deleted customer in the store that deleted it", async () => {
    expect(await profileForStoreCustomer(t.db, { integrationId: m.wooId, externalIds: ["501"] })).toBeNull();
    const profile = await profileForStoreCustomer(t.db, { integrationId: m.shopifyId, externalIds: ["c1"] });
    expect(profile?.stores.map((s) => s.name)).toEqual(["Acme Shopify"]);
  });

  it("counts the store's contacts without the deleted customer", async () => {
    const woo = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    // The guest walk-in is the WooCommerce store's only live contact now.
    expect(woo.syncedContacts).toBe(1);
  });
});
