/** The integrations API's schedule endpoint: defaults, partial changes, audit, and its refusals. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../setup/db";
import { SCHEDULE, useIntegrationsApi } from "./integrations-api-fixture";

describe.each(DATABASE_KINDS)("integrations API on %s", (kind) => {
  const { t, api, m, callers } = useIntegrationsApi(kind);

  describe("GET and POST /api/integrations/{id}/schedule", () => {
    const schedule = (id: string, body?: unknown, as = callers.token) =>
      api.call(SCHEDULE, {
        ...(body === undefined ? {} : { method: "POST", body }),
        path: `/api/integrations/${id}/schedule`,
        params: { id },
        token: as,
      });

    it("shows the deployment's defaults, changes what is sent, keeps the rest, and audits it", async () => {
      const res = await schedule(m.shopifyId);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        integrationId: m.shopifyId,
        active: true,
        reconcileIntervalMinutes: 60,
        reconcileIntervalSource: "default",
        fullResyncWindowUtc: null,
        fullResyncWindowSource: "default",
      });

      const changed = await schedule(m.shopifyId, {
        reconcileIntervalMinutes: 360,
        fullResyncWindowUtc: "04:00-06:00",
      });
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({
        reconcileIntervalMinutes: 360,
        reconcileIntervalSource: "store",
        fullResyncWindowUtc: "04:00-06:00",
        fullResyncWindowSource: "store",
      });
      // Only the window: the interval stays the store's own.
      const windowOnly = await schedule(m.shopifyId, { fullResyncWindowUtc: "default" });
      expect(await windowOnly.json()).toMatchObject({
        reconcileIntervalMinutes: 360,
        reconcileIntervalSource: "store",
        fullResyncWindowUtc: null,
        fullResyncWindowSource: "default",
      });
      const off = await schedule(m.shopifyId, { reconcileIntervalMinutes: 0 });
      expect(await off.json()).toMatchObject({ reconcileIntervalMinutes: 0, nextCheckAt: null });
      const audit = await t.db.auditLog.findMany({
        where: { integrationId: m.shopifyId, action: "integration.schedule_changed" },
        orderBy: { createdAt: "asc" },
      });
      expect(audit.map((a) => a.detail)).toEqual([
        { reconcileIntervalMinutes: 360, fullResyncWindowUtc: "04:00-06:00" },
        { fullResyncWindowUtc: "default" },
        { reconcileIntervalMinutes: 0 },
      ]);
      expect(audit[0].actor).toMatch(/^api-token:/);
    });

    it("answers 400 naming the bad field, 404 for another organization's store, 409 when disconnected", async () => {
      for (const [body, field] of [
        [{ reconcileIntervalMinutes: 7 }, "body.reconcileIntervalMinutes"],
        [{ reconcileIntervalMinutes: "60" }, "body.reconcileIntervalMinutes"],
        [{ fullResyncWindowUtc: "02:00-05:00" }, "body.fullResyncWindowUtc"],
        [{ fullResyncWindowUtc: "02:00-04:00", tz: "Europe/Paris" }, "body.tz"],
        [{}, "body"],
      ] as const) {
        const res = await schedule(m.wooId, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await res.json()).error.field, JSON.stringify(body)).toBe(field);
      }
      // A refused interval says what is accepted and what was sent (zod said "Invalid input" for text, "Expected
      // integer, received float" for a fraction).
      const interval = async (value: unknown) =>
        (await (await schedule(m.wooId, { reconcileIntervalMinutes: value })).json()).error.message;
      const accepted =
        'body.reconcileIntervalMinutes must be 15, 30, 60, 180, 360, 720 or 1440 (minutes), 0 (off) or "default"';
      expect(await interval("60")).toBe(`${accepted} (got "60", text: send the number without quotes)`);
      expect(await interval(7)).toBe(`${accepted} (got 7)`);
      expect(await interval(1.5)).toBe(`${accepted} (got 1.5)`);
      expect(await interval(null)).toBe(`${accepted} (got null)`);
      // A refused window says what is accepted (zod's union alone says "Invalid input").
      const window = await (await schedule(m.wooId, { fullResyncWindowUtc: "02:00-05:00" })).json();
      expect(window.error.message).toBe(
        'body.fullResyncWindowUtc must be a two-hour UTC window starting at an even hour ("00:00-02:00", ' +
          '"02:00-04:00" … "22:00-00:00"), "off" or "default"',
      );
      expect((await schedule(m.wooId, { reconcileIntervalMinutes: 15 }, callers.otherToken)).status).toBe(
        404,
      );
      expect((await schedule(m.wooId, undefined, callers.otherToken)).status).toBe(404);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
      expect(row.settings).toEqual({});

      await t.db.integration.update({ where: { id: m.wooId }, data: { status: "disconnected" } });
      const refused = await schedule(m.wooId, { reconcileIntervalMinutes: 15 });
      expect(refused.status).toBe(409);
      expect((await refused.json()).error.message).toMatch(/disconnected/);
      expect(await (await schedule(m.wooId)).json()).toMatchObject({ active: false, nextCheckAt: null });
      expect(await t.db.auditLog.count({ where: { action: "integration.schedule_changed" } })).toBe(0);
    });
  });
});
