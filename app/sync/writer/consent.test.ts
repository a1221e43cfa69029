/**
 * Cross-store consent on a contact deduplicated by email: a store with no consent signal (WooCommerce, mapped to
 * "unknown") never overwrites what another store (Shopify) knows. ADR 0020, addendum.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../../tests/setup/db";
import { dialectFor } from "../sql.server";
import { seedOrganization } from "../testing/fixtures";
import { UNKNOWN_CONSENT, type ContactRecord } from "../types";
import { writeContacts } from "./contacts.server";
import type { WriteContext } from "./context";

const T1 = new Date("2026-01-01T00:00:00.000Z");
const T2 = new Date("2026-02-01T00:00:00.000Z");
const T3 = new Date("2026-03-01T00:00:00.000Z");

function shopifyCustomer(state: string, at: Date, firstName = "Shop"): ContactRecord {
  return {
    externalId: "gid://shopify/Customer/9007199254740993",
    email: "Ada@Example.com",
    firstName,
    lastName: "Lovelace",
    phone: null,
    tags: [],
    customFields: {},
    marketingState: state,
    marketingOptInLevel: state === "subscribed" ? "confirmed_opt_in" : null,
    marketingUpdatedAt: at,
    externalUpdatedAt: at,
  };
}

function wooCustomer(at: Date, firstName = "Woo"): ContactRecord {
  return {
    externalId: "42",
    email: "ada@example.com",
    firstName,
    lastName: "Lovelace",
    phone: "+44 20 0000 0000",
    tags: [],
    customFields: { woocommerce_id: "42" },
    marketingState: UNKNOWN_CONSENT,
    marketingOptInLevel: null,
    marketingUpdatedAt: null,
    externalUpdatedAt: at,
  };
}

describe.each(DATABASE_KINDS)("consent across stores on %s", (kind) => {
  let t: TestDatabase;
  let shopify: WriteContext;
  let woo: WriteContext;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  beforeEach(async () => {
    const { organizationId, integrationIds } = await seedOrganization(t.db, ["shopify", "woocommerce"]);
    const base = { dialect: dialectFor(kind), organizationId, now: new Date() };
    shopify = { ...base, integrationId: integrationIds[0], platform: "shopify" };
    woo = { ...base, integrationId: integrationIds[1], platform: "woocommerce" };
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const write = (ctx: WriteContext, record: ContactRecord) =>
    t.db.$transaction((tx) => writeContacts(tx, ctx, [record]));
  const theContact = async () => {
    const contacts = await t.db.contact.findMany({ where: { organizationId: shopify.organizationId } });
    expect(contacts).toHaveLength(1);
    return contacts[0];
  };

  it("keeps Shopify's subscribed when a newer WooCommerce record (no consent signal) arrives", async () => {
    await write(shopify, shopifyCustomer("subscribed", T1));
    await write(woo, wooCustomer(T2));
    const contact = await theContact();
    expect(contact).toMatchObject({
      marketingState: "subscribed",
      marketingOptInLevel: "confirmed_opt_in",
      marketingUpdatedAt: T1,
      // Everything else follows the newest record as before.
      firstName: "Woo",
      phone: "+44 20 0000 0000",
      externalUpdatedAt: T2,
    });
  });

  it("takes a known state over unknown, even from an older record", async () => {
    await write(woo, wooCustomer(T2));
    expect((await theContact()).marketingState).toBe(UNKNOWN_CONSENT);
    await write(shopify, shopifyCustomer("subscribed", T1));
    const contact = await theContact();
    expect(contact).toMatchObject({ marketingState: "subscribed", marketingUpdatedAt: T1 });
    // The older record does not win the other columns.
    expect(contact.firstName).toBe("Woo");
  });

  it("still lets the newest known state win between records that know it", async () => {
    await write(shopify, shopifyCustomer("subscribed", T1));
    await write(woo, wooCustomer(T2));
    await write(shopify, shopifyCustomer("unsubscribed", T3, "Shop again"));
    expect(await theContact()).toMatchObject({ marketingState: "unsubscribed", firstName: "Shop again" });
    // An older known state never overwrites a newer one.
    await write(shopify, shopifyCustomer("subscribed", T1));
    expect((await theContact()).marketingState).toBe("unsubscribed");
  });

  it("applies an unsubscribe dated after the stored consent even when a newer WooCommerce update came first", async () => {
    await write(shopify, shopifyCustomer("subscribed", T1));
    await write(woo, wooCustomer(T3));
    // Shopify's unsubscribe happened at T2 (after the consent we hold, before WooCommerce's update) and arrives last.
    await write(shopify, shopifyCustomer("unsubscribed", T2, "Shop late"));
    expect(await theContact()).toMatchObject({
      marketingState: "unsubscribed",
      marketingUpdatedAt: T2,
      // The other columns still follow the newest record (WooCommerce's, at T3).
      firstName: "Woo",
      externalUpdatedAt: T3,
    });
  });

  it("stores unknown for a contact only a store without consent feeds", async () => {
    await write(woo, wooCustomer(T1));
    expect(await theContact()).toMatchObject({
      marketingState: UNKNOWN_CONSENT,
      marketingOptInLevel: null,
      marketingUpdatedAt: null,
    });
  });
});
