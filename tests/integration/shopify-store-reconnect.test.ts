/**
 * Reconnecting a disconnected Shopify store from its page in the embedded app (ADR 0059), through the app's own route
 * modules (routes-harness) against the Shopify emulator: the shop installs by opening the app, its page disconnects
 * it keeping the data (the shop's session is kept), then its page's Reconnect runs the install bookkeeping again —
 * connected, an `integration.reconnected` audit entry, the webhooks back in the shop, a full sync queued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_SCOPES } from "../../app/env.server";
import { startShopifyEmulator, type RunningShopifyEmulator } from "../../emulators/shopify/server";
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from "../setup/db";
import { loadRoutes, TEST_APP, type RouteHarness, forgetShopifyServices } from "./routes-harness";

const SHOP = "reconnect.myshopify.com";
const OTHER_SHOP = "other-reconnect.myshopify.com";

describe.each(DATABASE_KINDS)("reconnecting a disconnected Shopify store from its page on %s", (kind) => {
  let t: TestDatabase;
  let api: RouteHarness;
  let shopify: RunningShopifyEmulator;
  let integrationId = "";

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    shopify = await startShopifyEmulator({
      customers: 3,
      orders: 3,
      products: 2,
      shops: [SHOP],
      app: { apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret, appUrl: TEST_APP.appUrl },
      webhooks: { timeScale: 0 },
    });
    Object.assign(process.env, { SHOPIFY_EMULATOR_URL: shopify.url, SCOPES: SHOPIFY_SCOPES.join(",") });
    // The process's services are built once per process from the environment: start from scratch.
    forgetShopifyServices();
    api = await loadRoutes(t);
  });
  afterAll(async () => {
    await api?.close();
    await shopify?.close();
    forgetShopifyServices();
    delete process.env.SHOPIFY_EMULATOR_URL;
    await t?.cleanup();
  });

  const token = async () =>
    ((await (await fetch(`${shopify.url}/_emulator/session-token?shop=${SHOP}`)).json()) as { token: string })
      .token;
  const subscriptions = () => [...shopify.context.shops.get(SHOP)!.webhookSubscriptions.values()];
  const store = (id = integrationId) => t.db.integration.findUniqueOrThrow({ where: { id } });
  const queuedFullSyncs = async (id = integrationId) =>
    (await api.queue.listJobs({ status: "queued" })).filter(
      (j) => j.kind === "sync.full" && (j.payload as { integrationId?: string }).integrationId === id,
    );
  /**
   * Runs the queued full syncs with a handler that does nothing (either backend), so the install's first one is out of
   * the way and the reconnect's own is what the queue holds afterwards.
   */
  const runQueuedFullSyncs = async () => {
    const worker = new AbortController();
    await api.queue.work(
      { "sync.full": async () => undefined },
      { workerId: "test-drain", pollIntervalMs: 25, signal: worker.signal },
    );
    const deadline = Date.now() + 20_000;
    while (
      (await queuedFullSyncs()).length > 0 ||
      (await api.queue.listJobs({ status: "running" })).length > 0
    ) {
      if (Date.now() > deadline) throw new Error("The queued full syncs did not run.");
      await new Promise((r) => setTimeout(r, 50));
    }
    worker.abort();
  };
  /** The store page's action, as its form posts it (session token in the header, as App Bridge sends it). */
  const post = async (fields: Record<string, string>, id = integrationId) => {
    const response = await api.call("app.integrations.$id.tsx", {
      method: "POST",
      path: `/app/integrations/${id}`,
      params: { id },
      token: await token(),
      body: new URLSearchParams(fields).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; message: string } };
  };
  const page = async (id = integrationId) => {
    const response = await api.call("app.integrations.$id.tsx", {
      path: `/app/integrations/${id}`,
      params: { id },
      token: await token(),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { ownShop: boolean; reconnectNote: string | null };
  };

  it("installs the shop on its first opening (token exchange, afterAuth)", async () => {
    const host = Buffer.from(`${SHOP}/admin`).toString("base64").replace(/=+$/, "");
    const layout = await api.call("app.tsx", {
      path: `/app?embedded=1&shop=${SHOP}&host=${host}`,
      token: await token(),
    });
    expect(layout.status).toBe(200);
    integrationId = (
      await t.db.integration.findUniqueOrThrow({
        where: { platform_storeKey: { platform: "shopify", storeKey: SHOP } },
      })
    ).id;
    expect((await store()).status).toBe("connected");
    expect(subscriptions().length).toBeGreaterThanOrEqual(10);
    // A real install's first full sync is still the install's.
    const [firstSync] = await queuedFullSyncs();
    expect((firstSync.payload as { triggeredBy?: string }).triggeredBy).toBe("install");
    expect(await page()).toMatchObject({ ownShop: true, reconnectNote: null });
  });

  it("refuses to reconnect a store that is connected", async () => {
    const answer = await post({ intent: "reconnect" });
    expect(answer).toEqual({
      status: 409,
      body: {
        ok: false,
        message: "This store is already connected: only a disconnected store can be reconnected.",
      },
    });
  });

  it("GIVEN the store disconnected with its data kept WHEN its page's Reconnect is used THEN it is connected again, audited, its webhooks are back and a full sync is queued", async () => {
    const webhookTopics = subscriptions()
      .map((s) => s.topic)
      .sort();
    await runQueuedFullSyncs();
    const disconnected = await post({ intent: "disconnect", keepData: "true" });
    expect(disconnected.body).toEqual({ ok: true, message: "Store disconnected; its data was kept." });
    expect((await store()).status).toBe("disconnected");
    expect(subscriptions()).toEqual([]);
    // The shop's session is kept: opening the app again is no install (which is why the page reconnects).
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBeGreaterThan(0);
    expect(await queuedFullSyncs()).toEqual([]);

    const reconnected = await post({ intent: "reconnect" });
    expect(reconnected).toEqual({
      status: 200,
      body: { ok: true, message: "Store reconnected; a full sync started." },
    });
    expect(await store()).toMatchObject({ status: "connected", statusReason: null, disconnectedAt: null });
    const audit = await t.db.auditLog.findMany({
      where: { integrationId, action: "integration.reconnected" },
    });
    expect(audit).toEqual([expect.objectContaining({ actor: `merchant:${SHOP}` })]);
    expect(
      subscriptions()
        .map((s) => s.topic)
        .sort(),
    ).toEqual(webhookTopics);
    const [fullSync] = await queuedFullSyncs();
    expect(await queuedFullSyncs()).toHaveLength(1);
    // The history shows it started by the merchant ("Full · by the merchant"), not "on install".
    expect((fullSync.payload as { triggeredBy?: string }).triggeredBy).toBe(`merchant:${SHOP}`);
    // Once more: the store is connected now.
    expect((await post({ intent: "reconnect" })).status).toBe(409);
  });

  it("refuses another shop's Shopify store of the same organization, which its page says to reconnect from that shop", async () => {
    const { organizationId } = await store();
    const other = await t.db.integration.create({
      data: {
        organizationId,
        platform: "shopify",
        name: "Other shop",
        storeKey: OTHER_SHOP,
        status: "disconnected",
        statusReason: "Disconnected. Synced contacts, orders and products were kept.",
        disconnectedAt: new Date(),
      },
    });
    const sentence = `Open Commerce Sync from ${OTHER_SHOP}'s Shopify admin to reconnect it.`;
    expect(await page(other.id)).toMatchObject({ ownShop: false, reconnectNote: sentence });
    expect(await post({ intent: "reconnect" }, other.id)).toEqual({
      status: 409,
      body: { ok: false, message: sentence },
    });
    expect((await store(other.id)).status).toBe("disconnected");
  });

  it("GIVEN Shopify refuses the kept token (access revoked) WHEN Reconnect is used THEN the refused session is replaced by new access from Shopify and the store is reconnected with it", async () => {
    await runQueuedFullSyncs();
    await post({ intent: "disconnect", keepData: "true" });
    const reconnectedAudits = () =>
      t.db.auditLog.count({ where: { integrationId, action: "integration.reconnected" } });
    const auditsBefore = await reconnectedAudits();
    const [refusedSession] = await t.db.session.findMany({ where: { shop: SHOP } });
    const revoked = await fetch(`${shopify.url}/_emulator/tokens/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP }),
    });
    expect(revoked.status).toBe(200);

    const answer = await post({ intent: "reconnect" });
    expect(answer).toEqual({
      status: 200,
      body: {
        ok: true,
        message:
          "Store reconnected with new access from Shopify, which no longer accepted the access kept since the " +
          "disconnect; a full sync started.",
      },
    });
    // The refused token was not used to turn the store on: the check came first, and its session was removed.
    expect(
      await t.db.auditLog.findFirst({ where: { integrationId, action: "shopify.reconnect.withheld" } }),
    ).toMatchObject({
      actor: `merchant:${SHOP}`,
      detail: expect.objectContaining({ shop: SHOP, accessRefused: true, sessionRemoved: true }),
    });
    // The token exchange stored new access, and afterAuth's install reconnected the store with it: connected, one
    // "reconnected" entry, the webhooks back (Shopify accepted the new token), a full sync queued.
    const sessions = await t.db.session.findMany({ where: { shop: SHOP } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0].accessToken).not.toBe(refusedSession.accessToken);
    expect(await store()).toMatchObject({ status: "connected", statusReason: null, disconnectedAt: null });
    expect(await reconnectedAudits()).toBe(auditsBefore + 1);
    // Started by the merchant who pressed Reconnect (as a reconnect with a working token records it), not "on install".
    const [fullSync] = await queuedFullSyncs();
    expect((fullSync.payload as { triggeredBy?: string }).triggeredBy).toBe(`merchant:${SHOP}`);
    expect(subscriptions().length).toBeGreaterThanOrEqual(10);
  });
});
