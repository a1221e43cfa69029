/**
 * A WooCommerce store another organization connected, then left disconnected with its data deleted, can be connected
 * by a new organization (the connect moves the row). What the other organization saw of it — its sync history, the
 * deliveries it received, its webhook repairs — must not follow the store.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { keyringFrom } from "../crypto/encryption.server";
import { testPlatform } from "../platforms/woocommerce/testing/harness";
import type { WooCommercePlatform } from "../platforms/woocommerce/index.server";
import type { AppDb } from "../sync/platform";
import { getIntegration } from "./integrations-view.server";
import { webhookActivity } from "./webhook-activity.server";
import { connectWooCommerce, type WooConnectDeps } from "./woocommerce-connect.server";

describe.each(DATABASE_KINDS)("a WooCommerce store moved to another organization, on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let deps: WooConnectDeps;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({ counts: { customers: 1, orders: 1, products: 1 }, autoDeliver: false });
    // No app address the store can reach: the connect still succeeds (its pings are reported, not required).
    platform = testPlatform({ appUrl: "http://127.0.0.1:9" });
    deps = {
      db: t.db as unknown as AppDb,
      keyring: keyringFrom(randomBytes(32).toString("base64")),
      connector: platform.connector,
      enqueueSync: async () => undefined,
    };
  });
  afterAll(async () => {
    platform?.close();
    await woo?.close();
    await t?.cleanup();
  });

  const connectAs = async (organizationId: string) => {
    const k = woo.createKey("read_write");
    const result = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      consumerKey: k.consumer_key,
      consumerSecret: k.consumer_secret,
      organizationId,
      actor: `merchant:${organizationId}`,
    });
    if (!result.success) throw new Error(result.error.message);
    return result.integrationId;
  };

  it("starts with an empty history: the other organization's runs, deliveries and repairs stay behind", async () => {
    const orgA = await t.db.organization.create({ data: { name: "A" } });
    const orgB = await t.db.organization.create({ data: { name: "B" } });
    const id = await connectAs(orgA.id);
    // A's time with the store: a failed run with its error, a delivery, a repair; then A disconnects (no data kept).
    await t.db.syncRun.create({
      data: {
        integrationId: id,
        kind: "full",
        status: "failed",
        errors: [{ message: "A's private error about its own key" }],
        finishedAt: new Date(),
      },
    });
    await t.db.webhookEvent.create({
      data: {
        integrationId: id,
        platform: "woocommerce",
        topic: "order.created",
        dedupeKey: `a-delivery-${kind}`,
        storeKey: woo.url,
        payload: '{"id":1,"billing":{"email":"a-customer@example.com"}}',
        status: "processed",
      },
    });
    await t.db.auditLog.create({
      data: {
        organizationId: orgA.id,
        integrationId: id,
        actor: "system",
        action: "webhook.repaired",
        detail: {},
      },
    });
    await t.db.integration.update({
      where: { id },
      data: { status: "disconnected", disconnectedAt: new Date() },
    });

    expect(await connectAs(orgB.id)).toBe(id);

    const db = t.db as unknown as AppDb;
    const store = await getIntegration(db, orgB.id, id);
    expect(store.lastRun).toBeNull();
    expect(await t.db.syncRun.count({ where: { integrationId: id } })).toBe(0);
    const activity = await webhookActivity(db, orgB.id, id);
    expect(activity.recent).toEqual([]);
    expect(activity.repairs.map((r) => r.action)).not.toContain("webhook.repaired");
    // A's own trail is still A's.
    expect(
      await t.db.auditLog.count({ where: { organizationId: orgA.id, action: "webhook.repaired" } }),
    ).toBe(1);
  });
});
