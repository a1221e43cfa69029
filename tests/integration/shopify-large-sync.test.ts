/**
 * The 50,000-record first sync: 20,000 customers, 30,000 orders and 1,000 products, exported by ungrouped bulk
 * operations (line items and variants may come before their order or product), read through the real platform into
 * the database. Ends with exact counts, every line item attached, and consent one for one with the shop's data.
 * Wall time and records/s are printed (the figures quoted in ADR 0018); speed targets themselves live in bench/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSync } from "../../app/sync/engine.server";
import { DATABASE_KINDS } from "../setup/db";
import { expectStoreMatchesShop } from "./shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const CUSTOMERS = 20_000;
const ORDERS = 30_000;
const PRODUCTS = 1_000;

describe.each(DATABASE_KINDS)("Shopify full sync of 50,000 records on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, {
      customers: CUSTOMERS,
      orders: ORDERS,
      products: PRODUCTS,
      seed: 50,
    });
  }, 180_000);
  afterAll(async () => h?.close());

  it("ends with exact counts, every line item attached and consent matching Shopify's one for one", async () => {
    const started = performance.now();
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      sources: h.platforms,
    });
    const wallMs = performance.now() - started;
    expect(summary.errorMessage).toBeNull();
    expect(summary.status).toBe("succeeded");
    expect(summary.resources).toEqual({
      customers: { success: true, synced: CUSTOMERS, failed: 0, errors: [] },
      orders: { success: true, synced: ORDERS, failed: 0, errors: [] },
      products: { success: true, synced: PRODUCTS, failed: 0, errors: [] },
    });
    const shop = h.emu.context.shops.get(SHOP)!;
    // The bulk files really were ungrouped: some child line came before its parent.
    const ops = h.emu.bulk.all(SHOP).filter((op) => op.status === "COMPLETED");
    expect(ops.map((op) => Number(op.rootObjectCount)).sort((a, b) => a - b)).toEqual([
      PRODUCTS,
      CUSTOMERS,
      ORDERS,
    ]);
    await expectStoreMatchesShop(h.db, h.integrationId, shop);
    // Each export's bulk_operations/finish webhook was stored under its operation id, where the waiting read looks.
    const finished = await h.db.webhookEvent.findMany({ where: { topic: "bulk_operations/finish" } });
    expect(finished.map((e) => e.resourceId).sort()).toEqual(
      ops.map((op) => `gid://shopify/BulkOperation/${op.id}`).sort(),
    );
    const records = CUSTOMERS + ORDERS + PRODUCTS;
    console.info(
      `[shopify 50k full sync] ${kind}: ${(wallMs / 1000).toFixed(1)} s wall, ${Math.round(records / (wallMs / 1000))} records/s`,
    );
  }, 300_000);
});
