import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { withWooSettings } from "../platforms/woocommerce/settings";
import type { AppDb } from "../sync/platform";
import { listOwnerStores, ownerStoreDetail, wooStoreNotes } from "./woocommerce-status.server";

describe.each(DATABASE_KINDS)("WooCommerce owner status pages on %s", (kind) => {
  let t: TestDatabase;
  let db: AppDb;
  const ids = { mine: "", theirs: "", myOrg: "", theirOrg: "" };
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.db as unknown as AppDb;
    for (const who of ["mine", "theirs"] as const) {
      const org = await db.organization.create({ data: { name: who } });
      const row = await db.integration.create({
        data: {
          organizationId: org.id,
          platform: "woocommerce",
          name: `${who} store`,
          storeKey: `https://${who}.example`,
          syncedOrders: who === "mine" ? 12 : 99,
          settings: withWooSettings(
            {},
            {
              currency: "EUR",
              readOnly: who === "mine",
              phpNotice: { message: `Notice: ${who}`, since: "2026-12-01T10:00:00.000Z" },
            },
          ) as object,
        },
      });
      ids[who] = row.id;
      ids[who === "mine" ? "myOrg" : "theirOrg"] = org.id;
    }
    await db.syncRun.create({
      data: { integrationId: ids.mine, kind: "full", status: "succeeded", ordersSynced: 12 },
    });
    await db.webhookEvent.create({
      data: {
        integrationId: ids.mine,
        platform: "woocommerce",
        topic: "order.updated",
        dedupeKey: "k1",
        storeKey: "https://mine.example",
        payload: "{}",
        status: "processed",
      },
    });
  });
  afterAll(() => t.cleanup());

  it("lists only the organization's own stores", async () => {
    const stores = await listOwnerStores(db, ids.myOrg);
    expect(stores.map((s) => [s.name, s.counts.orders, s.readOnly, s.currency])).toEqual([
      ["mine store", 12, true, "EUR"],
    ]);
  });

  it("tells a store page whether the store's key is read-only, for the organization's own stores only", async () => {
    expect((await wooStoreNotes(db, ids.myOrg, ids.mine)).readOnlyKey).toBe(true);
    expect((await wooStoreNotes(db, ids.theirOrg, ids.theirs)).readOnlyKey).toBe(false);
    expect((await wooStoreNotes(db, ids.theirOrg, ids.mine)).readOnlyKey).toBe(false);
  });

  it("tells a store page the PHP notices its store prints, for the organization's own stores only", async () => {
    expect((await wooStoreNotes(db, ids.myOrg, ids.mine)).phpNotice).toEqual({
      message: "Notice: mine",
      since: "2026-12-01T10:00:00.000Z",
    });
    expect((await wooStoreNotes(db, ids.theirOrg, ids.mine)).phpNotice).toBeNull();
    expect((await ownerStoreDetail(db, ids.myOrg, ids.mine)).phpNotice?.message).toBe("Notice: mine");
  });

  it("shows a store's syncs and webhook activity, and another organization's store as not found", async () => {
    const detail = await ownerStoreDetail(db, ids.myOrg, ids.mine);
    expect(detail.runs.map((r) => [r.kind, r.status, r.synced.orders])).toEqual([["full", "succeeded", 12]]);
    expect(detail.webhooks).toMatchObject({ topics: 11, last24h: { received: 1, processed: 1, failed: 0 } });
    await expect(ownerStoreDetail(db, ids.myOrg, ids.theirs)).rejects.toMatchObject({
      code: "integration_not_found",
      httpStatus: 404,
    });
  });

  it("dates the current connection from the audit trail, the first one from the store's creation", async () => {
    const org = await db.organization.create({ data: { name: "again" } });
    const created = new Date("2026-11-01T10:00:00Z");
    const row = await db.integration.create({
      data: {
        organizationId: org.id,
        platform: "woocommerce",
        name: "again store",
        storeKey: "https://again.example",
        createdAt: created,
      },
    });
    const audit = (action: string, at: string) =>
      db.auditLog.create({
        data: { organizationId: org.id, integrationId: row.id, actor: "t", action, createdAt: new Date(at) },
      });
    await audit("integration.connected", "2026-11-01T10:00:00Z");
    let detail = await ownerStoreDetail(db, org.id, row.id);
    expect([detail.connectedAt, detail.firstConnectedAt, detail.disconnectedAt]).toEqual([
      created.toISOString(),
      created.toISOString(),
      null,
    ]);
    await audit("integration.disconnected", "2026-11-20T08:00:00Z");
    await db.integration.update({
      where: { id: row.id },
      data: { status: "disconnected", disconnectedAt: new Date("2026-11-20T08:00:00Z") },
    });
    detail = await ownerStoreDetail(db, org.id, row.id);
    expect(detail.disconnectedAt).toBe("2026-11-20T08:00:00.000Z");
    await audit("integration.reconnected", "2026-11-25T09:30:00Z");
    // Signing in again with a new key while connected is the same connection.
    await audit("integration.reconnected", "2026-11-28T12:00:00Z");
    await db.integration.update({
      where: { id: row.id },
      data: { status: "connected", disconnectedAt: null },
    });
    detail = await ownerStoreDetail(db, org.id, row.id);
    expect([detail.connectedAt, detail.firstConnectedAt, detail.disconnectedAt]).toEqual([
      "2026-11-25T09:30:00.000Z",
      created.toISOString(),
      null,
    ]);
  });

  it("dates a store moved from another organization by this organization's trail only", async () => {
    // Organization A connected the store and disconnected it with no data kept; B then connected it (the connect
    // moves the row: woocommerce-connect.server.ts). A's dates are A's business.
    const orgA = await db.organization.create({ data: { name: "A" } });
    const orgB = await db.organization.create({ data: { name: "B" } });
    const row = await db.integration.create({
      data: {
        organizationId: orgA.id,
        platform: "woocommerce",
        name: "moved store",
        storeKey: "https://moved.example",
        createdAt: new Date("2026-10-01T10:00:00Z"),
      },
    });
    const audit = (organizationId: string, action: string, at: string, detail: object = {}) =>
      db.auditLog.create({
        data: { organizationId, integrationId: row.id, actor: "t", action, detail, createdAt: new Date(at) },
      });
    await audit(orgA.id, "integration.connected", "2026-10-01T10:00:00Z");
    await audit(orgA.id, "integration.disconnected", "2026-10-20T10:00:00Z");
    await audit(orgB.id, "integration.reconnected", "2026-11-10T09:00:00Z", {
      movedFromOrganization: orgA.id,
    });
    await db.integration.update({ where: { id: row.id }, data: { organizationId: orgB.id } });
    const detail = await ownerStoreDetail(db, orgB.id, row.id);
    expect([detail.connectedAt, detail.firstConnectedAt]).toEqual([
      "2026-11-10T09:00:00.000Z",
      "2026-11-10T09:00:00.000Z",
    ]);
    // Moved back to A later: A's first connection is its return, not the start of its earlier connection.
    await audit(orgB.id, "integration.disconnected", "2026-11-15T09:00:00Z");
    await audit(orgA.id, "integration.reconnected", "2026-11-20T09:00:00Z", {
      movedFromOrganization: orgB.id,
    });
    await db.integration.update({ where: { id: row.id }, data: { organizationId: orgA.id } });
    const back = await ownerStoreDetail(db, orgA.id, row.id);
    expect([back.connectedAt, back.firstConnectedAt]).toEqual([
      "2026-11-20T09:00:00.000Z",
      "2026-11-20T09:00:00.000Z",
    ]);
  });
});
