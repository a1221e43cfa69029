/**
 * A Shopify store whose access came back (the merchant reopened the app after Shopify refused its token, or reinstalled
 * it) is shown connected on the first page that reads it, not "needs attention" for the sync that failed while access
 * was gone, until the catch-up sync has run. Against the emulator, with the real engine and install.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listIntegrations } from "../../app/integrations/integrations-view.server";
import { runSync } from "../../app/sync/engine.server";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

describe.each(DATABASE_KINDS)("a reconnected Shopify store on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, { customers: 5, orders: 5, products: 2 });
  });
  afterAll(async () => h?.close());

  const storeAsShown = async () => {
    const { organizationId } = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    const [store] = await listIntegrations(h.db, organizationId, {});
    return { status: store.status, statusReason: store.statusReason };
  };

  it("GIVEN a sync that failed because Shopify refused the token WHEN the shop grants access again THEN the store shows connected before any new sync ran", async () => {
    const revoked = await fetch(`${h.emu.url}/_emulator/tokens/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP }),
    });
    expect(revoked.status).toBe(200);
    const failed = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "incremental",
      sources: h.platforms,
    });
    expect(failed.status).toBe("failed");
    expect((await storeAsShown()).status).toBe("needs_attention");

    await h.installByAuthorizationCode();
    expect(await storeAsShown()).toEqual({ status: "connected", statusReason: null });
    // No sync ran since: the failed one is still the last, and the history keeps it.
    expect(await h.db.syncRun.count({ where: { integrationId: h.integrationId, status: "failed" } })).toBe(1);

    // A sync that fails after access came back counts again.
    await fetch(`${h.emu.url}/_emulator/tokens/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP }),
    });
    await runSync(h.db, { integrationId: h.integrationId, kind: "incremental", sources: h.platforms });
    expect((await storeAsShown()).status).toBe("needs_attention");
  });

  it("GIVEN a shop uninstalled during a sync WHEN it is installed again THEN the store shows connected, not the failed sync", async () => {
    await h.installByAuthorizationCode();
    await h.db.syncRun.create({
      data: {
        integrationId: h.integrationId,
        kind: "incremental",
        status: "failed",
        resources: [],
        startedAt: new Date(Date.now() - 1_000),
        finishedAt: new Date(),
        errorMessage: "Shopify refused the stored access token (401).",
      },
    });
    await h.db.integration.update({
      where: { id: h.integrationId },
      data: { status: "disconnected", statusReason: "Uninstalled", disconnectedAt: new Date() },
    });
    await h.installByAuthorizationCode();
    expect(await storeAsShown()).toEqual({ status: "connected", statusReason: null });
  });
});
