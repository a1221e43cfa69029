import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import type { PlatformContext } from "../../sync/platform";
import type { WooCommercePlatform } from "./index.server";
import { testPlatform } from "./testing/harness";
import { READ_ONLY_PROBLEM, WEBHOOK_TOPICS, deliveryUrlFor } from "./webhooks.server";

describe("WooCommerce webhook upkeep against the emulator", () => {
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  const appUrl = "http://127.0.0.1:9";
  beforeAll(async () => {
    woo = await startWooEmulator({ counts: { customers: 1, orders: 1, products: 1 }, autoDeliver: false });
    platform = testPlatform({ appUrl });
  });
  afterAll(async () => {
    platform.close();
    await woo.close();
  });

  /** A context for integration `id` with a fresh key of `permissions`. */
  /** Pings "received" by id (the intake's WebhookPing rows, as the platform reads them). */
  const pings = new Map<string, Date>();
  const db = {
    webhookPing: {
      findUnique: async ({ where }: { where: { integrationId: string } }) => {
        const at = pings.get(where.integrationId);
        return at ? { integrationId: where.integrationId, receivedAt: at } : null;
      },
    },
  };

  function context(
    id: string,
    permissions: "read" | "read_write" = "read_write",
    secret = "s3cret",
    webhookHealth: unknown = null,
  ): PlatformContext {
    const key = woo.createKey(permissions);
    return {
      db: db as never,
      integration: {
        id,
        organizationId: "org",
        platform: "woocommerce",
        name: "Store",
        storeKey: woo.url,
        status: "connected",
        credentials: null,
        webhookSecret: null,
        settings: {},
        webhookHealth,
      },
      credentials: { consumerKey: key.consumer_key, consumerSecret: key.consumer_secret },
      webhookSecret: secret,
      recordCall: () => undefined,
      saveCredentials: async () => undefined,
    };
  }
  const ours = (id: string) =>
    [...woo.store.webhooks.values()].filter((w) => w.deliveryUrl === deliveryUrlFor(appUrl, id));

  it("creates the eleven topics once, then finds them healthy", async () => {
    const ctx = context("int-a");
    const first = await platform.maintainWebhooks!(ctx, new AbortController().signal);
    expect(first.repaired.map((r) => r.action)).toEqual(Array(WEBHOOK_TOPICS.length).fill("created"));
    expect(
      ours("int-a")
        .map((w) => w.topic)
        .sort(),
    ).toEqual([...WEBHOOK_TOPICS].sort());
    expect(ours("int-a").every((w) => w.secret === "s3cret" && w.status === "active")).toBe(true);
    const second = await platform.maintainWebhooks!(ctx, new AbortController().signal);
    expect(second).toEqual({ healthy: [...WEBHOOK_TOPICS], repaired: [], gapSuspected: false, problems: [] });
  });

  it("says plainly when the store cannot reach the app (no creation ping), and re-creates one webhook to try again", async () => {
    // This app address (port 9) answers nothing: the store's creation pings go nowhere.
    const first = await platform.maintainWebhooks!(context("int-far"), new AbortController().signal);
    expect(first.repaired).toHaveLength(WEBHOOK_TOPICS.length);
    expect(first.problems).toEqual([
      expect.stringMatching(/^The store could not reach Commerce Sync at http:\/\/127\.0\.0\.1:9: /),
    ]);
    expect(first.problems[0]).toContain("changes arrive only with the scheduled checks");
    // Its code, for the store's status: the app's address, which reconnecting the store cannot mend.
    expect(first.problemCodes).toEqual({ [first.problems[0]]: "webhooks_unreachable" });
    // Nothing created, nothing pinged: a check alone cannot tell, so it re-creates one webhook when the last one
    // found the store unreachable.
    const ids = ours("int-far").map((w) => w.id);
    const again = await platform.maintainWebhooks!(
      context("int-far", "read_write", "s3cret", first),
      new AbortController().signal,
    );
    expect(again.repaired).toEqual([
      {
        topic: WEBHOOK_TOPICS[0],
        action: "recreated",
        reason: "re-created to test that the store reaches the app",
      },
    ]);
    expect(again.problems).toHaveLength(1);
    expect(ours("int-far")).toHaveLength(WEBHOOK_TOPICS.length);
    expect(
      ours("int-far")
        .filter((w) => !ids.includes(w.id))
        .map((w) => w.topic),
    ).toEqual([WEBHOOK_TOPICS[0]]);
    // Once the store's ping arrives, the problem is gone.
    pings.set("int-far", new Date());
    const reached = await platform.maintainWebhooks!(
      context("int-far", "read_write", "s3cret", again),
      new AbortController().signal,
    );
    expect(reached.problems).toEqual([]);
    expect(reached.healthy).toHaveLength(WEBHOOK_TOPICS.length - 1);
    // A check that creates nothing and follows a healthy one asks nothing of the store.
    expect(
      await platform.maintainWebhooks!(
        context("int-far", "read_write", "s3cret", reached),
        new AbortController().signal,
      ),
    ).toEqual({ healthy: [...WEBHOOK_TOPICS], repaired: [], gapSuspected: false, problems: [] });
  });

  it("re-activates a disabled one, re-creates a deleted one, removes a duplicate, and suspects a gap", async () => {
    const ctx = context("int-b");
    await platform.maintainWebhooks!(ctx, new AbortController().signal);
    const [disabled, deleted, duplicated] = ["order.updated", "customer.created", "product.updated"].map(
      (topic) => ours("int-b").find((w) => w.topic === topic)!,
    );
    woo.store.updateWebhook(disabled.id, { status: "disabled" });
    woo.store.deleteWebhook(deleted.id);
    woo.store.createWebhook(
      { name: "copy", topic: duplicated.topic, delivery_url: duplicated.deliveryUrl, secret: "x" },
      1,
    );

    const report = await platform.maintainWebhooks!(ctx, new AbortController().signal);
    expect(report.gapSuspected).toBe(true);
    expect(report.repaired).toEqual(
      expect.arrayContaining([
        { topic: "order.updated", action: "reactivated", reason: "was disabled" },
        { topic: "customer.created", action: "created", reason: "missing" },
      ]),
    );
    expect(woo.store.webhooks.get(disabled.id)!.status).toBe("active");
    expect(ours("int-b")).toHaveLength(WEBHOOK_TOPICS.length);
    expect(ours("int-b").filter((w) => w.topic === "product.updated")).toHaveLength(1);
  });

  it("points webhooks left at an old app address back at the current one", async () => {
    const ctx = context("int-c");
    await platform.maintainWebhooks!(ctx, new AbortController().signal);
    const moved = ours("int-c").find((w) => w.topic === "order.created")!;
    woo.store.updateWebhook(moved.id, {
      delivery_url: "https://old-app.example/api/webhooks/woocommerce?integration=int-c",
    });
    const report = await platform.maintainWebhooks!(ctx, new AbortController().signal);
    expect(report.repaired).toEqual([
      { topic: "order.created", action: "recreated", reason: "delivered to an old address" },
    ]);
    expect(woo.store.webhooks.get(moved.id)!.deliveryUrl).toBe(deliveryUrlFor(appUrl, "int-c"));
  });

  it("reports a read-only key instead of failing, and remembers it in the settings as they are now", async () => {
    const written: unknown[] = [];
    const updatedAt = new Date("2026-01-01T00:00:00Z");
    // The settings as stored now (another key written since the context was loaded) are the ones merged into.
    const fakeDb = {
      integration: {
        findUnique: async () => ({ settings: { reconcileIntervalMinutes: 15 }, updatedAt }),
        updateMany: async (args: { where: unknown; data: { settings: unknown } }) => {
          written.push(args);
          return { count: 1 };
        },
      },
    };
    const report = await platform.maintainWebhooks!(
      { ...context("int-d", "read"), db: fakeDb as never },
      new AbortController().signal,
    );
    expect(report.problems).toEqual([READ_ONLY_PROBLEM]);
    expect(report.problemCodes).toEqual({ [READ_ONLY_PROBLEM]: "woocommerce_read_only" });
    // A state the owner's key puts the store in, not a breakage: shown, never flagged as needing attention.
    expect(report.accepted).toEqual([READ_ONLY_PROBLEM]);
    expect(ours("int-d")).toHaveLength(0);
    expect(written).toEqual([
      {
        where: { id: "int-d", updatedAt, settings: { equals: { reconcileIntervalMinutes: 15 } } },
        data: {
          settings: { reconcileIntervalMinutes: 15, woocommerce: { readOnly: true } },
          updatedAt: expect.any(Date),
        },
      },
    ]);
  });

  it("reports a missing webhook secret, with the code that lets the store's page offer Reconnect", async () => {
    const ctx = context("int-ns");
    const report = await platform.maintainWebhooks!(
      { ...ctx, webhookSecret: null },
      new AbortController().signal,
    );
    expect(report.problems).toEqual([expect.stringMatching(/^No webhook secret is stored for this store/)]);
    expect(report.problemCodes).toEqual({ [report.problems[0]]: "webhook_secret_missing" });
    expect(ours("int-ns")).toHaveLength(0);
  });

  it("asks nothing of a store already known to have a read-only key, and reports the accepted state", async () => {
    const ctx = context("int-ro", "read");
    const calls: string[] = [];
    const report = await platform.maintainWebhooks!(
      {
        ...ctx,
        integration: { ...ctx.integration, settings: { woocommerce: { readOnly: true } } },
        recordCall: (call) => calls.push(call.operation),
      },
      new AbortController().signal,
    );
    expect(report).toEqual({
      healthy: [],
      repaired: [],
      gapSuspected: false,
      problems: [READ_ONLY_PROBLEM],
      accepted: [READ_ONLY_PROBLEM],
    });
    expect(calls).toEqual([]);
  });

  it("removes only this integration's webhooks on disconnect, and says so when the store is dead", async () => {
    const ctx = context("int-e");
    await platform.maintainWebhooks!(ctx, new AbortController().signal);
    const others = ours("int-a").length;
    await platform.disconnect!(ctx, new AbortController().signal);
    expect(ours("int-e")).toHaveLength(0);
    expect(ours("int-a")).toHaveLength(others);
    woo.addFault({ type: "error", status: 503, persistent: true });
    // The disconnect service records the failure (storeCleanup: failed) and disconnects anyway.
    await expect(platform.disconnect!(context("int-a"), new AbortController().signal)).rejects.toThrow();
    woo.clearFaults();
  });

  it("stops cleaning up a store that does not answer when the disconnect's deadline aborts it", async () => {
    const ctx = context("int-f");
    await platform.maintainWebhooks!(ctx, new AbortController().signal);
    woo.addFault({ type: "timeout", persistent: true });
    const started = Date.now();
    const deadline = AbortSignal.timeout(300);
    await expect(platform.disconnect!(ctx, deadline)).rejects.toThrow();
    // Without the signal the client would wait for its 30 s timeout, five times over.
    expect(Date.now() - started).toBeLessThan(5_000);
    woo.clearFaults();
    expect(ours("int-f").length).toBeGreaterThan(0);
  });
});
