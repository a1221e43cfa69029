/**
 * Access Shopify did not give, against the emulator: a token without read_all_orders (Shopify then hides orders
 * older than 60 days without any error) and an app not approved for protected customer data (null fields with
 * errors, customers/orders webhook topics refused). The app must say what is missing, keep syncing what it can and
 * catch up once access is granted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_SCOPES } from "../../app/env.server";
import { runSync } from "../../app/sync/engine.server";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const DAY_MS = 86_400_000;

async function integrationOf(h: ShopifyHarness, id: string) {
  return h.db.integration.findUniqueOrThrow({ where: { id } });
}

async function lastInstallAudit(h: ShopifyHarness, integrationId: string) {
  const entry = await h.db.auditLog.findFirstOrThrow({
    where: { integrationId, action: "shopify.install.completed" },
    orderBy: { createdAt: "desc" },
  });
  return entry.detail as { fullSyncEnqueued: boolean; problems: string[] };
}

describe.each(DATABASE_KINDS)("Shopify access not granted on %s", (kind) => {
  describe("read_all_orders", () => {
    let h: ShopifyHarness;
    let integrationId: string;
    let recentOrders: number;
    let allOrders: number;
    beforeAll(async () => {
      h = await startShopifyHarness(kind, { install: false, customers: 20, orders: 90, products: 3 });
      const shop = h.emu.context.shops.get(SHOP)!;
      const since = h.emu.context.now().getTime() - 60 * DAY_MS;
      const orders = [...shop.orders.values()];
      allOrders = orders.length;
      recentOrders = orders.filter((o) => o.createdAt.getTime() >= since).length;
    });
    afterAll(async () => h?.close());

    it("GIVEN a token without read_all_orders WHEN the shop installs and syncs THEN the store needs attention, saying orders older than 60 days are missing", async () => {
      // The seed must hold orders on both sides of the 60-day line, or this test proves nothing.
      expect(recentOrders).toBeGreaterThan(0);
      expect(recentOrders).toBeLessThan(allOrders);
      h.oauth.scopes = SHOPIFY_SCOPES.filter((s) => s !== "read_all_orders");
      integrationId = await h.installByAuthorizationCode();
      expect(await integrationOf(h, integrationId)).toMatchObject({
        status: "needs_attention",
        statusReason: expect.stringMatching(
          /did not grant .*read_all_orders.*older than 60 days are not synced/,
        ),
      });
      const summary = await runSync(h.db, { integrationId, kind: "full", sources: h.platforms });
      // Shopify answers without an error: the sync itself succeeds with the last 60 days only.
      expect(summary.resources.orders).toMatchObject({ success: true, synced: recentOrders });
      expect(await h.db.order.count({ where: { integrationId } })).toBe(recentOrders);
    });

    it("GIVEN the merchant then grants read_all_orders WHEN the app is authorized again THEN the notice clears and a full sync reads the older orders", async () => {
      h.oauth.scopes = [...SHOPIFY_SCOPES];
      expect(await h.installByAuthorizationCode()).toBe(integrationId);
      expect(await integrationOf(h, integrationId)).toMatchObject({
        status: "connected",
        statusReason: null,
      });
      expect(await lastInstallAudit(h, integrationId)).toMatchObject({
        fullSyncEnqueued: true,
        problems: [],
      });
      await runSync(h.db, { integrationId, kind: "full", sources: h.platforms });
      expect(await h.db.order.count({ where: { integrationId } })).toBe(allOrders);
    });
  });

  describe("protected customer data not approved", () => {
    let h: ShopifyHarness;
    let integrationId: string;
    beforeAll(async () => {
      h = await startShopifyHarness(kind, { install: false, customers: 15, orders: 20, products: 4 });
      const res = await fetch(`${h.emu.url}/_emulator/app`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ protectedCustomerDataApproved: false }),
      });
      expect(res.status).toBe(200);
    });
    afterAll(async () => h?.close());

    it("GIVEN customers and orders webhook topics refused WHEN the shop installs THEN the install stands and the store needs attention naming protected customer data", async () => {
      integrationId = await h.installByAuthorizationCode();
      const integration = await integrationOf(h, integrationId);
      expect(integration.status).toBe("needs_attention");
      expect(integration.statusReason).toMatch(/not approved .*protected customer data/);
      const audit = await lastInstallAudit(h, integrationId);
      // Product topics are not protected: only customers/* and orders/* are refused.
      expect(audit.problems.length).toBe(7);
      expect(audit.fullSyncEnqueued).toBe(true);
    });

    it("GIVEN a sync WHEN Shopify nulls protected fields with errors THEN customers and orders fail with the merchant's explanation, products sync, nothing is stored half-empty", async () => {
      const summary = await runSync(h.db, { integrationId, kind: "full", sources: h.platforms });
      expect(summary.status).not.toBe("succeeded");
      expect(summary.resources.products).toMatchObject({ success: true, synced: 4, failed: 0 });
      for (const resource of ["customers", "orders"] as const) {
        expect(summary.resources[resource]?.success).toBe(false);
        expect(summary.resources[resource]?.errors.join(" ")).toMatch(
          /not approved Commerce Sync to read protected customer data.*Partner Dashboard/,
        );
      }
      expect(await h.db.contact.count()).toBe(0);
      expect(await h.db.order.count({ where: { integrationId } })).toBe(0);
    });
  });
});
