/**
 * Full and incremental syncs of an emulated Shopify store through the real platform, engine and database: small
 * stores through pages, larger ones through ungrouped bulk operations (children may precede their parents).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSync } from "../../app/sync/engine.server";
import { DATABASE_KINDS } from "../setup/db";
import { expectStoreMatchesShop } from "./shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

describe.each(DATABASE_KINDS)("Shopify full sync on %s", (kind) => {
  describe("a small store, read through pages", () => {
    let h: ShopifyHarness;
    beforeAll(async () => {
      h = await startShopifyHarness(kind, { customers: 90, orders: 60, products: 12 });
    });
    afterAll(async () => h?.close());

    it("stores every customer, order, line item, product and variant exactly, with Shopify's consent", async () => {
      const summary = await runSync(h.db, {
        integrationId: h.integrationId,
        kind: "full",
        sources: h.platforms,
      });
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.customers).toMatchObject({ success: true, synced: 90, failed: 0 });
      expect(summary.resources.orders).toMatchObject({ success: true, synced: 60, failed: 0 });
      expect(summary.resources.products).toMatchObject({ success: true, synced: 12, failed: 0 });
      await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);
      const calls = await h.db.auditLog.findMany({ where: { integrationId: h.integrationId } });
      expect(JSON.stringify(calls)).not.toMatch(/shpat_|shprt_/);
    });

    it("reads only what changed on the next incremental sync, overlapping the previous position", async () => {
      const shop = h.emu.context.shops.get(SHOP)!;
      const customer = [...shop.customers.values()][3];
      const res = await fetch(`${h.emu.url}/_emulator/shops/${SHOP}/customers/${customer.id}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ firstName: "Changed" }),
      });
      expect(res.status).toBe(200);
      const summary = await runSync(h.db, {
        integrationId: h.integrationId,
        kind: "incremental",
        sources: h.platforms,
      });
      expect(summary.status).toBe("succeeded");
      // The change, plus whatever the overlap window re-reads (never the whole store).
      expect(summary.resources.customers!.synced).toBeGreaterThanOrEqual(1);
      expect(summary.resources.customers!.synced).toBeLessThan(90);
      const link = await h.db.contactSource.findFirstOrThrow({
        where: { integrationId: h.integrationId, externalId: `gid://shopify/Customer/${customer.id}` },
        include: { contact: true },
      });
      expect(link.contact.firstName).toBe("Changed");
    });
  });

  describe("a larger store, read through bulk operations", () => {
    let h: ShopifyHarness;
    beforeAll(async () => {
      h = await startShopifyHarness(kind, { customers: 2_500, orders: 3_000, products: 120, seed: 5 });
    });
    afterAll(async () => h?.close());

    it("joins children to parents whatever their order and ends with exact counts", async () => {
      const summary = await runSync(h.db, {
        integrationId: h.integrationId,
        kind: "full",
        sources: h.platforms,
      });
      expect(summary.status).toBe("succeeded");
      expect(summary.resources.customers!.synced).toBe(2_500);
      expect(summary.resources.orders!.synced).toBe(3_000);
      const ops = h.emu.bulk.all(SHOP);
      expect(ops.length).toBeGreaterThanOrEqual(2);
      await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);
    });
  });
});
