/**
 * The integrations API's connect endpoints against the real emulators over loopback: `shopifyConnect` →
 * Shopify's consent page (approved by the emulator) → `shopifyCallback`, and `woocommerceConnect` with keys the
 * WooCommerce emulator issues. The route modules are the app's own (routes-harness), with the process's platforms
 * built from the environment as at boot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOPIFY_SCOPES } from "../../app/env.server";
import { createApiToken, revokeApiToken } from "../../app/integrations/api-tokens.server";
import { startShopifyEmulator, type RunningShopifyEmulator } from "../../emulators/shopify/server";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { loadRoutes, TEST_APP, type RouteHarness, forgetShopifyServices } from "./routes-harness";

const SHOPIFY_CONNECT = "api.integrations.shopify.connect.tsx";
const SHOPIFY_CALLBACK = "api.integrations.shopify.callback.tsx";
const WOO_CONNECT = "api.integrations.woocommerce.connect.tsx";
const SHOP = "demo.myshopify.com";
const OTHER_SHOP = "second.myshopify.com";

describe.each(DATABASE_KINDS)("integrations API connect endpoints on %s", (kind) => {
  let t: TestDatabase;
  let api: RouteHarness;
  let shopify: RunningShopifyEmulator;
  let woo: WooEmulator;
  let orgId: string;
  let otherOrgId: string;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    shopify = await startShopifyEmulator({
      customers: 5,
      orders: 5,
      products: 2,
      shops: [OTHER_SHOP],
      app: { apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl },
      webhooks: { timeScale: 0 },
    });
    woo = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      siteName: "Acme Woo",
      autoDeliver: false,
    });
    Object.assign(process.env, {
      SHOPIFY_EMULATOR_URL: shopify.url,
      ALLOW_PRIVATE_STORE_URLS: "true",
      SCOPES: SHOPIFY_SCOPES.join(","),
    });
    // The process's services are built once per process from the environment: start from scratch.
    forgetShopifyServices();
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    // The WooCommerce module keeps keep-alive agents: let them go with the emulators.
    for (const p of global.__commerceSyncPlatforms?.list() ?? []) (p as { close?: () => void }).close?.();
    forgetShopifyServices();
    delete process.env.SHOPIFY_EMULATOR_URL;
    delete process.env.ALLOW_PRIVATE_STORE_URLS;
    await shopify?.close();
    await woo?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    await t.db.session.deleteMany();
    orgId = (await t.db.organization.create({ data: { name: "Acme" } })).id;
    otherOrgId = (await t.db.organization.create({ data: { name: "Someone else" } })).id;
    token = (await createApiToken(t.db, { organizationId: orgId, name: "Desk", createdBy: "test" })).token;
    otherToken = (await createApiToken(t.db, { organizationId: otherOrgId, name: "X", createdBy: "test" }))
      .token;
  });

  /** POST /api/integrations/shopify/connect, then the merchant approves on the emulator's consent page. */
  async function approvedCallbackPath(shop: string, bearer = token): Promise<string> {
    const res = await api.call(SHOPIFY_CONNECT, {
      method: "POST",
      path: "/api/integrations/shopify/connect",
      token: bearer,
      body: { shop },
    });
    expect(res.status).toBe(200);
    const { authUrl } = (await res.json()) as { authUrl: string };
    const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
    expect(approved.status).toBe(302);
    const callback = new URL(approved.headers.get("location")!);
    expect(`${callback.origin}${callback.pathname}`).toBe(
      `${TEST_APP.appUrl}/api/integrations/shopify/callback`,
    );
    return `${callback.pathname}${callback.search}`;
  }

  describe("POST /api/integrations/shopify/connect and GET /api/integrations/shopify/callback", () => {
    it("returns Shopify's consent URL for the shop, asking for the app's scopes with a sealed state", async () => {
      const res = await api.call(SHOPIFY_CONNECT, {
        method: "POST",
        path: "/api/integrations/shopify/connect",
        token,
        body: { shop: "Demo.myshopify.com" },
      });
      expect(res.status).toBe(200);
      const authUrl = new URL((await res.json()).authUrl);
      expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${shopify.url}/admin/oauth/authorize`);
      expect(authUrl.searchParams.get("client_id")).toBe(TEST_APP.apiKey);
      expect(authUrl.searchParams.get("scope")).toBe(SHOPIFY_SCOPES.join(","));
      expect(authUrl.searchParams.get("shop")).toBe(SHOP);
      expect(authUrl.searchParams.get("redirect_uri")).toBe(
        `${TEST_APP.appUrl}/api/integrations/shopify/callback`,
      );
      // The state is sealed: it does not show the organization it carries.
      expect(authUrl.searchParams.get("state")).not.toContain(orgId);
    });

    it("connects the shop into the caller's organization, queues its first sync, and refuses a replay", async () => {
      const path = await approvedCallbackPath(SHOP);
      const res = await api.call(SHOPIFY_CALLBACK, { path });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${shopify.url}/admin/apps/${TEST_APP.apiKey}?shop=${SHOP}`);
      const integration = await t.db.integration.findUniqueOrThrow({
        where: { platform_storeKey: { platform: "shopify", storeKey: SHOP } },
      });
      expect(integration, integration.statusReason ?? "").toMatchObject({
        organizationId: orgId,
        status: "connected",
      });
      expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(1);
      const jobs = await api.queue.listJobs({ limit: 100 });
      expect(
        jobs.some(
          (j) =>
            j.kind === "sync.full" &&
            (j.payload as { integrationId?: string }).integrationId === integration.id,
        ),
      ).toBe(true);

      const replay = await api.call(SHOPIFY_CALLBACK, { path });
      expect(replay.status).toBe(400);
      expect((await replay.json()).error.code).toBe("shopify_oauth_replayed");
      expect(await t.db.integration.count({ where: { storeKey: SHOP } })).toBe(1);

      // The caller's list shows it; another organization's does not.
      const list = await api.call("api.integrations._index.tsx", { path: "/api/integrations", token });
      expect((await list.json()).map((i: { storeKey: string }) => i.storeKey)).toEqual([SHOP]);
      const others = await api.call("api.integrations._index.tsx", {
        path: "/api/integrations",
        token: otherToken,
      });
      expect(await others.json()).toEqual([]);
    });

    it("never moves a shop connected to one organization into another (409, no data)", async () => {
      await api.call(SHOPIFY_CALLBACK, { path: await approvedCallbackPath(OTHER_SHOP) });
      const res = await api.call(SHOPIFY_CALLBACK, {
        path: await approvedCallbackPath(OTHER_SHOP, otherToken),
      });
      expect(res.status).toBe(409);
      const body = await res.json();
      expect(body.error.code).toBe("shopify_shop_claimed");
      expect(JSON.stringify(body)).not.toContain(orgId);
      const row = await t.db.integration.findUniqueOrThrow({
        where: { platform_storeKey: { platform: "shopify", storeKey: OTHER_SHOP } },
      });
      expect(row.organizationId).toBe(orgId);
    });

    it("refuses a callback whose query was tampered with (401) or lacks the state (400 naming it)", async () => {
      const path = await approvedCallbackPath(SHOP);
      const forged = await api.call(SHOPIFY_CALLBACK, { path: path.replace(/code=[^&]+/, "code=forged") });
      expect(forged.status).toBe(401);
      expect((await forged.json()).error.code).toBe("shopify_oauth_hmac_invalid");
      const noState = await api.call(SHOPIFY_CALLBACK, { path: path.replace(/&?state=[^&]+/, "") });
      expect(noState.status).toBe(400);
      expect((await noState.json()).error.field).toBe("query.state");
      expect(await t.db.integration.count({ where: { storeKey: SHOP } })).toBe(0);
    });

    it("answers 400 naming body.shop for something that is not a shop domain, 401 without or with a revoked token", async () => {
      const bad = await api.call(SHOPIFY_CONNECT, {
        method: "POST",
        path: "/api/integrations/shopify/connect",
        token,
        body: { shop: "https://evil.example.com" },
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe("body.shop");
      const missing = await api.call(SHOPIFY_CONNECT, {
        method: "POST",
        path: "/api/integrations/shopify/connect",
        body: { shop: SHOP },
      });
      expect(missing.status).toBe(401);
      const created = await createApiToken(t.db, { organizationId: orgId, name: "Old", createdBy: "t" });
      await revokeApiToken(t.db, { organizationId: orgId, tokenId: created.id, actor: "t" });
      const revoked = await api.call(SHOPIFY_CONNECT, {
        method: "POST",
        path: "/api/integrations/shopify/connect",
        token: created.token,
        body: { shop: SHOP },
      });
      expect(revoked.status).toBe(401);
      expect((await revoked.json()).error.code).toBe("invalid_token");
    });
  });

  describe("POST /api/integrations/woocommerce/connect", () => {
    const connect = (body: unknown, bearer: string | null = token) =>
      api.call(WOO_CONNECT, {
        method: "POST",
        path: "/api/integrations/woocommerce/connect",
        token: bearer,
        body,
      });
    const key = () => {
      const k = woo.createKey("read_write");
      return { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret };
    };

    it("connects the store into the caller's organization (201), then reconnects it (200)", async () => {
      const res = await connect({ storeUrl: woo.url, ...key() });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({
        success: true,
        created: true,
        storeName: "Acme Woo",
        storeUrl: woo.url,
        readOnly: false,
        phpNotice: null,
        // Nothing answers at the harness's app address (its routes are called in the test process): the store's
        // creation pings go nowhere, and the answer says so.
        webhooks: {
          active: 11,
          problems: [
            expect.stringMatching(
              /^The store could not reach Commerce Sync at http:\/\/127\.0\.0\.1:39999: /,
            ),
          ],
        },
        initialSync: "full",
      });
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: body.integrationId } });
      expect(row).toMatchObject({ organizationId: orgId, platform: "woocommerce", status: "connected" });
      const again = await connect({ storeUrl: `${woo.url}/`, ...key() });
      expect(again.status).toBe(200);
      expect((await again.json()).integrationId).toBe(body.integrationId);
    });

    it("says which PHP notice a store prints into its answers (connected all the same)", async () => {
      await fetch(`${woo.url}/_emulator/faults`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "php-notice", persistent: true }),
      });
      try {
        const res = await connect({ storeUrl: woo.url, ...key() });
        expect(res.status).toBeLessThan(300);
        const body = await res.json();
        expect(body.success).toBe(true);
        expect(body.phpNotice).toMatch(
          /^Notice: Function _load_textdomain_just_in_time was called incorrectly\./,
        );
      } finally {
        await fetch(`${woo.url}/_emulator/faults`, { method: "DELETE" });
      }
    });

    it("answers 422 naming body.consumerKey when the store refuses the key, and writes nothing", async () => {
      const res = await connect({
        storeUrl: woo.url,
        consumerKey: `ck_${"0".repeat(40)}`,
        consumerSecret: `cs_${"0".repeat(40)}`,
      });
      expect(res.status).toBe(422);
      const { error } = await res.json();
      expect(error).toMatchObject({ field: "body.consumerKey" });
      expect(error.message).toMatch(/key/i);
      expect(await t.db.integration.count({ where: { platform: "woocommerce" } })).toBe(0);
    });

    it("answers 400 naming the bad field, and 401 without or with a revoked token", async () => {
      const bad = await connect({ storeUrl: woo.url, consumerKey: "not-a-key", consumerSecret: "cs_abc" });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe("body.consumerKey");
      const noUrl = await connect({ ...key() });
      expect((await noUrl.json()).error.field).toBe("body.storeUrl");
      expect((await connect({ storeUrl: woo.url, ...key() }, null)).status).toBe(401);
      const created = await createApiToken(t.db, { organizationId: orgId, name: "Old", createdBy: "t" });
      await revokeApiToken(t.db, { organizationId: orgId, tokenId: created.id, actor: "t" });
      expect((await connect({ storeUrl: woo.url, ...key() }, created.token)).status).toBe(401);
      expect(await t.db.integration.count({ where: { platform: "woocommerce" } })).toBe(0);
    });

    it("refuses a store another organization has connected (409) without showing its data", async () => {
      const first = await connect({ storeUrl: woo.url, ...key() });
      const { integrationId } = await first.json();
      const res = await connect({ storeUrl: woo.url, ...key() }, otherToken);
      expect(res.status).toBe(409);
      const body = await res.json();
      expect(body.error.code).toBe("store_in_other_organization");
      expect(JSON.stringify(body)).not.toContain(integrationId);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
      expect(row.organizationId).toBe(orgId);
    });
  });
});
