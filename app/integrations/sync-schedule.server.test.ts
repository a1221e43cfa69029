import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { updateIntegrationSettings } from "../db/integration-settings.server";
import { effectiveSchedule } from "../jobs/schedule";
import { saveShopInfo } from "../platforms/shopify/shop-info.server";
import { runDetailAction } from "./detail-action.server";
import { INTERVAL_CHOICES_MINUTES, syncScheduleView, updateSyncSchedule } from "./sync-schedule.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

const DEFAULTS = { reconcileIntervalMinutes: 60, fullResyncWindowUtc: "02:00-04:00" };

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

describe.each(DATABASE_KINDS)("a store's automatic syncs on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    m = await seedMerchant(t.db);
    await t.db.integration.update({
      where: { id: m.shopifyId },
      data: { settings: { enabled: ["orders"] } },
    });
  });

  const action = (integrationId: string, fields: Record<string, string>, organizationId = m.organizationId) =>
    runDetailAction(
      { db: t.db, queue: null as never, cleanupStore: async () => undefined },
      {
        organizationId,
        integrationId,
        actor: "merchant:test",
        form: form({ intent: "schedule", ...fields }),
      },
    );

  it("shows the defaults, with the next check due one interval after the last run started", async () => {
    const last = await t.db.syncRun.findFirstOrThrow({
      where: { integrationId: m.shopifyId },
      orderBy: { startedAt: "desc" },
    });
    const now = new Date(last.startedAt.getTime() + 10 * 60_000);
    const view = await syncScheduleView(t.db, m.organizationId, m.shopifyId, DEFAULTS, now);
    expect(view).toMatchObject({
      active: true,
      interval: { minutes: 60, fromStore: false, label: "Every hour", value: "default" },
      window: { utc: "02:00-04:00", fromStore: false, label: "02:00–04:00 UTC", value: "default" },
      nextCheckAt: new Date(last.startedAt.getTime() + 60 * 60_000).toISOString(),
    });
    expect(view.intervalOptions[0]).toEqual({ value: "default", label: "Default: every hour" });
    expect(view.windowOptions.slice(0, 3)).toEqual([
      { value: "default", label: "Default: 02:00–04:00 UTC" },
      { value: "off", label: "Off" },
      { value: "00:00-02:00", label: "00:00–02:00 UTC" },
    ]);
    // Overdue: due now, not in the past.
    const later = new Date(last.startedAt.getTime() + 5 * 3600_000);
    expect((await syncScheduleView(t.db, m.organizationId, m.shopifyId, DEFAULTS, later)).nextCheckAt).toBe(
      later.toISOString(),
    );
  });

  it("saves the store's choice through the page action, keeps its other settings and audits the change", async () => {
    const result = await action(m.shopifyId, { interval: "15", window: "off" });
    expect(result).toEqual({ ok: true, status: 200, message: "Automatic syncs saved" });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } });
    expect(row.settings).toEqual({
      enabled: ["orders"],
      reconcileIntervalMinutes: 15,
      fullResyncWindowUtc: "off",
    });
    // What the scheduler will follow.
    expect(effectiveSchedule(row.settings, DEFAULTS)).toEqual({
      intervalMinutes: 15,
      intervalFromStore: true,
      fullResyncWindowUtc: null,
      windowFromStore: true,
    });
    const view = await syncScheduleView(t.db, m.organizationId, m.shopifyId, DEFAULTS);
    expect(view.interval).toMatchObject({ minutes: 15, value: "15", label: "Every 15 minutes" });
    expect(view.window).toMatchObject({ utc: null, value: "off", label: "Off" });
    const audit = await t.db.auditLog.findMany({
      where: { integrationId: m.shopifyId, action: "integration.schedule_changed" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "merchant:test" });
    expect(audit[0].detail).toEqual({ reconcileIntervalMinutes: 15, fullResyncWindowUtc: "off" });

    // Back to the defaults: the keys go, the rest stays.
    await action(m.shopifyId, { interval: "default", window: "default" });
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).settings).toEqual({
      enabled: ["orders"],
    });
    // Checks off, a window of the list; then only the window changes and the interval stays off.
    await action(m.shopifyId, { interval: "0", window: "20:00-22:00" });
    await action(m.shopifyId, { window: "22:00-00:00" });
    const off = await syncScheduleView(t.db, m.organizationId, m.shopifyId, DEFAULTS);
    expect(off).toMatchObject({
      interval: { minutes: 0, label: "Off", value: "0" },
      window: { utc: "22:00-00:00", label: "22:00–00:00 UTC" },
      nextCheckAt: null,
    });
  });

  it("keeps a stored interval the list does not offer when only the window changes", async () => {
    await t.db.integration.update({
      where: { id: m.wooId },
      data: { settings: { reconcileIntervalMinutes: 45 } },
    });
    const view = await syncScheduleView(t.db, m.organizationId, m.wooId, DEFAULTS);
    expect(view.interval).toMatchObject({ minutes: 45, value: "45", label: "Every 45 minutes" });
    expect(view.intervalOptions).toContainEqual({ value: "45", label: "Every 45 minutes" });
    expect(await action(m.wooId, { window: "off" })).toMatchObject({ ok: true });
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } })).settings).toEqual({
      reconcileIntervalMinutes: 45,
      fullResyncWindowUtc: "off",
    });
    // Choosing it again explicitly is refused: only the list's values can be set.
    expect(await action(m.wooId, { interval: "45" })).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses values outside the lists with a message, and changes nothing", async () => {
    const before = await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } });
    for (const [fields, message] of [
      [{ interval: "7", window: "default" }, /Pick how often to check/],
      [{ interval: "-15", window: "default" }, /Pick how often to check/],
      [{ interval: "every hour", window: "default" }, /Pick how often to check/],
      [{ interval: "60", window: "02:00-05:00" }, /not one of the nightly windows/],
      [{ interval: "60", window: "tonight" }, /not one of the nightly windows/],
    ] as const) {
      const result = await action(m.shopifyId, fields);
      expect(result).toMatchObject({ ok: false, status: 400 });
      expect(result.message).toMatch(message);
    }
    expect(await action(m.shopifyId, {})).toEqual({ ok: false, status: 400, message: "Nothing to change." });
    expect(await action(m.shopifyId, { interval: "60", window: "x".repeat(21) })).toEqual({
      ok: false,
      status: 400,
      message: "That action is not available.",
    });
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).settings).toEqual(
      before.settings,
    );
    expect(await t.db.auditLog.count({ where: { action: "integration.schedule_changed" } })).toBe(0);
  });

  it("has nothing to change on a disconnected store, and never reaches another organization's", async () => {
    await t.db.integration.update({ where: { id: m.wooId }, data: { status: "disconnected" } });
    expect(await action(m.wooId, { interval: "15", window: "off" })).toMatchObject({
      ok: false,
      status: 409,
    });
    const view = await syncScheduleView(t.db, m.organizationId, m.wooId, DEFAULTS);
    expect(view).toMatchObject({ active: false, nextCheckAt: null });

    await expect(action(m.otherIntegrationId, { interval: "15", window: "off" })).rejects.toMatchObject({
      code: "integration_not_found",
      httpStatus: 404,
    });
    await expect(
      syncScheduleView(t.db, m.organizationId, m.otherIntegrationId, DEFAULTS),
    ).rejects.toMatchObject({ code: "integration_not_found" });
    await expect(
      updateSyncSchedule(t.db, {
        organizationId: m.organizationId,
        integrationId: m.otherIntegrationId,
        actor: "merchant:test",
        interval: 15,
        window: "off",
      }),
    ).rejects.toMatchObject({ httpStatus: 404 });
    const other = await t.db.integration.findUniqueOrThrow({ where: { id: m.otherIntegrationId } });
    expect(effectiveSchedule(other.settings, DEFAULTS).intervalFromStore).toBe(false);
  });

  it("keeps every key when the schedule is saved while the shop's details and other keys are written", async () => {
    const info = { name: "Acme", currencyCode: "USD", timezone: null, plan: "Basic", shopifyPlus: false };
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        updateSyncSchedule(t.db, {
          organizationId: m.organizationId,
          integrationId: m.shopifyId,
          actor: "merchant:test",
          interval: INTERVAL_CHOICES_MINUTES[round % 4],
          window: "off",
        }),
        saveShopInfo(t.db, m.shopifyId, { ...info, name: `Acme ${round}` }),
        updateIntegrationSettings(t.db, m.shopifyId, (s) => ({ ...s, [`other${round}`]: round })),
      ]);
      const { settings } = await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } });
      expect(settings).toMatchObject({
        enabled: ["orders"],
        reconcileIntervalMinutes: INTERVAL_CHOICES_MINUTES[round % 4],
        fullResyncWindowUtc: "off",
        shopify: { name: `Acme ${round}` },
        [`other${round}`]: round,
      });
    }
    const audits = await t.db.auditLog.count({
      where: { integrationId: m.shopifyId, action: "integration.schedule_changed" },
    });
    expect(audits).toBe(10);
  });
});
