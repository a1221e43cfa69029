/**
 * Disconnecting a Shopify store removes the webhook subscriptions the app made in the shop (through the real
 * platform module and the shop's offline session, as the routes do), and says so when the shop refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectIntegration, platformCleanup } from "../../app/integrations/disconnect.server";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

describe.each(DATABASE_KINDS)("disconnecting a Shopify store on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, { customers: 5, orders: 5, products: 2 });
  });
  afterAll(async () => h?.close());

  const subscriptions = () => [...h.emu.context.shops.get(SHOP)!.webhookSubscriptions.values()];

  it("deletes the shop's webhook subscriptions, although the integration row holds no credentials", async () => {
    const row = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(row.credentials).toBeNull();
    expect(subscriptions().length).toBeGreaterThanOrEqual(10);
    const result = await disconnectIntegration(
      { db: h.db, cleanupStore: platformCleanup(h.platforms, h.db) },
      { organizationId: row.organizationId, integrationId: row.id, keepData: true, actor: "merchant:test" },
    );
    expect(result.storeCleanup).toEqual({ outcome: "done" });
    expect(subscriptions()).toEqual([]);
    const after = await h.db.integration.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("disconnected");
  });

  it("records a failed cleanup with the reason when the app holds no access to the shop, and disconnects anyway", async () => {
    const row = await h.db.integration.update({
      where: { id: h.integrationId },
      data: { status: "connected", disconnectedAt: null },
    });
    await h.db.session.deleteMany({ where: { shop: SHOP } });
    const result = await disconnectIntegration(
      { db: h.db, cleanupStore: platformCleanup(h.platforms, h.db) },
      { organizationId: row.organizationId, integrationId: row.id, keepData: true, actor: "merchant:test" },
    );
    expect(result.storeCleanup.outcome).toBe("failed");
    expect(result.storeCleanup.message).toMatch(/no access to demo\.myshopify\.com/);
    const after = await h.db.integration.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("disconnected");
  });
});
