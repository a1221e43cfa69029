import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { SYNC_SCOPES } from "../platforms/shopify/access-scopes";
import { ShopifyHttpError } from "../platforms/shopify/errors";
import type { ShopifyPlatform } from "../platforms/shopify/index.server";
import type { AppDb, WebhookMaintenanceReport } from "../sync/platform";
import { completeShopifyInstall, installProblemsInWords, recheckShopAccess } from "./shopify-install.server";
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

describe("an install's problems keep their code (Integration.statusCode), and a clean install clears it", () => {
  let t: TestDatabase;
  let shop: string;
  let integrationId: string;
  /** What the stand-in Shopify answers the shop's identity call and the webhook check. */
  let shopInfo: () => Promise<unknown>;
  let webhooks: () => Promise<WebhookMaintenanceReport>;
  const platform = {
    clientFor: () => ({ request: async () => shopInfo() }),
    maintainWebhooks: async () => webhooks(),
  } as unknown as ShopifyPlatform;
  const install = (scope: string) =>
    completeShopifyInstall({ db: db(), platform, enqueueFullSync: async () => undefined }, { shop, scope });
  const db = () => t.db as unknown as AppDb;
  const row = () => t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  const allScopes = SYNC_SCOPES.join(",");
  const shopNode = { shop: { name: "Acme", currencyCode: "USD", ianaTimezone: "UTC" } };
  const clean = async (): Promise<WebhookMaintenanceReport> => ({
    healthy: ["orders/updated"],
    repaired: [],
    gapSuspected: false,
    problems: [],
  });

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    const m = await seedMerchant(db());
    integrationId = m.shopifyId;
    shop = (await row()).storeKey;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it.each([
    [
      "Shopify answering a server error",
      () => Promise.reject(new ShopifyHttpError("ShopInfo", 503)),
      clean,
      "shopify_http_error",
    ],
    [
      "a failure without a code",
      () => Promise.reject(new Error("socket hang up")),
      clean,
      "install_incomplete",
    ],
    [
      "a refused webhook subscription",
      async () => shopNode,
      async (): Promise<WebhookMaintenanceReport> => ({
        ...(await clean()),
        problems: ["Shopify refused the orders/updated webhook subscription: access denied."],
        problemCodes: {
          "Shopify refused the orders/updated webhook subscription: access denied.": "webhooks_unregistered",
        },
      }),
      "webhooks_unregistered",
    ],
  ] as const)("GIVEN %s THEN the store needs attention with that code", async (_what, info, hooks, code) => {
    shopInfo = info;
    webhooks = hooks;
    await install(allScopes);
    expect(await row()).toMatchObject({ status: "needs_attention", statusCode: code });
    // Installed again without a problem: connected, reason and code cleared.
    shopInfo = async () => shopNode;
    webhooks = clean;
    await install(allScopes);
    expect(await row()).toMatchObject({ status: "connected", statusReason: null, statusCode: null });
  });

  it("of a missing scope and a site error, keeps the one Reconnect may mend (approving the access again)", async () => {
    shopInfo = () => Promise.reject(new ShopifyHttpError("ShopInfo", 503));
    webhooks = clean;
    await install("read_orders");
    expect(await row()).toMatchObject({ status: "needs_attention", statusCode: "shopify_scopes_missing" });
  });
});
