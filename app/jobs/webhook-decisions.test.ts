import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { testPlatform, testPlatforms } from "../platforms/testing/test-platforms";
import { runSync } from "../sync/engine.server";
import type { WebhookDecision } from "../sync/platform";
import {
  createMemorySource,
  mapMemoryCustomer,
  mapMemoryOrder,
  syntheticCustomer,
  syntheticOrder,
} from "../sync/testing/memory-source";
import { createJobHandlers } from "./handlers.server";
import { createJobQueue, type JobQueue } from "./queue.server";
import { schedulerTick } from "./scheduler.server";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";
import type { JobContext } from "./types";
import { processWebhookJob, UNINSTALLED_REASON } from "./webhook-job.server";

const PLATFORM = "memory-decisions";

function jobContext(attempt = 1, maxAttempts = 3): JobContext {
  return {
    jobId: "job",
    kind: "webhook.process",
    attempt,
    maxAttempts,
    workerId: "w",
    signal: new AbortController().signal,
  };
}

describe.each(DATABASE_KINDS)("webhook decisions on %s", (kind) => {
  let t: TestDatabase;
  let q: JobQueue;
  let exportDir: string;
  /** What the test platform decides for the next events. */
  let decide: (topic: string, body: unknown) => WebhookDecision | Promise<WebhookDecision> = () => ({
    action: "ignore",
    reason: "unset",
  });
  const platforms = testPlatforms([
    testPlatform(PLATFORM, {
      createSource: () =>
        createMemorySource({
          platform: PLATFORM,
          customers: Array.from({ length: 5 }, (_, i) => syntheticCustomer(i)),
          orders: Array.from({ length: 4 }, (_, i) => syntheticOrder(i, { customerCount: 5 })),
        }),
      handleWebhook: async (event, body) => decide(event.topic, body),
    }),
  ]);
  const deps = () => ({ db: t.db, queue: q, platforms });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    q = await createJobQueue(t.db, { databaseUrl: t.url, pgBoss: { maintenanceIntervalSeconds: 5 } });
    exportDir = mkdtempSync(join(tmpdir(), "exports-"));
  });
  afterEach(() => {
    decide = () => ({ action: "ignore", reason: "unset" });
  });
  afterAll(async () => {
    await q?.close();
    await t?.cleanup();
    rmSync(exportDir, { recursive: true, force: true });
  });

  /** An organization with one synced store of the test platform. */
  async function syncedStore() {
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const integration = await t.db.integration.create({
      data: { organizationId, platform: PLATFORM, name: "Store", storeKey: `s-${organizationId}` },
    });
    await runSync(t.db, { integrationId: integration.id, kind: "full", sources: platforms });
    return { organizationId, integrationId: integration.id, storeKey: integration.storeKey };
  }

  function event(integrationId: string | null, topic: string, body: object = {}) {
    return t.db.webhookEvent.create({
      data: {
        integrationId,
        platform: PLATFORM,
        topic,
        dedupeKey: randomUUID(),
        storeKey: "s",
        payload: JSON.stringify(body),
      },
    });
  }

  async function jobsFor(integrationId: string, kinds: string[]) {
    return (await q.listJobs({ kinds, limit: 100 })).filter(
      (j) => (j.payload as { integrationId?: string }).integrationId === integrationId,
    );
  }

  it("disconnects an uninstalled store once, keeps its data and stops scheduling it", async () => {
    const { integrationId } = await syncedStore();
    // It needed attention: the reason's code goes with the reason.
    await t.db.integration.update({
      where: { id: integrationId },
      data: { status: "needs_attention", statusReason: "Key refused", statusCode: "shopify_access_revoked" },
    });
    decide = (topic) =>
      topic === "app/uninstalled" ? { action: "uninstalled" } : { action: "ignore", reason: "" };
    const first = await event(integrationId, "app/uninstalled");
    expect(await processWebhookJob(deps(), { webhookEventId: first.id }, jobContext())).toMatchObject({
      status: "processed",
    });
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration).toMatchObject({
      status: "disconnected",
      statusReason: UNINSTALLED_REASON,
      statusCode: null,
    });
    expect(integration.disconnectedAt).toBeInstanceOf(Date);
    expect(await t.db.contactSource.count({ where: { integrationId } })).toBe(5);
    expect(await t.db.order.count({ where: { integrationId } })).toBe(4);

    // A redelivered uninstall changes nothing and writes no second audit entry.
    const again = await event(integrationId, "app/uninstalled");
    expect(await processWebhookJob(deps(), { webhookEventId: again.id })).toMatchObject({
      status: "processed",
      reason: "The store was already disconnected.",
    });
    const audit = await t.db.auditLog.findMany({
      where: { integrationId, action: "integration.disconnected" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe("webhook:app/uninstalled");

    // Disconnected integrations are not reconciled, and later data webhooks are not applied.
    const tick = await schedulerTick(t.db, q, {
      reconcileIntervalMinutes: 1,
      now: () => new Date(Date.now() + 3600_000),
    });
    expect(tick.reconcile).not.toContain(integrationId);
    decide = () => ({ action: "sync", kind: "incremental", reason: "test" });
    const late = await event(integrationId, "orders/updated");
    expect(await processWebhookJob(deps(), { webhookEventId: late.id })).toEqual({
      status: "ignored",
      reason: "The store is disconnected; the change was not applied.",
    });
  });

  it("logs an event it ignores with the platform's reason (a late uninstall after a reinstall), store untouched", async () => {
    const { integrationId } = await syncedStore();
    const reason = "A late app/uninstalled: the app was reinstalled since.";
    decide = () => ({ action: "ignore", reason });
    const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const logger = (level: string, message: string, fields?: Record<string, unknown>) =>
      void lines.push({ level, message, fields });
    const late = await event(integrationId, "app/uninstalled");
    expect(await processWebhookJob({ ...deps(), logger }, { webhookEventId: late.id })).toEqual({
      status: "ignored",
      reason,
    });
    expect(lines).toEqual([
      {
        level: "info",
        message: "Webhook ignored",
        fields: {
          webhookEventId: late.id,
          platform: PLATFORM,
          topic: "app/uninstalled",
          storeKey: late.storeKey,
          reason,
        },
      },
    ]);
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.status).not.toBe("disconnected");
  });

  it("leaves a store reinstalled while its uninstall was processed connected: the row was written after it was read (the install's stamp) and the platform then sees the new access", async () => {
    const { integrationId } = await syncedStore();
    const reason = "The app was reinstalled while this uninstall was processed: the store stays connected.";
    let installed = false;
    let asked = 0;
    decide = () => ({
      action: "uninstalled",
      reinstalled: async () => {
        asked += 1;
        if (installed) return reason;
        // The reinstall lands just after this answer: new access stored, the row stamped by the install.
        installed = true;
        const { updatedAt } = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
        await t.db.integration.update({
          where: { id: integrationId },
          data: { updatedAt: new Date(updatedAt.getTime() + 1) },
        });
        return null;
      },
    });
    const lines: string[] = [];
    const uninstall = await event(integrationId, "app/uninstalled");
    const outcome = await processWebhookJob(
      { ...deps(), logger: (_level, message) => void lines.push(message) },
      { webhookEventId: uninstall.id },
      jobContext(),
    );
    expect(outcome).toEqual({ status: "ignored", reason });
    expect(asked).toBe(2);
    expect(lines).toEqual(["Webhook ignored"]);
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration).toMatchObject({ status: "connected", disconnectedAt: null });
    expect(await t.db.auditLog.count({ where: { integrationId, action: "integration.disconnected" } })).toBe(
      0,
    );
  });

  it("runs compliance requests as compliance jobs, once per event, audited", async () => {
    const { integrationId, organizationId } = await syncedStore();
    decide = (topic) => {
      if (topic === "customers/redact") {
        return {
          action: "compliance",
          request: {
            kind: "customer_redact",
            customerExternalId: "c1",
            email: "customer1@example.com",
            orderExternalIds: [],
          },
        };
      }
      if (topic === "customers/data_request") {
        return {
          action: "compliance",
          request: {
            kind: "customer_data_request",
            customerExternalId: "c2",
            email: null,
            orderExternalIds: [],
            dataRequestId: "77",
          },
        };
      }
      return { action: "compliance", request: { kind: "shop_redact" } };
    };
    const redact = await event(integrationId, "customers/redact");
    await processWebhookJob(deps(), { webhookEventId: redact.id });
    // Processing the same event again (a retried job) enqueues nothing new.
    await t.db.webhookEvent.update({ where: { id: redact.id }, data: { status: "received" } });
    await processWebhookJob(deps(), { webhookEventId: redact.id });
    const dataRequest = await event(integrationId, "customers/data_request");
    await processWebhookJob(deps(), { webhookEventId: dataRequest.id });
    const jobs = await jobsFor(integrationId, [
      "compliance.customer_redact",
      "compliance.customer_data_request",
    ]);
    expect(jobs.map((j) => j.kind).sort()).toEqual([
      "compliance.customer_data_request",
      "compliance.customer_redact",
    ]);
    expect(jobs.find((j) => j.kind === "compliance.customer_redact")).toMatchObject({
      concurrencyKey: `sync:${integrationId}`,
      payload: { integrationId, customerExternalId: "c1", actor: "webhook:customers/redact" },
    });
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: redact.id } })).lastError).toMatch(
      /^Queued compliance.customer_redact \(job /,
    );

    const handlers = createJobHandlers({ ...deps(), exportDir });
    for (const job of jobs) {
      const handler = handlers[job.kind as "compliance.customer_redact"]!;
      await handler(job.payload as never, jobContext());
    }
    expect(await t.db.contact.count({ where: { organizationId, email: "customer1@example.com" } })).toBe(0);
    const exported = JSON.parse(readFileSync(join(exportDir, `${integrationId}-77.json`), "utf8"));
    expect(exported.contacts[0].email).toBe("customer2@example.com");

    const shopRedact = await event(integrationId, "shop/redact");
    await processWebhookJob(deps(), { webhookEventId: shopRedact.id });
    const [purge] = await jobsFor(integrationId, ["compliance.shop_redact"]);
    await handlers["compliance.shop_redact"]!(purge.payload as never, jobContext());
    expect(await t.db.order.count({ where: { integrationId } })).toBe(0);
    const actions = (await t.db.auditLog.findMany({ where: { integrationId } })).map((a) => a.action).sort();
    expect(actions).toEqual(["customer.data_request", "customer.redact", "shop.purge"]);
  });

  it("ignores a compliance request for a store we no longer know", async () => {
    decide = () => ({ action: "compliance", request: { kind: "shop_redact" } });
    const orphan = await event(null, "shop/redact");
    expect(await processWebhookJob(deps(), { webhookEventId: orphan.id })).toEqual({
      status: "ignored",
      reason: "No connected store matches s.",
    });
  });

  it("enqueues one deduplicated sync of the named resources for a sync decision", async () => {
    const { integrationId } = await syncedStore();
    decide = () => ({
      action: "sync",
      kind: "incremental",
      resources: ["products"],
      reason: "a collection changed",
    });
    for (let i = 0; i < 2; i++) {
      const e = await event(integrationId, "collections/update");
      const outcome = await processWebhookJob(deps(), { webhookEventId: e.id });
      expect(outcome.status).toBe("processed");
      expect(outcome.reason).toMatch(/^Sync queued \(job .*\): a collection changed$/);
    }
    const jobs = await jobsFor(integrationId, ["sync.incremental"]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      payload: { integrationId, resources: ["products"], triggeredBy: "webhook:collections/update" },
      concurrencyKey: `sync:${integrationId}`,
      dedupeKey: `sync.incremental:${integrationId}:products`,
    });
  });

  it("puts the store in needs_attention when processing fails for good, not on a failure that will be retried", async () => {
    const { integrationId } = await syncedStore();
    decide = () => {
      throw new Error("The store answered 503");
    };
    const e = await event(integrationId, "customers/update");
    await expect(processWebhookJob(deps(), { webhookEventId: e.id }, jobContext(1, 3))).rejects.toThrow(
      "503",
    );
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).status).toBe(
      "connected",
    );
    await expect(processWebhookJob(deps(), { webhookEventId: e.id }, jobContext(3, 3))).rejects.toThrow(
      "503",
    );
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "needs_attention",
      statusReason: "A change sent by the store could not be applied: The store answered 503",
      // An error without a code: the change itself, which reconnecting cannot mend.
      statusCode: "webhook_change_failed",
    });
    // The next clean sync brings it back, and clears the code with the reason.
    await runSync(t.db, { integrationId, kind: "incremental", sources: platforms });
    expect(await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).toMatchObject({
      status: "connected",
      statusReason: null,
      statusCode: null,
    });
  });

  it("fails at once, and flags the store, when its credentials cannot be read", async () => {
    const { integrationId } = await syncedStore();
    await t.db.integration.update({
      where: { id: integrationId },
      data: { credentials: "enc:v1:nope:a:b:c" },
    });
    decide = () => ({ action: "ignore", reason: "never reached" });
    const e = await event(integrationId, "customers/update");
    await expect(processWebhookJob(deps(), { webhookEventId: e.id }, jobContext(1, 6))).rejects.toMatchObject(
      {
        code: "job_failed_permanently",
      },
    );
    const integration = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.status).toBe("needs_attention");
    expect(integration.statusReason).toMatch(/store credentials of this store cannot be read/);
    // The code of the error under the job's "do not retry" (new keys mend it: Reconnect is offered).
    expect(integration.statusCode).toBe("credentials_unreadable");
  });
  it("a customers/update or orders/updated made before a redaction and delivered after it stores nothing personal", async () => {
    const { organizationId, integrationId } = await syncedStore();
    const redactJob = { integrationId, customerExternalId: "c1", email: "customer1@example.com" };
    const handlers = createJobHandlers({ ...deps(), exportDir });
    await handlers["compliance.customer_redact"]!(redactJob as never, jobContext());
    const before = new Date(Date.now() - 60_000).toISOString();
    decide = (topic) =>
      topic === "customers/update"
        ? {
            action: "apply",
            resource: "customers",
            remote: [{ ...syntheticCustomer(1), updated_at: before }],
            map: mapMemoryCustomer,
          }
        : {
            action: "apply",
            resource: "orders",
            remote: [{ ...syntheticOrder(1, { customerCount: 5 }), updated_at: before }],
            map: mapMemoryOrder,
          };
    for (const topic of ["customers/update", "orders/updated"]) {
      const late = await event(integrationId, topic);
      expect(await processWebhookJob(deps(), { webhookEventId: late.id }, jobContext())).toMatchObject({
        status: "processed",
      });
    }
    expect(await t.db.contact.count({ where: { organizationId, email: "customer1@example.com" } })).toBe(0);
    expect(await t.db.contactSource.count({ where: { integrationId, externalId: "c1" } })).toBe(0);
    expect(
      await t.db.order.findFirstOrThrow({
        where: { integrationId, externalId: "o1" },
        select: { email: true, contactId: true },
      }),
    ).toEqual({ email: null, contactId: null });
  });
});
