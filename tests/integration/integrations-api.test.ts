import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiToken, revokeApiToken } from "../../app/integrations/api-tokens.server";
import { seedMerchant, type MerchantFixture } from "../../app/integrations/testing/merchant";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { loadRoutes, sessionToken, type RouteHarness } from "./routes-harness";

const LIST = "api.integrations._index.tsx";
const SYNC = "api.integrations.$id.sync.tsx";
const DISCONNECT = "api.integrations.$id.disconnect.tsx";
const HISTORY = "api.integrations.$id.sync-history.tsx";
const SCHEDULE = "api.integrations.$id.schedule.tsx";

describe.each(DATABASE_KINDS)("integrations API on %s", (kind) => {
  let t: TestDatabase;
  let api: RouteHarness;
  let m: MerchantFixture;
  let token: string;
  let otherToken: string;

  /** Jobs that name this integration (the queue outlives each test's data). */
  async function jobsFor(integrationId: string) {
    const jobs = await api.queue.listJobs({ limit: 100 });
    return jobs.filter((j) => (j.payload as { integrationId?: string }).integrationId === integrationId);
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await t.db.organization.deleteMany();
    m = await seedMerchant(t.db);
    token = (
      await createApiToken(t.db, { organizationId: m.organizationId, name: "Desk", createdBy: "test" })
    ).token;
    otherToken = (
      await createApiToken(t.db, { organizationId: m.otherOrganizationId, name: "Other", createdBy: "test" })
    ).token;
  });

  describe("authentication", () => {
    it("answers 401 with a JSON error and WWW-Authenticate when no token is sent", async () => {
      const res = await api.call(LIST, { path: "/api/integrations" });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await res.json()).error.code).toBe("missing_token");
    });

    it("answers 401 for an unknown token and for a revoked one", async () => {
      const unknown = await api.call(LIST, { path: "/api/integrations", token: `cst_${"A".repeat(43)}` });
      expect(unknown.status).toBe(401);
      const created = await createApiToken(t.db, {
        organizationId: m.organizationId,
        name: "Old",
        createdBy: "t",
      });
      expect((await api.call(LIST, { path: "/api/integrations", token: created.token })).status).toBe(200);
      await revokeApiToken(t.db, { organizationId: m.organizationId, tokenId: created.id, actor: "t" });
      const revoked = await api.call(LIST, { path: "/api/integrations", token: created.token });
      expect(revoked.status).toBe(401);
      expect((await revoked.json()).error).toMatchObject({ code: "invalid_token" });
    });

    it("accepts a Shopify session token of an installed shop and refuses forged or expired ones", async () => {
      const shop = (await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } })).storeKey;
      const ok = await api.call(LIST, { path: "/api/integrations", token: await sessionToken(shop) });
      expect(ok.status).toBe(200);
      expect((await ok.json()).map((i: { id: string }) => i.id)).toEqual([m.shopifyId, m.wooId]);
      const forged = await sessionToken(shop, { secret: "not-the-app-secret" });
      expect((await api.call(LIST, { path: "/api/integrations", token: forged })).status).toBe(401);
      const expired = await sessionToken(shop, { expiresInS: -120 });
      expect((await api.call(LIST, { path: "/api/integrations", token: expired })).status).toBe(401);
      const wrongApp = await sessionToken(shop, { audience: "another-app" });
      expect((await api.call(LIST, { path: "/api/integrations", token: wrongApp })).status).toBe(401);
      const notInstalled = await sessionToken("stranger.myshopify.com");
      const res = await api.call(LIST, { path: "/api/integrations", token: notInstalled });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("shop_not_installed");
    });
  });

  describe("GET /api/integrations", () => {
    it("lists only the caller's stores with the seed's fields and the synced counts", async () => {
      const res = await api.call(LIST, { path: "/api/integrations", token });
      expect(res.status).toBe(200);
      const items = await res.json();
      expect(items).toHaveLength(2);
      expect(items[0]).toMatchObject({
        id: m.shopifyId,
        platform: "shopify",
        name: "Acme Shopify",
        status: "connected",
        statusReason: null,
        syncedContacts: 6,
        syncedOrders: 6,
        syncedProducts: 3,
      });
      expect(items[0].lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(items[1]).toMatchObject({
        id: m.wooId,
        platform: "woocommerce",
        syncedContacts: 2,
        syncedOrders: 3,
      });
      const others = await (await api.call(LIST, { path: "/api/integrations", token: otherToken })).json();
      expect(others.map((i: { id: string }) => i.id)).toEqual([m.otherIntegrationId]);
    });

    it("never shows a failing store as healthy: a failed last run means needs attention, with the reason", async () => {
      await t.db.syncRun.create({
        data: {
          integrationId: m.wooId,
          kind: "incremental",
          status: "failed",
          resources: ["orders"],
          errorMessage: "WooCommerce rejected the consumer key (401).",
          startedAt: new Date(Date.now() + 1000),
          finishedAt: new Date(Date.now() + 2000),
        },
      });
      const items = await (await api.call(LIST, { path: "/api/integrations", token })).json();
      expect(items[1]).toMatchObject({
        status: "needs_attention",
        statusReason: "The last sync failed: WooCommerce rejected the consumer key (401).",
      });
    });

    it("refuses other methods with 405", async () => {
      const res = await api.call(LIST, { method: "POST", path: "/api/integrations", token, body: {} });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET");
    });
  });

  describe("POST /api/integrations/{id}/sync", () => {
    it("queues a sync (202), deduplicates a second identical request and audits it", async () => {
      const first = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token,
        body: { kind: "full" },
      });
      expect(first.status).toBe(202);
      const body = await first.json();
      expect(body).toMatchObject({ integrationId: m.wooId, kind: "full", queued: true, startsNow: true });
      const second = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token,
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
        token,
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
          token,
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
        token,
        body: "{kind:",
      });
      expect(notJson.status).toBe(400);
      expect((await notJson.json()).error.code).toBe("invalid_json");
      const wrongType = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token,
        body: "kind=full",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(wrongType.status).toBe(415);
      const huge = await api.call(SYNC, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/sync`,
        params: { id: m.wooId },
        token,
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
        token: otherToken,
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
        token,
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
        token,
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
        token,
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe("query.limit");
      // Not a number: what is wrong and what is accepted, in the API's error shape (zod said "Expected number,
      // received nan").
      const notNumber = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=abc`,
        params: { id: m.shopifyId },
        token,
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
        token,
      });
      expect((await fraction.json()).error.message).toBe(
        'query.limit must be a whole number from 1 to 100 (got "2.5")',
      );
      // Not a date: what the field wants, with an example (zod said "Invalid datetime").
      const notDate = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?before=yesterday`,
        params: { id: m.shopifyId },
        token,
      });
      expect(notDate.status).toBe(400);
      expect((await notDate.json()).error.message).toBe(
        "query.before must be a date and time with its time zone, like 2026-12-03T10:00:00Z",
      );
      // Blank is "not given": the default page.
      const blank = await api.call(HISTORY, {
        path: `/api/integrations/${m.shopifyId}/sync-history?limit=`,
        params: { id: m.shopifyId },
        token,
      });
      expect(blank.status).toBe(200);
      const foreign = await api.call(HISTORY, {
        path: `/api/integrations/${m.otherIntegrationId}/sync-history`,
        params: { id: m.otherIntegrationId },
        token,
      });
      expect(foreign.status).toBe(404);
      expect(Object.keys(await foreign.json())).toEqual(["error"]);
    });
  });

  describe("POST /api/integrations/{id}/disconnect", () => {
    it("disconnects and keeps the data by default", async () => {
      const res = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "disconnected", data: "kept" });
      expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(3);
      const items = await (await api.call(LIST, { path: "/api/integrations", token })).json();
      expect(items[1].status).toBe("disconnected");
    });

    it("deletes the data when asked, and validates keepData", async () => {
      const bad = await api.call(DISCONNECT, {
        method: "POST",
        path: `/api/integrations/${m.wooId}/disconnect`,
        params: { id: m.wooId },
        token,
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
        token,
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
        token: otherToken,
        body: { keepData: false },
      });
      expect(res.status).toBe(404);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
      expect(row.status).toBe("connected");
    });
  });

  describe("GET and POST /api/integrations/{id}/schedule", () => {
    const schedule = (id: string, body?: unknown, as = token) =>
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
      expect((await schedule(m.wooId, { reconcileIntervalMinutes: 15 }, otherToken)).status).toBe(404);
      expect((await schedule(m.wooId, undefined, otherToken)).status).toBe(404);
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
