/** The integrations API's disconnect endpoint: keeping or deleting the data, and refusing another organization. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../setup/db";
import { DISCONNECT, LIST, useIntegrationsApi } from "./integrations-api-fixture";

describe.each(DATABASE_KINDS)("integrations API on %s", (kind) => {
  const { t, api, m, callers } = useIntegrationsApi(kind);

  describe("POST /api/integrations/{id}/disconnect", () => {
    it("disconnects and keeps the data by default", async () => {
      const res = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token: callers.token,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "disconnected", data: "kept" });
      expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(3);
      const items = await (await api.call(LIST, { path: "/api/integrations", token: callers.token })).json();
      expect(items[1].status).toBe("disconnected");
    });

    it("deletes the data when asked, and validates keepData", async () => {
      const bad = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token: callers.token,
        body: { keepData: "no" },
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toMatchObject({
        field: "body.keepData",
        message: 'body.keepData must be true or false, without quotes (got "no")',
      });
      const res = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token: callers.token,
        body: { keepData: false },
      });
      expect(await res.json()).toMatchObject({ data: "deleted" });
      expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(0);
    });

    it("answers 404 for another organization's store and changes nothing", async () => {
      const res = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token: callers.otherToken,
        body: { keepData: false },
      });
      expect(res.status).toBe(404);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
      expect(row.status).toBe("connected");
    });
  });
});
