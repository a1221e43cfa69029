import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { searchContacts } from "./contacts-view.server";
import { displayStatus, listIntegrations } from "./integrations-view.server";
import { listOrders, ordersPerDay, withOtherStores } from "./orders-view.server";
import { reconnectMayHelp } from "../lib/attention-cause";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";
import { runView } from "./testing/run-view";
import { webhookActivity } from "./webhook-activity.server";

describe.each(DATABASE_KINDS)("the merchant's views on %s", (kind) => {
  let t: TestDatabase;
  let m: MerchantFixture;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    m = await seedMerchant(t.db);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("finds contacts by part of the email or by first and last name, case-insensitively", async () => {
    const byEmail = await searchContacts(t.db, m.organizationId, { query: "CUSTOMER3@" });
    expect(byEmail.contacts.map((c) => c.email)).toEqual(["customer3@example.com"]);
    const byName = await searchContacts(t.db, m.organizationId, { query: "first4 LAST4" });
    expect(byName.contacts.map((c) => c.email)).toEqual(["customer4@example.com"]);
    const nobody = await searchContacts(t.db, m.organizationId, { query: "first4 last5" });
    expect(nobody.total).toBe(0);
    // Another organization's contacts never match.
    expect((await searchContacts(t.db, m.otherOrganizationId, { query: "customer" })).total).toBe(0);
  });

  it("gives the cross-store profile: both stores, all orders, exact totals per currency", async () => {
    const [c1] = (await searchContacts(t.db, m.organizationId, { query: "customer1@example.com" })).contacts;
    expect(c1.stores.map((s) => s.name)).toEqual(["Acme Shopify", "Acme Woo"]);
    expect(c1.ordersCount).toBe(3);
    const eur = c1.totalSpent.find((x) => x.currency === "EUR");
    expect(eur).toEqual({ currency: "EUR", amount: "10.15", minor: "1015" });
    const guest = (await searchContacts(t.db, m.organizationId, { query: "walkin" })).contacts[0];
    expect(guest.stores).toEqual([
      expect.objectContaining({ name: "Acme Woo", externalId: "guest:walkin@example.org" }),
    ]);
  });

  it("filters orders by store, payment and fulfillment status, with the choices present", async () => {
    const all = await listOrders(t.db, m.organizationId, {});
    expect(all.total).toBe(9);
    expect(all.facets.stores.map((s) => s.name)).toEqual(["Acme Shopify", "Acme Woo"]);
    expect(all.facets.financialStatuses).toEqual(["paid", "pending"]);
    const woo = await listOrders(t.db, m.organizationId, { integrationId: m.wooId });
    expect(woo.orders.every((o) => o.storeName === "Acme Woo" && o.currency === "EUR")).toBe(true);
    expect(woo.orders.map((o) => o.total).sort()).toEqual(["0.10", "10.05", "5.00"]);
    const pending = await listOrders(t.db, m.organizationId, { financialStatus: "pending" });
    expect(pending.total).toBe(3);
    const fulfilled = await listOrders(t.db, m.organizationId, { fulfillmentStatus: "fulfilled" });
    expect(fulfilled.orders.map((o) => o.orderNumber).sort()).toEqual(["1000", "1003", "1020"]);
    const unfulfilled = await listOrders(t.db, m.organizationId, {
      integrationId: m.shopifyId,
      fulfillmentStatus: "unfulfilled",
    });
    expect(unfulfilled.total).toBe(4);
    expect((await listOrders(t.db, m.otherOrganizationId, {})).total).toBe(0);
  });

  it("counts orders per UTC day per store, zero-filled over the window", async () => {
    const day = (iso: string) => new Date(iso);
    await t.db.order.updateMany({
      where: { integrationId: m.wooId },
      data: { orderDate: day("2026-03-09T23:59:59Z") },
    });
    const series = await ordersPerDay(t.db, m.organizationId, { days: 3, now: day("2026-03-10T08:00:00Z") });
    expect(series.map((s) => s.name)).toEqual(["Acme Shopify", "Acme Woo"]);
    expect(series[1].points).toEqual([
      { day: "2026-03-08", orders: 0 },
      { day: "2026-03-09", orders: 3 },
      { day: "2026-03-10", orders: 0 },
    ]);
    expect(series[0].points.every((p) => p.orders === 0)).toBe(true);
  });

  it("draws the stores with most orders on their own and the rest as one line when there are many", () => {
    const store = (i: number, orders: number[]) => ({
      integrationId: `s${i}`,
      name: `Store ${i}`,
      points: orders.map((n, d) => ({ day: `2026-03-0${d + 1}`, orders: n })),
    });
    const few = [store(1, [0, 0]), store(2, [1, 0])];
    expect(withOtherStores(few)).toBe(few);
    const many = [
      store(1, [0, 0]),
      store(2, [5, 5]),
      store(3, [1, 0]),
      store(4, [0, 2]),
      store(5, [3, 3]),
      store(6, [0, 0]),
      store(7, [4, 0]),
      store(8, [0, 1]),
    ];
    const drawn = withOtherStores(many);
    expect(drawn.map((s) => s.name)).toEqual([
      "Store 2",
      "Store 3",
      "Store 4",
      "Store 5",
      "Store 7",
      "3 other stores",
    ]);
    expect(drawn[5]!.points).toEqual([
      { day: "2026-03-01", orders: 0 },
      { day: "2026-03-02", orders: 1 },
    ]);
  });

  it("lists integrations with counts and never a healthy status over a failure", async () => {
    const items = await listIntegrations(t.db, m.organizationId);
    expect(items.map((i) => [i.name, i.status, i.syncedOrders])).toEqual([
      ["Acme Shopify", "connected", 6],
      ["Acme Woo", "connected", 3],
    ]);
    const failedJob = {
      integrationId: m.wooId,
      kind: "reconcile",
      error: "No sync source",
      finishedAt: new Date(Date.now() + 60_000),
    };
    const withJob = await listIntegrations(t.db, m.organizationId, { failedJobs: [failedJob] });
    expect(withJob[1]).toMatchObject({
      status: "needs_attention",
      statusReason: expect.stringContaining("No sync source"),
    });
    expect(withJob[0].status).toBe("connected");
  });

  it("lists an organization with 1,200 stores, more than one SQLite statement may name", async () => {
    const organization = await t.db.organization.create({ data: { name: "Many stores" } });
    await t.db.integration.createMany({
      data: Array.from({ length: 1_200 }, (_, i) => ({
        organizationId: organization.id,
        platform: "woocommerce",
        name: `Store ${String(i).padStart(4, "0")}`,
        storeKey: `https://store${i}.example`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      })),
    });
    const syncing = await t.db.integration.findFirstOrThrow({ where: { name: "Store 1111" } });
    await t.db.syncRun.create({
      data: { integrationId: syncing.id, kind: "full", status: "running", heartbeatAt: new Date() },
    });
    // Finished runs spread over the slices: each store's newest finished run is its last run, never a running one
    // nor another store's.
    const stores = await t.db.integration.findMany({
      where: { organizationId: organization.id },
      orderBy: { createdAt: "asc" },
    });
    const at = (minute: number) => new Date(Date.UTC(2026, 1, 1, 0, minute));
    const finished = [0, 249, 250, 777, 1111, 1199];
    for (const [n, index] of finished.entries()) {
      await t.db.syncRun.createMany({
        data: [
          {
            integrationId: stores[index].id,
            kind: "full",
            status: "failed",
            startedAt: at(n),
            errorMessage: "old",
          },
          {
            integrationId: stores[index].id,
            kind: "incremental",
            status: "succeeded",
            startedAt: at(n + 10),
          },
        ],
      });
    }
    const items = await listIntegrations(t.db, organization.id);
    expect(items).toHaveLength(1_200);
    expect(items.filter((i) => i.activeRun).map((i) => i.name)).toEqual(["Store 1111"]);
    const withLast = items.filter((i) => i.lastRun);
    expect(withLast.map((i) => i.name)).toEqual(finished.map((i) => stores[i].name));
    expect(withLast.every((i) => i.lastRun?.status === "succeeded" && i.status !== "needs_attention")).toBe(
      true,
    );
  });

  it("shows webhook events, failures of the last day and recorded subscription repairs", async () => {
    await t.db.webhookEvent.createMany({
      data: [
        {
          integrationId: m.wooId,
          platform: "woocommerce",
          topic: "order.created",
          dedupeKey: `a-${kind}`,
          storeKey: "x",
          payload: "{}",
          status: "processed",
        },
        {
          integrationId: m.wooId,
          platform: "woocommerce",
          topic: "customer.updated",
          dedupeKey: `b-${kind}`,
          storeKey: "x",
          payload: "{}",
          status: "failed",
          lastError: "bad email",
        },
        {
          integrationId: m.wooId,
          platform: "woocommerce",
          topic: "product.updated",
          dedupeKey: `c-${kind}`,
          storeKey: "x",
          payload: "{}",
          status: "received",
          attempts: 2,
          lastError: "The store did not answer",
          nextAttemptAt: new Date("2026-12-02T10:00:00Z"),
        },
      ],
    });
    await t.db.auditLog.create({
      data: {
        organizationId: m.organizationId,
        integrationId: m.wooId,
        actor: "job:reconcile",
        action: "webhooks.repaired",
        detail: {
          repaired: [{ topic: "order.updated", action: "reactivated", reason: "disabled after failures" }],
        },
      },
    });
    const activity = await webhookActivity(t.db, m.organizationId, m.wooId);
    expect(activity.last24h).toEqual({ received: 3, failed: 1 });
    expect(activity.recent.map((e) => e.topic).sort()).toEqual([
      "customer.updated",
      "order.created",
      "product.updated",
    ]);
    // A delivery waiting for another try says so, and when.
    expect(activity.recent.find((e) => e.topic === "product.updated")).toMatchObject({
      status: "retrying",
      attempts: 2,
      nextAttemptAt: "2026-12-02T10:00:00.000Z",
    });
    expect(activity.recent.find((e) => e.topic === "customer.updated")).toMatchObject({
      status: "failed",
      nextAttemptAt: null,
    });
    expect(activity.repairs).toEqual([
      expect.objectContaining({ summary: "order.updated reactivated (disabled after failures)" }),
    ]);
    await expect(webhookActivity(t.db, m.otherOrganizationId, m.wooId)).rejects.toMatchObject({
      httpStatus: 404,
    });
  });
});

describe("status shown for a store", () => {
  const connected = { status: "connected", statusReason: null };

  it("reports per resource the records removed because the store deleted them (0 when none)", () => {
    const view = runView("succeeded", {
      resources: ["customers", "orders"],
      checkpoint: {
        resources: {
          customers: { phase: "done", synced: 0, failed: 0, total: 0 },
          orders: { phase: "done", synced: 1, failed: 0, total: 1, deleted: 3 },
        },
      },
    });
    expect(view.resources.map((r) => [r.resource, r.deleted])).toEqual([
      ["customers", 0],
      ["orders", 3],
    ]);
  });

  it("is disconnected before anything else, then syncing while a run is live", () => {
    expect(
      displayStatus({ status: "disconnected", statusReason: "Bye" }, runView("running"), null, null).status,
    ).toBe("disconnected");
    expect(displayStatus(connected, runView("running"), runView("failed"), null).status).toBe("syncing");
  });

  it("needs attention after a failed or partial run, with the reason", () => {
    expect(
      displayStatus(connected, null, runView("failed", { errorMessage: "401 from the store" }), null),
    ).toEqual({
      status: "needs_attention",
      statusReason: "The last sync failed: 401 from the store",
      attentionCause: "store",
    });
    expect(displayStatus(connected, null, runView("partial", { ordersFailed: 2 }), null).statusReason).toBe(
      "The last sync skipped 2 record(s) it could not save.",
    );
    expect(displayStatus(connected, null, runView("succeeded"), null)).toEqual({
      status: "connected",
      statusReason: null,
      attentionCause: null,
    });
  });

  it("says why a store needs attention, and only a store's own failure may be mended by reconnecting it", () => {
    const stalled = runView("running", { heartbeatAt: new Date("2026-01-01T00:00:05Z"), finishedAt: null });
    const waiting = { integrationId: "i", kind: "reconcile", dueAt: new Date("2026-01-01T00:00:00Z") };
    const cases: Array<[ReturnType<typeof displayStatus>, string | null, boolean]> = [
      [displayStatus(connected, null, null, null, null, stalled), "worker_stopped", false],
      [displayStatus(connected, null, null, null, waiting), "no_worker", false],
      [
        displayStatus(connected, null, runView("partial", { ordersFailed: 2 }), null),
        "records_skipped",
        false,
      ],
      [
        displayStatus({ status: "needs_attention", statusReason: "Key revoked" }, null, null, null),
        "store",
        true,
      ],
      [displayStatus(connected, null, runView("failed", { errorMessage: "401" }), null), "store", true],
      [displayStatus(connected, null, runView("succeeded"), null), null, false],
    ];
    for (const [shown, cause, offered] of cases) {
      expect(shown.attentionCause).toBe(cause);
      expect(reconnectMayHelp(shown.attentionCause)).toBe(offered);
    }
  });

  it("says why by the code stored with the reason (Integration.statusCode), and offers Reconnect only where it helps", () => {
    const flagged = (statusCode: string | null) =>
      displayStatus({ status: "needs_attention", statusReason: "Why", statusCode }, null, null, null);
    const cases: Array<[string | null, string, boolean]> = [
      ["webhooks_unreachable", "webhooks_unreachable", false],
      ["webhook_address_refused", "app_setup", false],
      ["shopify_protected_customer_data", "app_setup", false],
      ["webhook_change_failed", "change_not_applied", false],
      ["woocommerce_server", "store_unavailable", false],
      ["shopify_throttled", "store_unavailable", false],
      ["webhooks_unregistered", "store", true],
      ["webhook_secret_missing", "store", true],
      ["shopify_scopes_missing", "store", true],
      ["install_incomplete", "store", true],
      ["sync_start_failed", "store", true],
      ["sync_failed", "store", true],
      ["webhook_problem", "store", true],
      ["webhooks_check_failed", "store", true],
      ["woocommerce_auth", "store", true],
      ["a_code_nobody_wrote", "store", true],
      [null, "store", true],
    ];
    for (const [code, cause, offered] of cases) {
      const shown = flagged(code);
      expect({ code, status: shown.status, reason: shown.statusReason, cause: shown.attentionCause }).toEqual(
        {
          code,
          status: "needs_attention",
          reason: "Why",
          cause,
        },
      );
      expect(reconnectMayHelp(shown.attentionCause)).toBe(offered);
    }
  });

  it("reads the code of a reason stored before the column from the last run whose message it is, never over a stored code", () => {
    const failed = runView("failed", {
      errorMessage: "The store answered 500.",
      checkpoint: { failureCode: "woocommerce_server", resources: {} },
    });
    const row = (statusReason: string, statusCode: string | null = null) => ({
      status: "needs_attention",
      statusReason,
      statusCode,
    });
    expect(displayStatus(row("The store answered 500."), null, failed, null).attentionCause).toBe(
      "store_unavailable",
    );
    // Another reason than the run's message: not known.
    expect(displayStatus(row("Something else."), null, failed, null).attentionCause).toBe("store");
    // A stored code says what the reason is, whatever the run.
    expect(
      displayStatus(row("The store answered 500.", "webhook_change_failed"), null, failed, null)
        .attentionCause,
    ).toBe("change_not_applied");
  });

  it("says why a job failed before it ran by its error's code when the queue recorded one, else the store's", () => {
    const job = (errorCode?: string) => ({
      integrationId: "i",
      kind: "sync.incremental",
      error: "The store did not answer in time.",
      ...(errorCode ? { errorCode } : {}),
      finishedAt: new Date("2026-01-02T00:00:00Z"),
    });
    const timedOut = displayStatus(connected, null, runView("succeeded"), job("woocommerce_timeout"));
    expect(timedOut).toMatchObject({ status: "needs_attention", attentionCause: "store_unavailable" });
    expect(reconnectMayHelp(timedOut.attentionCause)).toBe(false);
    expect(displayStatus(connected, null, runView("succeeded"), job()).attentionCause).toBe("store");
  });

  it("ignores a failed job older than the last finished run", () => {
    const old = {
      integrationId: "i",
      kind: "sync.incremental",
      error: "x",
      finishedAt: new Date("2025-12-31T00:00:00Z"),
    };
    expect(displayStatus(connected, null, runView("succeeded"), old).status).toBe("connected");
  });
});
