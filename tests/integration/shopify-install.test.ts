import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadShopDashboard } from "../../app/integrations/dashboard.server";
import { recordShopifyInstall } from "../../app/integrations/shopify-install.server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../setup/db";

describe.each(DATABASE_KINDS)("Shopify install on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("creates the organization and integration once, however often afterAuth runs", async () => {
    const first = await recordShopifyInstall(t.db, { shop: "once.myshopify.com", scope: "read_orders" });
    const second = await recordShopifyInstall(t.db, { shop: "once.myshopify.com", scope: "read_orders" });
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(await t.db.integration.count({ where: { storeKey: "once.myshopify.com" } })).toBe(1);
    const audit = await t.db.auditLog.findMany({ where: { integrationId: first.integrationId } });
    expect(audit.map((a) => a.action)).toEqual(["integration.connected"]);
  });

  it("reconnects a disconnected integration on reinstall", async () => {
    const { integrationId } = await recordShopifyInstall(t.db, { shop: "again.myshopify.com" });
    await t.db.integration.update({ where: { id: integrationId }, data: { status: "disconnected" } });
    await recordShopifyInstall(t.db, { shop: "again.myshopify.com" });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(row.status).toBe("connected");
  });

  it("stamps a connected shop's row on every install, so an uninstall being processed sees the reinstall", async () => {
    const { integrationId } = await recordShopifyInstall(t.db, { shop: "stamp.myshopify.com" });
    const before = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    await recordShopifyInstall(t.db, { shop: "stamp.myshopify.com" });
    const after = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    expect(after.status).toBe("connected");
  });

  it("reconnects a shop an uninstall disconnected after the install read its row as connected", async () => {
    const { integrationId } = await recordShopifyInstall(t.db, { shop: "late.myshopify.com" });
    let disconnectAfterRead = true;
    const racing = Object.assign(
      t.db.$extends({
        query: {
          integration: {
            async findUnique({ args, query }) {
              const row = await query(args);
              if (disconnectAfterRead) {
                disconnectAfterRead = false;
                await t.db.integration.update({
                  where: { id: integrationId },
                  data: { status: "disconnected" },
                });
              }
              return row;
            },
          },
        },
      }),
      { $kind: t.db.$kind },
    ) as unknown as typeof t.db;
    const record = await recordShopifyInstall(racing, { shop: "late.myshopify.com" });
    expect(disconnectAfterRead).toBe(false);
    expect(record.reconnected).toBe(true);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(row.status).toBe("connected");
  });

  it("shows a shop only its own organization's data", async () => {
    const mine = await recordShopifyInstall(t.db, { shop: "mine.myshopify.com" });
    const theirs = await recordShopifyInstall(t.db, { shop: "theirs.myshopify.com" });
    await t.db.contact.create({
      data: { organizationId: mine.organizationId, email: "a@x.com", source: "shopify" },
    });
    await t.db.contact.createMany({
      data: [
        { organizationId: theirs.organizationId, email: "b@x.com", source: "shopify" },
        { organizationId: theirs.organizationId, email: "c@x.com", source: "shopify" },
      ],
    });
    const dashboard = await loadShopDashboard(t.db, "mine.myshopify.com");
    expect(dashboard.totals.contacts).toBe(1);
    expect(dashboard.integrations.map((i) => i.storeKey)).toEqual(["mine.myshopify.com"]);
    expect((await loadShopDashboard(t.db, "unknown.myshopify.com")).integrations).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)("concurrent first installs on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("creates one integration when afterAuth runs twice at the same moment", async () => {
    const results = await Promise.all([
      recordShopifyInstall(t.db, { shop: "race.myshopify.com" }),
      recordShopifyInstall(t.db, { shop: "race.myshopify.com" }),
    ]);
    expect(results[0].integrationId).toBe(results[1].integrationId);
    expect(await t.db.integration.count({ where: { storeKey: "race.myshopify.com" } })).toBe(1);
    expect(await t.db.organization.count()).toBe(1);
  });
});
