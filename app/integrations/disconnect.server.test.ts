import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { syncLockKey } from "../jobs/enqueue.server";
import { createJobQueue, type JobQueue } from "../jobs/queue.server";
import { isAppError } from "../lib/errors";
import { disconnectIntegration } from "./disconnect.server";
import { seedMerchant, type MerchantFixture } from "./testing/merchant";

describe.each(DATABASE_KINDS)("disconnecting a store on %s", (kind) => {
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
      where: { id: m.wooId },
      data: { credentials: "sealed-credentials", webhookSecret: "sealed-secret" },
    });
  });

  it("keeps the synced data, forgets the credentials, cleans up the store first and audits it", async () => {
    // A store that needed attention: its reason's code goes with it.
    await t.db.integration.update({
      where: { id: m.wooId },
      data: { status: "needs_attention", statusReason: "Key refused", statusCode: "woocommerce_auth" },
    });
    const seen: Array<string | null> = [];
    const result = await disconnectIntegration(
      { db: t.db, cleanupStore: async (integration) => void seen.push(integration.credentials) },
      { organizationId: m.organizationId, integrationId: m.wooId, keepData: true, actor: "merchant:test" },
    );
    expect(result).toEqual({
      integrationId: m.wooId,
      status: "disconnected",
      data: "kept",
      storeCleanup: { outcome: "done" },
      alreadyDisconnected: false,
    });
    // The platform saw the credentials before they were forgotten.
    expect(seen).toEqual(["sealed-credentials"]);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect(row).toMatchObject({
      status: "disconnected",
      statusCode: null,
      credentials: null,
      webhookSecret: null,
    });
    expect(row.disconnectedAt).toBeInstanceOf(Date);
    expect(row.syncedOrders).toBe(3);
    expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(3);
    const audit = await t.db.auditLog.findMany({
      where: { integrationId: m.wooId, action: "integration.disconnected" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "merchant:test" });
    expect(audit[0].detail).toMatchObject({ keepData: true, storeCleanup: "done", platform: "woocommerce" });
  });

  it("deletes what only this store fed and keeps contacts another store also feeds", async () => {
    const result = await disconnectIntegration(
      { db: t.db },
      { organizationId: m.organizationId, integrationId: m.wooId, keepData: false, actor: "merchant:test" },
    );
    expect(result.data).toBe("deleted");
    expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(0);
    expect(await t.db.contactSource.count({ where: { integrationId: m.wooId } })).toBe(0);
    // customer1 is also a Shopify customer: kept. The Woo-only guest is gone.
    expect(await t.db.contact.count({ where: { email: "customer1@example.com" } })).toBe(1);
    expect(await t.db.contact.count({ where: { email: "walkin@example.org" } })).toBe(0);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect([row.syncedContacts, row.syncedOrders, row.syncedProducts]).toEqual([0, 0, 0]);
    // The other store is untouched.
    expect(await t.db.order.count({ where: { integrationId: m.shopifyId } })).toBe(6);
  });

  it("answers not found for another organization's integration and changes nothing", async () => {
    const error = await disconnectIntegration(
      { db: t.db },
      { organizationId: m.otherOrganizationId, integrationId: m.wooId, keepData: false, actor: "x" },
    ).catch((e: unknown) => e);
    expect(isAppError(error, "integration_not_found")).toBe(true);
    expect((error as { httpStatus: number }).httpStatus).toBe(404);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect(row.status).toBe("connected");
    expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(3);
  });

  it("cleans up a store whose access is not on the row (Shopify keeps its token in the session table)", async () => {
    const shopify = await t.db.integration.findUniqueOrThrow({ where: { id: m.shopifyId } });
    expect(shopify.credentials).toBeNull();
    const cleaned: string[] = [];
    const result = await disconnectIntegration(
      { db: t.db, cleanupStore: async (integration) => void cleaned.push(integration.id) },
      { organizationId: m.organizationId, integrationId: m.shopifyId, keepData: true, actor: "merchant:t" },
    );
    expect(cleaned).toEqual([m.shopifyId]);
    expect(result.storeCleanup).toEqual({ outcome: "done" });
    const audit = await t.db.auditLog.findFirstOrThrow({
      where: { integrationId: m.shopifyId, action: "integration.disconnected" },
    });
    expect(audit.detail).toMatchObject({ platform: "shopify", storeCleanup: "done" });
  });

  it("still disconnects when the store cannot be cleaned up, and records why", async () => {
    const result = await disconnectIntegration(
      {
        db: t.db,
        cleanupStore: async () => {
          throw new Error("WooCommerce rejected the consumer key (401).");
        },
      },
      { organizationId: m.organizationId, integrationId: m.wooId, keepData: true, actor: "merchant:test" },
    );
    expect(result.storeCleanup).toEqual({
      outcome: "failed",
      message: "WooCommerce rejected the consumer key (401).",
    });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect(row.status).toBe("disconnected");
  });

  it("goes on without the store cleanup at its deadline, aborting it, and says the webhooks need removing by hand", async () => {
    let aborted: unknown = null;
    const started = Date.now();
    const result = await disconnectIntegration(
      {
        db: t.db,
        cleanupDeadlineMs: 200,
        // A store that never answers: only the signal ends this cleanup.
        cleanupStore: (_integration, signal) =>
          new Promise((_, reject) =>
            signal.addEventListener("abort", () => {
              aborted = signal.reason;
              reject(signal.reason as Error);
            }),
          ),
      },
      { organizationId: m.organizationId, integrationId: m.wooId, keepData: true, actor: "merchant:test" },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(aborted).toBeInstanceOf(Error);
    expect(result.storeCleanup).toEqual({
      outcome: "failed",
      message: "the store did not answer within 200 ms",
    });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect(row).toMatchObject({ status: "disconnected", credentials: null });
    // The store's page keeps saying what was left behind and how to remove it (a toast is gone in seconds).
    expect(row.statusReason).toBe(
      "Disconnected. Synced contacts, orders and products were kept. Commerce Sync’s webhooks are still on the " +
        "store: removing them failed. The store did not answer within 200 ms. Delete them in WooCommerce → " +
        "Settings → Advanced → Webhooks (their names start with “Commerce Sync”).",
    );
  });

  it("also ends a cleanup that ignores its signal at the deadline", async () => {
    const result = await disconnectIntegration(
      { db: t.db, cleanupDeadlineMs: 200, cleanupStore: () => new Promise<void>(() => undefined) },
      { organizationId: m.organizationId, integrationId: m.wooId, keepData: true, actor: "merchant:test" },
    );
    expect(result.storeCleanup.outcome).toBe("failed");
    expect((await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } })).status).toBe(
      "disconnected",
    );
  });

  it("is idempotent: a second call skips the store cleanup and keeps the first disconnect time", async () => {
    const input = { organizationId: m.organizationId, integrationId: m.wooId, keepData: true, actor: "a" };
    await disconnectIntegration({ db: t.db }, input);
    const first = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    let cleaned = false;
    const again = await disconnectIntegration(
      { db: t.db, cleanupStore: async () => void (cleaned = true) },
      input,
    );
    expect(again).toMatchObject({ alreadyDisconnected: true, storeCleanup: { outcome: "skipped" } });
    expect(cleaned).toBe(false);
    const second = await t.db.integration.findUniqueOrThrow({ where: { id: m.wooId } });
    expect(second.disconnectedAt).toEqual(first.disconnectedAt);
  });

  describe("with the job queue", () => {
    let queue: JobQueue;
    beforeAll(async () => {
      queue = await createJobQueue(t.db, { databaseUrl: t.url });
    });
    afterAll(async () => {
      await queue?.close();
    });

    it("queues the deletion behind a sync that holds the store's lock", async () => {
      const held = await queue.acquireLock(syncLockKey(m.wooId), "a-running-sync");
      expect(held).not.toBeNull();
      try {
        const result = await disconnectIntegration(
          { db: t.db, queue },
          { organizationId: m.organizationId, integrationId: m.wooId, keepData: false, actor: "merchant:t" },
        );
        expect(result.data).toBe("deletion_queued");
        const jobs = await queue.listJobs({ limit: 10 });
        const purge = jobs.find((j) => j.kind === "compliance.shop_redact");
        expect(purge?.payload).toEqual({ integrationId: m.wooId, actor: "merchant:t" });
        // Nothing deleted yet: the sync still runs.
        expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(3);
      } finally {
        await held?.release();
      }
    });

    it("deletes at once when no sync runs", async () => {
      const result = await disconnectIntegration(
        { db: t.db, queue },
        { organizationId: m.organizationId, integrationId: m.wooId, keepData: false, actor: "merchant:t" },
      );
      expect(result.data).toBe("deleted");
      expect(await t.db.order.count({ where: { integrationId: m.wooId } })).toBe(0);
    });
  });
});
