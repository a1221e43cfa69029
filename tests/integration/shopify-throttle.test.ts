/**
 * Under throttle pressure — a small bucket that another client has just emptied, slow restore, REST-style 429s — a
 * paginated full sync completes with exact data and no THROTTLED error reaching the run: the client waits as long as
 * Shopify's throttleStatus (or Retry-After) says, and the audit trail shows the waits it absorbed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSync } from "../../app/sync/engine.server";
import { DATABASE_KINDS } from "../setup/db";
import { expectStoreMatchesShop } from "./shopify-expect";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

describe.each(DATABASE_KINDS)("Shopify sync under throttle pressure on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, {
      customers: 420,
      orders: 90,
      products: 40,
      seed: 13,
      // Every read through pages: the most API calls for the data, the most pressure.
      platform: { tuning: { bulkThreshold: Number.POSITIVE_INFINITY } },
    });
  });
  afterAll(async () => h?.close());

  it("completes with exact data and no THROTTLED error in the run", async () => {
    const fault = async (path: string, body: unknown) =>
      fetch(`${h.emu.url}/_emulator/faults/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    // A 1,000-point bucket restoring 250 points/s, empty when the sync starts, and two REST-style 429s. Each page is
    // charged the documented formula (what it requested), not the emulator's default fitted to real Shopify (a
    // fraction of that): the pages must keep the bucket under pressure for the whole sync, not only at its start.
    expect(
      (
        await fault("throttle", {
          maximumAvailable: 1000,
          restoreRate: 250,
          currentlyAvailable: 0,
          actualCost: "documented",
        })
      ).status,
    ).toBe(200);
    expect((await fault("http-429", { shop: SHOP, count: 2, retryAfterS: 1 })).status).toBe(200);

    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      sources: h.platforms,
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.errorCount).toBe(0);
    expect(summary.errorMessage).toBeNull();
    await expectStoreMatchesShop(h.db, h.integrationId, h.emu.context.shops.get(SHOP)!);

    const audit = await h.db.auditLog.findMany({
      where: { integrationId: h.integrationId, action: "store.calls" },
    });
    const text = JSON.stringify(audit.map((a) => a.detail));
    // The pressure was real (Shopify said THROTTLED or 429 at least once) and was absorbed by waiting.
    expect(text).toMatch(/THROTTLED|rate limited/);
    expect(text).not.toMatch(/"error":[1-9]/);
  });
});
