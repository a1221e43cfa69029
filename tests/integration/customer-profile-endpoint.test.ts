import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedMerchant, type MerchantFixture } from "../../app/integrations/testing/merchant";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { loadRoutes, sessionToken, type RouteHarness } from "./routes-harness";

const ROUTE = "extensions.customer-profile.tsx";
/** Above 2^53: must survive as a string end to end. */
const BIG_ID = "9007199254740993";

describe.each(DATABASE_KINDS)("the customer admin block's endpoint on %s", (kind) => {
  let t: TestDatabase;
  let api: RouteHarness;
  let m: MerchantFixture;
  let shop: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    m = await seedMerchant(t.db);
    shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
    // The Shopify customer c1 as the Shopify platform stores it: by GID.
    await t.db.contactSource.updateMany({
      where: { integrationId: m.shopifyId, externalId: "c1" },
      data: { externalId: `gid://shopify/Customer/${BIG_ID}` },
    });
  });

  const get = async (customerId: string, token: string | null) =>
    api.call(ROUTE, {
      path: `/extensions/customer-profile?customerId=${encodeURIComponent(customerId)}`,
      token,
    });

  it("returns the cross-store profile: consent, both stores, orders and exact totals per currency", async () => {
    const res = await get(`gid://shopify/Customer/${BIG_ID}`, await sessionToken(shop));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = await res.json();
    expect(body.found).toBe(true);
    expect(body.profile).toMatchObject({
      email: "customer1@example.com",
      name: "First1 Last1",
      marketingState: "not_subscribed",
      ordersCount: 3,
    });
    expect(body.profile.stores).toEqual([
      { name: "Acme Shopify", platform: "shopify", guest: false },
      { name: "Acme Woo", platform: "woocommerce", guest: false },
    ]);
    // Woo: 10.05 + 0.10 EUR; Shopify: order #1 of the synthetic data in USD.
    const eur = body.profile.totalSpent.find((t: { currency: string }) => t.currency === "EUR");
    expect(eur).toEqual({ currency: "EUR", amount: "10.15" });
    expect(body.profile.totalSpent.map((t: { currency: string }) => t.currency).sort()).toEqual([
      "EUR",
      "USD",
    ]);
  });

  it("accepts the numeric id and says so when the customer is not synced yet", async () => {
    const token = await sessionToken(shop);
    expect((await (await get(BIG_ID, token)).json()).found).toBe(true);
    const missing = await (await get("12345", token)).json();
    expect(missing).toEqual({
      found: false,
      message: expect.stringContaining("not synced this customer yet"),
    });
  });

  it("refuses requests without a valid session token (401, CORS headers kept) and bad ids (400)", async () => {
    const none = await get(BIG_ID, null);
    expect(none.status).toBe(401);
    expect(none.headers.get("access-control-allow-origin")).toBe("*");
    const forged = await get(BIG_ID, await sessionToken(shop, { secret: "wrong" }));
    expect(forged.status).toBe(401);
    const bad = await get("robert'); DROP TABLE", await sessionToken(shop));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_customer_id");
  });

  it("never shows another organization's customer", async () => {
    const otherShop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.otherIntegrationId } }))
      .storeKey;
    const res = await get(`gid://shopify/Customer/${BIG_ID}`, await sessionToken(otherShop));
    expect(await res.json()).toMatchObject({ found: false });
  });

  it("answers the CORS preflight", async () => {
    const res = await api.call(ROUTE, { method: "OPTIONS", path: "/extensions/customer-profile" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
  });
});
