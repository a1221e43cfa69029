import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import type { AppDb } from "../sync/platform";
import { installProblemsInWords, recheckShopAccess } from "./shopify-install.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

describe("install problems in the store's status", () => {
  it("shows a missing scope and the first refused webhook topic, then counts the rest", () => {
    const scope = "Shopify did not grant read_all_orders: orders older than 60 days are not synced.";
    const topics = ["customers/create", "customers/update", "orders/create"].map(
      (t) => `Shopify has not approved Commerce Sync to read protected customer data (the ${t} webhook).`,
    );
    expect(installProblemsInWords([scope, ...topics])).toBe(`${scope} ${topics[0]} (2 more like these.)`);
  });

  it("says one or two problems as they are, each once", () => {
    expect(installProblemsInWords(["A.", "A."])).toBe("A.");
    expect(installProblemsInWords(["A.", "B."])).toBe("A. B.");
  });
});

describe("opening the app rechecks a refused shop's access", () => {
  let t: TestDatabase;
  let m: MerchantFixture;
  let shop: string;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    m = await seedMerchant(t.db as unknown as AppDb);
    shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const db = () => t.db as unknown as AppDb;
  const status = (value: string) =>
    t.db.integration.update({ where: { id: m.shopifyId }, data: { status: value } });

  it("asks Shopify nothing while the store is healthy, nor on the page's own data requests", async () => {
    const asked: string[] = [];
    const graphql = async (query: string) => void asked.push(query);
    await status("connected");
    await recheckShopAccess(db(), { shop, pageLoad: true }, graphql);
    await status("needs_attention");
    await recheckShopAccess(db(), { shop, pageLoad: false }, graphql);
    expect(asked).toEqual([]);
  });

  it("lets shopify-app-remix's way to a new token through, and keeps the page open on any other failure", async () => {
    await status("needs_attention");
    const bounce = new Response(null, { status: 302, headers: { Location: "/auth/session-token?shop=x" } });
    await expect(
      recheckShopAccess(db(), { shop, pageLoad: true }, async (query) => {
        expect(query).toMatch(/query ShopAccess/);
        throw bounce;
      }),
    ).rejects.toBe(bounce);
    for (const failure of [new Response("{}", { status: 503 }), new Error("socket hang up")]) {
      await expect(
        recheckShopAccess(db(), { shop, pageLoad: true }, async () => {
          throw failure;
        }),
      ).resolves.toBeUndefined();
    }
  });
});
