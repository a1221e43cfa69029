import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import type { StorePlatform, WebhookMaintenanceReport } from "../sync/platform";
import { createMemorySource, syntheticCustomer } from "../sync/testing/memory-source";
import { createJobHandlers } from "./handlers.server";
import { createJobQueue, type JobQueue } from "./queue.server";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";
import type { JobContext } from "./types";

const PLATFORM = "memory-reconcile";

const ctx: JobContext = {
  jobId: "job",
  kind: "reconcile",
  attempt: 1,
  maxAttempts: 2,
  workerId: "w",
  signal: new AbortController().signal,
};

describe.each(DATABASE_KINDS)("scheduled reconcile on %s", (kind) => {
  let t: TestDatabase;
  let q: JobQueue;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    q = await createJobQueue(t.db, { databaseUrl: t.url, pgBoss: { maintenanceIntervalSeconds: 5 } });
  });
  afterAll(async () => {
    await q?.close();
    await t?.cleanup();
  });

  async function store() {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const row = await t.db.integration.create({
      data: { organizationId, platform: PLATFORM, name: "Store", storeKey: `s-${organizationId}` },
    });
    return row.id;
  }

  /** Runs one reconcile job with a platform whose webhook maintenance is `maintain`; records the call order. */
  async function reconcile(integrationId: string, maintain?: StorePlatform["maintainWebhooks"]) {
    const order: string[] = [];
    const platforms = testPlatforms([
      testPlatform(PLATFORM, {
        createSource: () => {
          order.push("sync");
          return createMemorySource({ platform: PLATFORM, customers: [syntheticCustomer(1)] });
        },
        ...(maintain
          ? {
              maintainWebhooks: async (c, signal) => {
                order.push("maintain");
                return maintain(c, signal);
              },
            }
          : {}),
      }),
    ]);
    const handlers = createJobHandlers({ db: t.db, queue: q, platforms, exportDir: "unused" });
    const result = await handlers.reconcile!({ integrationId }, ctx);
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    return { order, result, integration };
  }

  const healthy = (extra: Partial<WebhookMaintenanceReport> = {}): WebhookMaintenanceReport => ({
    healthy: ["orders/updated"],
    repaired: [],
    gapSuspected: false,
    problems: [],
    ...extra,
  });

  it("repairs the store's webhooks before its incremental sync and keeps the report where the UI reads it", async () => {
    const id = await store();
    const { order, integration, result } = await reconcile(id, async () =>
      healthy({
        repaired: [
          { topic: "customers/update", action: "recreated", reason: "missing (deleted by the store)" },
        ],
        gapSuspected: true,
      }),
    );
    expect(order).toEqual(["maintain", "sync"]);
    expect(result).toMatchObject({ status: "succeeded", webhooks: { repaired: 1, problems: [] } });
    expect(integration.status).toBe("connected");
    expect(integration.webhookHealth).toMatchObject({
      healthy: ["orders/updated"],
      repaired: [{ topic: "customers/update", action: "recreated" }],
      gapSuspected: true,
      problems: [],
      checkedAt: expect.any(String),
    });
    const audit = await t.db.auditLog.findFirstOrThrow({
      where: { integrationId: id, action: "webhooks.maintained" },
    });
    expect(audit.detail).toMatchObject({ repaired: [{ topic: "customers/update" }], gapSuspected: true });
    const run = await t.db.syncRun.findFirstOrThrow({ where: { integrationId: id } });
    expect(run).toMatchObject({ kind: "reconcile", triggeredBy: "schedule", status: "succeeded" });
  });

  it("writes no audit entry when every subscription was healthy", async () => {
    const id = await store();
    await reconcile(id, async () => healthy());
    expect(await t.db.auditLog.count({ where: { integrationId: id, action: "webhooks.maintained" } })).toBe(
      0,
    );
    expect((await t.db.integration.findUniqueOrThrow({ where: { id } })).webhookHealth).toMatchObject({
      healthy: ["orders/updated"],
    });
  });

  it("puts the store in needs_attention with the problems in merchant words, even after a clean sync", async () => {
    const id = await store();
    const problem = "The REST key is read-only: Commerce Sync cannot create webhooks. Use a Read/Write key.";
    const { integration, order } = await reconcile(id, async () => healthy({ problems: [problem] }));
    expect(order).toEqual(["maintain", "sync"]);
    // A problem its platform gave no code: not known.
    expect(integration).toMatchObject({
      status: "needs_attention",
      statusReason: problem,
      statusCode: "webhook_problem",
    });
    // Fixed on the store: the next reconcile brings it back to connected, without a code.
    const next = await reconcile(id, async () => healthy());
    expect(next.integration).toMatchObject({ status: "connected", statusReason: null, statusCode: null });
  });

  it("keeps the code of each problem, and of several the one Reconnect may mend", async () => {
    const id = await store();
    const unreachable = "The store cannot reach Commerce Sync's webhook address.";
    const refused = "Shopify refused the orders/updated webhook subscription: access denied.";
    const codes = { [unreachable]: "webhooks_unreachable", [refused]: "webhooks_unregistered" };
    const first = await reconcile(id, async () => healthy({ problems: [unreachable], problemCodes: codes }));
    expect(first.integration).toMatchObject({
      status: "needs_attention",
      statusCode: "webhooks_unreachable",
    });
    const both = await reconcile(id, async () =>
      healthy({ problems: [unreachable, refused], problemCodes: codes }),
    );
    expect(both.integration).toMatchObject({
      statusReason: `${unreachable} ${refused}`,
      statusCode: "webhooks_unregistered",
    });
  });

  it("keeps a state the merchant accepted (a read-only key) in the report, never flags it, and audits it only when new", async () => {
    const id = await store();
    const readOnly = "The store's API key is read-only, so webhooks cannot be created.";
    const audits = () => t.db.auditLog.count({ where: { integrationId: id, action: "webhooks.maintained" } });
    const accepted = async () => healthy({ healthy: [], problems: [readOnly], accepted: [readOnly] });
    const first = await reconcile(id, accepted);
    expect(first.integration).toMatchObject({ status: "connected", statusReason: null });
    expect(first.integration.webhookHealth).toMatchObject({ problems: [readOnly], accepted: [readOnly] });
    expect(await audits()).toBe(1);
    // Found again at the next checks: nothing new to record, still not flagged.
    await reconcile(id, accepted);
    const third = await reconcile(id, accepted);
    expect(third.integration).toMatchObject({ status: "connected", statusReason: null });
    expect(await audits()).toBe(1);
    // Beside a problem that is not accepted, only that one is flagged.
    const broken = "Commerce Sync could not check this store's webhook subscriptions: 503";
    const both = await reconcile(id, async () =>
      healthy({ problems: [readOnly, broken], accepted: [readOnly] }),
    );
    expect(both.integration).toMatchObject({
      status: "needs_attention",
      statusReason: broken,
      statusCode: "webhook_problem",
    });
  });

  it("records a check that failed as a problem and still syncs", async () => {
    const id = await store();
    const { integration, order } = await reconcile(id, async () => {
      throw new Error("Shopify answered 503");
    });
    expect(order).toEqual(["maintain", "sync"]);
    expect(integration.statusReason).toBe(
      "Commerce Sync could not check this store's webhook subscriptions: Shopify answered 503",
    );
    expect(integration.statusCode).toBe("webhooks_check_failed");
    expect(await t.db.syncRun.count({ where: { integrationId: id, status: "succeeded" } })).toBe(1);
  });

  it("only syncs for a platform without webhook maintenance", async () => {
    const id = await store();
    const { integration, order } = await reconcile(id);
    expect(order).toEqual(["sync"]);
    expect(integration).toMatchObject({ status: "connected", webhookHealth: null });
  });
});
