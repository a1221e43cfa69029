/** The integrations API's sync endpoint (queue, dedupe, validation, refusals) and a store's sync history. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../setup/db";
import { HISTORY, SYNC, useIntegrationsApi } from "./integrations-api-fixture";

describe.each(DATABASE_KINDS)("integrations API on %s", (kind) => {
  const { t, api, m, callers, jobsFor } = useIntegrationsApi(kind);

  describe("POST /api/integrations/{id}/sync", () => {
    it("queues a sync (202), deduplicates a second identical request and audits it", async () => {
      const first = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
        body: { kind: "full" },
      });
      expect(first.status).toBe(202);
      const body = await first.json();
      expect(body).toMatchObject({ integrationId: m.wooId, kind: "full", queued: true, startsNow: true });
      const second = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
        body: { kind: "full" },
      });
      expect(await second.json()).toMatchObject({ jobId: body.jobId, queued: false, startsNow: false });
      const jobs = await jobsFor(m.wooId);
      expect(jobs.map((j) => j.kind)).toEqual(["sync.full"]);
      expect(await t.db.auditLog.count({ where: { integrationId: m.wooId, action: "sync.requested" } })).toBe(
        1,
      );
    });

    it("defaults to an incremental sync when the body is empty", async () => {
      const res = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
      });
      expect(res.status).toBe(202);
      expect((await res.json()).kind).toBe("incremental");
    });

    it("answers 400 naming the bad field", async () => {
      const cases: Array<[unknown, string, string?]> = [
        [{ kind: "everything" }, "body.kind", 'body.kind must be "full" or "incremental" (got "everything")'],
        [
          { resources: ["customers", "coupons"] },
          "body.resources.1",
          'body.resources.1 must be "customers", "orders" or "products" (got "coupons")',
        ],
        [{ resources: [] }, "body.resources"],
        // Listed twice, a resource was read twice in one run, and the run's total counted it twice.
        [{ resources: ["orders", "customers", "orders"] }, "body.resources"],
        [{ kind: "full", force: true }, "body.force"],
      ];
      for (const [body, field, message] of cases) {
        const res = await api.call(SYNC, {
          method: "POST",
          path: `/api/integrations/${m.wooId}/sync`,
          params: { id: m.wooId },
          token: callers.token,
          body,
        });
        expect(res.status, JSON.stringify(body)).toBe(400);
        const error = (await res.json()).error;
        expect(error).toMatchObject({ code: "invalid_input", field });
        if (message) expect(error.message).toBe(message);
      }
      const notJson = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
        body: "{kind:",
      });
      expect(notJson.status).toBe(400);
      expect((await notJson.json()).error.code).toBe("invalid_json");
      const wrongType = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
        body: "kind=full",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(wrongType.status).toBe(415);
      const huge = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
        body: { kind: "full", pad: "x".repeat(20_000) },
      });
      expect(huge.status).toBe(413);
      expect(await jobsFor(m.wooId)).toEqual([]);
    });

    it("answers 404 for another organization's integration and queues nothing", async () => {
      const res = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.otherToken,
        body: { kind: "full" },
      });
      expect(res.status).toBe(404);
      const body = await res.json();
      expect(body).toEqual({
        error: {
          code: "integration_not_found",
          message: "No integration with this id exists in your organization.",
        },
      });
      expect(await jobsFor(m.wooId)).toEqual([]);
    });

    it("answers 409 for a disconnected store", async () => {
      await t.db.integration.update({ where: { id: m.wooId }, data: { status: "disconnected" } });
      const res = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token: callers.token,
      });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe("integration_disconnected");
    });
  });

  describe("GET /api/integrations/{id}/sync-history", () => {
    it("returns runs newest first with per-resource counts and duration, paginated", async () => {
      const res = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=1`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect(res.status).toBe(200);
      const page = await res.json();
      expect(page.runs).toHaveLength(1);
      const run = page.runs[0];
      expect(run).toMatchObject({
        kind: "full",
        status: "succeeded",
        triggeredBy: "test",
        synced: 15,
        failed: 0,
      });
      expect(run.resources.map((r: { resource: string; synced: number }) => [r.resource, r.synced])).toEqual([
        ["customers", 6],
        ["orders", 6],
        ["products", 3],
      ]);
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
      expect(page.nextBefore).toBeNull();
    });

    it("answers 400 for a bad limit and 404 for another organization's store", async () => {
      const bad = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=1000`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe("query.limit");
      // Not a number: what is wrong and what is accepted, in the API's error shape (zod said "Expected number,
      // received nan").
      const notNumber = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=abc`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect(notNumber.status).toBe(400);
      const message = 'query.limit must be a whole number from 1 to 100 (got "abc")';
      expect(await notNumber.json()).toEqual({
        error: {
          code: "invalid_input",
          message,
          field: "query.limit",
          issues: [{ field: "query.limit", message: message.slice("query.limit ".length) }],
        },
      });
      const fraction = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=2.5`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect((await fraction.json()).error.message).toBe(
        'query.limit must be a whole number from 1 to 100 (got "2.5")',
      );
      // Not a date: what the field wants, with an example (zod said "Invalid datetime").
      const notDate = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?before=yesterday`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect(notDate.status).toBe(400);
      expect((await notDate.json()).error.message).toBe(
        "query.before must be a date and time with its time zone, like 2026-12-03T10:00:00Z",
      );
      // Blank is "not given": the default page.
      const blank = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=`,
        params: { id: m.shopifyId },
        token: callers.token,
      });
      expect(blank.status).toBe(200);
      const foreign = await api.call(HISTORY, {
        path: `/api/integrations/${m.otherIntegrationId}/sync-history`,
        params: { id: m.otherIntegrationId },
        token: callers.token,
      });
      expect(foreign.status).toBe(404);
      expect(Object.keys(await foreign.json())).toEqual(["error"]);
    });
  });
});
