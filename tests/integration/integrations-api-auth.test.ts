/** The integrations API's authentication (API tokens, Shopify session tokens) and its list of stores. */
import { describe, expect, it } from "vitest";
import { createApiToken, revokeApiToken } from "../../app/integrations/api-tokens.server";
import { DATABASE_KINDS } from "../setup/db";
import { sessionToken } from "./routes-harness";
import { LIST, useIntegrationsApi } from "./integrations-api-fixture";

describe.each(DATABASE_KINDS)("integrations API on %s", (kind) => {
  const { t, api, m, callers } = useIntegrationsApi(kind);

  describe("authentication", () => {
    it("answers 401 with a JSON error and WWW-Authenticate when no token is sent", async () => {
      const res = await api.call(LIST, { path: "/api/integrations" });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await res.json()).error.code).toBe("missing_token");
    });

    it("answers 401 for an unknown token and for a revoked one", async () => {
      const unknown = await api.call(LIST, { path: "/api/integrations", token: `cst_${"A".repeat(43)}` });
      expect(unknown.status).toBe(401);
      const created = await createApiToken(t.db, {
        organizationId: m.organizationId,
        name: "Old",
        createdBy: "t",
      });
      expect((await api.call(LIST, { path: "/api/integrations", token: created.token })).status).toBe(200);
      await revokeApiToken(t.db, { organizationId: m.organizationId, tokenId: created.id, actor: "t" });
      const revoked = await api.call(LIST, { path: "/api/integrations", token: created.token });
      expect(revoked.status).toBe(401);
      expect((await revoked.json()).error).toMatchObject({ code: "invalid_token" });
    });

    it("accepts a Shopify session token of an installed shop and refuses forged or expired ones", async () => {
      const shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
      const ok = await api.call(LIST, { path: "/api/integrations", token: await sessionToken(shop) });
      expect(ok.status).toBe(200);
      expect((await ok.json()).map((i: { id: string }) => i.id)).toEqual([m.shopifyId, m.wooId]);
      const forged = await sessionToken(shop, { secret: "not-the-app-secret" });
      expect((await api.call(LIST, { path: "/api/integrations", token: forged })).status).toBe(401);
      const expired = await sessionToken(shop, { expiresInS: -120 });
      expect((await api.call(LIST, { path: "/api/integrations", token: expired })).status).toBe(401);
      const wrongApp = await sessionToken(shop, { audience: "another-app" });
      expect((await api.call(LIST, { path: "/api/integrations", token: wrongApp })).status).toBe(401);
      const notInstalled = await sessionToken("stranger.myshopify.com");
      const res = await api.call(LIST, { path: "/api/integrations", token: notInstalled });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("shop_not_installed");
    });
  });

  describe("GET /api/integrations", () => {
    it("lists only the caller's stores with the seed's fields and the synced counts", async () => {
      const res = await api.call(LIST, { path: "/api/integrations", token: callers.token });
      expect(res.status).toBe(200);
      const items = await res.json();
      expect(items).toHaveLength(2);
      expect(items[0]).toMatchObject({
        id: m.shopifyId,
        platform: "shopify",
        name: "Acme Shopify",
        status: "connected",
        statusReason: null,
        syncedContacts: 6,
        syncedOrders: 6,
        syncedProducts: 3,
      });
      expect(items[0].lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(items[1]).toMatchObject({
        id: m.wooId,
        platform: "woocommerce",
        syncedContacts: 2,
        syncedOrders: 3,
      });
      const others = await (
        await api.call(LIST, { path: "/api/integrations", token: callers.otherToken })
      ).json();
      expect(others.map((i: { id: string }) => i.id)).toEqual([m.otherIntegrationId]);
    });

    it("never shows a failing store as healthy: a failed last run means needs attention, with the reason", async () => {
      await t.db.syncRun.create({
        data: {
          integrationId: m.wooId,
          kind: "incremental",
          status: "failed",
          resources: ["orders"],
          errorMessage: "WooCommerce rejected the consumer key (401).",
          startedAt: new Date(Date.now() + 1000),
          finishedAt: new Date(Date.now() + 2000),
        },
      });
      const items = await (await api.call(LIST, { path: "/api/integrations", token: callers.token })).json();
      expect(items[1]).toMatchObject({
        status: "needs_attention",
        statusReason: "The last sync failed: WooCommerce rejected the consumer key (401).",
      });
    });

    it("refuses other methods with 405", async () => {
      const res = await api.call(LIST, {
        method: "POST",
        path: "/api/integrations",
        token: callers.token,
        body: {},
      });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
    });
  });
});
