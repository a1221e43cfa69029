/**
 * A shop's life with the app, against the emulator: install through token exchange (embedded) and through the
 * authorization-code grant (bad HMAC and bad state refused, nothing stored), expiring offline tokens refreshed so a
 * sync outlives them, uninstall (disconnected, sessions gone, data kept), reinstall, and the three compliance topics
 * (idempotent, audited).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineSessionId } from "../../app/platforms/shopify/access-token.server";
import {
  completeShopifyAuthorization,
  beginShopifyAuthorization,
} from "../../app/integrations/shopify-oauth.server";
import { runSync } from "../../app/sync/engine.server";
import { UNINSTALLED_REASON } from "../../app/jobs/webhook-job.server";
import { isAppError } from "../../app/lib/errors";
import { queryHmac } from "../../app/platforms/shopify/oauth.server";
import { SYNC_WEBHOOK_TOPICS } from "../../app/platforms/shopify/webhook-subscriptions.server";
import { DATABASE_KINDS } from "../setup/db";
import { SHOP, startShopifyHarness, type ShopifyHarness } from "./shopify-harness";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

/** Shopify's callback query for an authorization started by the app (auto-approved by the emulator). */
async function approvedCallback(h: ShopifyHarness, shop = SHOP): Promise<Record<string, string>> {
  const { authUrl } = beginShopifyAuthorization(h.oauth, { shop, callbackPath: "/auth/callback" });
  const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
  return Object.fromEntries(new URL(approved.headers.get("Location")!).searchParams);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isAppError(error)).toBe(true);
  return (error as { code: string }).code;
}

describe.each(DATABASE_KINDS)("Shopify install and auth on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, {
      install: false,
      emulator: { shops: ["second.myshopify.com", "third.myshopify.com"] },
    });
  });
  afterAll(async () => h?.close());

  it("installs an embedded shop through token exchange: session stored sealed, integration, webhooks, first sync", async () => {
    const minted = (await (await fetch(`${h.emu.url}/_emulator/session-token?shop=${SHOP}`)).json()) as {
      token: string;
    };
    const host = Buffer.from(`${SHOP}/admin`).toString("base64").replace(/=+$/, "");
    const request = new Request(`${h.appUrl}/app?embedded=1&shop=${SHOP}&host=${host}`, {
      headers: { Authorization: `Bearer ${minted.token}` },
    });
    const { session } = await h.shopify.authenticate.admin(request);
    expect(session.shop).toBe(SHOP);
    expect(session.refreshToken).toBeTruthy();
    const row = await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } });
    expect(row.accessToken).toMatch(/^enc:v1:/);
    const integration = await h.db.integration.findUniqueOrThrow({
      where: { platform_storeKey: { platform: "shopify", storeKey: SHOP } },
    });
    expect(integration.status).toBe("connected");
    expect(h.emu.context.shops.get(SHOP)!.webhookSubscriptions.size).toBe(10);
    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { integrationId: integration.id, action: "shopify.install.completed" },
    });
    expect(audit.detail).toMatchObject({ created: true, fullSyncEnqueued: true, problems: [] });
    expect(JSON.stringify(audit.detail)).toContain("graphql:WebhookSubscriptionCreate");
  });

  it("installs through the authorization-code grant, counting the code exchange in the audit trail", async () => {
    const params = await approvedCallback(h, "second.myshopify.com");
    const result = await completeShopifyAuthorization(h.oauth, params);
    expect(result).toMatchObject({ shop: "second.myshopify.com", created: true, fullSyncEnqueued: true });
    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { integrationId: result.integrationId, action: "shopify.install.completed" },
    });
    expect(JSON.stringify(audit.detail)).toContain("oauth:authorization_code");
    expect(JSON.stringify(audit.detail)).not.toMatch(/shpat_|shprt_/);
  });

  it("refuses a callback with a bad HMAC, a bad or expired state, or another browser's nonce — storing nothing", async () => {
    const shop = "third.myshopify.com";
    const params = await approvedCallback(h, shop);
    expect(await refusal(completeShopifyAuthorization(h.oauth, { ...params, code: "forged" }))).toBe(
      "shopify_oauth_hmac_invalid",
    );
    const other = await approvedCallback(h, SHOP);
    // A state made for another shop, signed into a genuine-looking callback for this one.
    const { authUrl } = beginShopifyAuthorization(h.oauth, { shop: SHOP, callbackPath: "/auth/callback" });
    const foreignState = new URL(authUrl).searchParams.get("state")!;
    const swapped: Record<string, string> = { ...params, state: foreignState };
    swapped.hmac = queryHmac(swapped, h.oauth.apiSecret);
    expect(await refusal(completeShopifyAuthorization(h.oauth, swapped))).toBe("shopify_oauth_state_invalid");
    const tampered: Record<string, string> = { ...params, state: `${params.state.slice(0, -4)}AAAA` };
    tampered.hmac = queryHmac(tampered, h.oauth.apiSecret);
    expect(await refusal(completeShopifyAuthorization(h.oauth, tampered))).toBe(
      "shopify_oauth_state_invalid",
    );
    const later = { ...h.oauth, now: () => new Date(Date.now() + 11 * 60_000) };
    expect(await refusal(completeShopifyAuthorization(later, params))).toBe("shopify_oauth_state_invalid");
    expect(await refusal(completeShopifyAuthorization(h.oauth, params, { nonce: "someone-else" }))).toBe(
      "shopify_oauth_state_invalid",
    );
    expect(other.shop).toBe(SHOP);
    expect(await h.db.session.count({ where: { shop } })).toBe(0);
    expect(await h.db.integration.count({ where: { storeKey: shop } })).toBe(0);
    // The genuine callback still works once.
    expect((await completeShopifyAuthorization(h.oauth, params)).shop).toBe(shop);
  });

  it("refuses to move a shop connected to one organization into another", async () => {
    const organization = await h.db.organization.create({ data: { name: "Someone else" } });
    const { authUrl } = beginShopifyAuthorization(h.oauth, {
      shop: SHOP,
      organizationId: organization.id,
      callbackPath: "/api/integrations/shopify/callback",
    });
    const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
    const params = Object.fromEntries(new URL(approved.headers.get("Location")!).searchParams);
    expect(await refusal(completeShopifyAuthorization(h.oauth, params))).toBe("shopify_shop_claimed");
  });
});

describe.each(DATABASE_KINDS)("expiring offline tokens on %s", (kind) => {
  let h: ShopifyHarness;
  let offsetMs = 0;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, {
      customers: 40,
      orders: 30,
      products: 5,
      emulator: { now: () => new Date(Date.now() + offsetMs) },
    });
  });
  afterAll(async () => h?.close());

  it("refreshes a token Shopify no longer accepts in the middle of a sync, and the sync completes", async () => {
    const before = await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } });
    let expired = false;
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "full",
      sources: h.platforms,
      onProgress: () => {
        // Two hours pass for Shopify: the one-hour token is dead, its refresh token is not.
        if (!expired) offsetMs += 2 * 3600_000;
        expired = true;
      },
    });
    expect(summary.status).toBe("succeeded");
    const after = await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } });
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
  });

  it("refreshes ahead of time when the stored token is about to expire", async () => {
    const storage = h.platform.sessionsFor(h.db);
    const session = (await storage.loadSession(offlineSessionId(SHOP)))!;
    session.expires = new Date(Date.now() + 60_000);
    await storage.storeSession(session);
    const summary = await runSync(h.db, {
      integrationId: h.integrationId,
      kind: "incremental",
      sources: h.platforms,
    });
    expect(summary.status).toBe("succeeded");
    const refreshed = (await storage.loadSession(offlineSessionId(SHOP)))!;
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(refreshed.expires!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });
});

describe.each(DATABASE_KINDS)("uninstall, reinstall and compliance on %s", (kind) => {
  let h: ShopifyHarness;
  beforeAll(async () => {
    h = await startShopifyHarness(kind, { customers: 60, orders: 50, products: 8, seed: 41, jobs: true });
    await eventually(
      () => h.db.syncRun.findFirst({ where: { integrationId: h.integrationId, finishedAt: { not: null } } }),
      (run) => run?.status === "succeeded",
    );
  });
  afterAll(async () => h?.close());

  async function compliance(topic: string, customerId?: bigint) {
    const res = await fetch(`${h.emu.url}/_emulator/webhooks/compliance`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop: SHOP, topic, ...(customerId ? { customerId: String(customerId) } : {}) }),
    });
    expect(res.status).toBeLessThan(300);
    await h.settleWebhooks();
  }

  const audited = (action: string) =>
    h.db.auditLog.count({ where: { integrationId: h.integrationId, action } });

  it("answers customers/data_request with an export of what is held about the customer, once per request", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;
    await compliance("customers/data_request", order.customerId!);
    await eventually(
      () => audited("customer.data_request"),
      (n) => n === 1,
    );
    // The export file is written just after the audit entry: wait until it is complete.
    const dir = h.exportDir;
    const read = async () => {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(h.integrationId)) : [];
      try {
        return files.map(
          (f) =>
            JSON.parse(readFileSync(join(dir, f), "utf8")) as {
              request: { customerExternalId: string };
              orders: unknown[];
            },
        );
      } catch {
        return [];
      }
    };
    const documents = await eventually(read, (docs) => docs.length > 0);
    expect(documents).toHaveLength(1);
    const document = documents[0];
    expect(document.request.customerExternalId).toBe(`gid://shopify/Customer/${order.customerId}`);
    expect(document.orders.length).toBeGreaterThanOrEqual(1);
  });

  it("redacts a customer on customers/redact (and a repeated request changes nothing more)", async () => {
    const shop = h.emu.context.shops.get(SHOP)!;
    const customer = [...shop.customers.values()].find((c) => c.email)!;
    await compliance("customers/redact", customer.id);
    await eventually(
      () => audited("customer.redact"),
      (n) => n === 1,
    );
    const link = await h.db.contactSource.findFirst({
      where: { integrationId: h.integrationId, externalId: `gid://shopify/Customer/${customer.id}` },
    });
    expect(link).toBeNull();
    const contact = await h.db.contact.findFirst({ where: { email: customer.email!.toLowerCase() } });
    expect(contact).toBeNull();
    await compliance("customers/redact", customer.id);
    await eventually(
      () => audited("customer.redact"),
      (n) => n === 2,
    );
  });

  it("disconnects on app/uninstalled, removes the shop's sessions and keeps its data", async () => {
    const orders = await h.db.order.count({ where: { integrationId: h.integrationId } });
    const res = await fetch(`${h.emu.url}/_emulator/shops/${SHOP}/uninstall`, { method: "POST" });
    expect(res.status).toBe(200);
    await h.settleWebhooks();
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(integration.status).toBe("disconnected");
    expect(integration.statusReason).toBe(UNINSTALLED_REASON);
    expect(await h.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await h.db.order.count({ where: { integrationId: h.integrationId } })).toBe(orders);
    // Shopify deleted the app's API-made subscriptions with the install.
    expect(h.emu.context.shops.get(SHOP)!.webhookSubscriptions.size).toBe(0);
  });

  it("reconnects the same integration on reinstall and syncs again", async () => {
    await fetch(`${h.emu.url}/_emulator/shops/${SHOP}/install`, { method: "POST" });
    const started = new Date(Date.now() - 1_000);
    const integrationId = await h.installByAuthorizationCode();
    expect(integrationId).toBe(h.integrationId);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(integration.status).not.toBe("disconnected");
    expect(await audited("integration.reconnected")).toBe(1);
    // A reinstall registers the data topics again (Shopify does not bring them back).
    const subs = [...h.emu.context.shops.get(SHOP)!.webhookSubscriptions.values()];
    expect(subs).toHaveLength(SYNC_WEBHOOK_TOPICS.length);
    expect(new Set(subs.map((s) => s.uri))).toEqual(
      new Set([`${h.appUrl.replace("http:", "https:")}/api/webhooks/shopify`]),
    );
    const run = await eventually(
      () =>
        h.db.syncRun.findFirst({
          where: { integrationId, kind: "full", startedAt: { gte: started }, finishedAt: { not: null } },
        }),
      (r) => r !== null,
    );
    expect(run!.status).toBe("succeeded");
  });

  it("ignores an app/uninstalled delivered after the merchant reinstalled: the stored token still works", async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${h.emu.url}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    // Shopify holds the uninstall's delivery back (a retry, a delay): the app sees it only after the reinstall.
    expect((await control("/_emulator/webhooks/faults", { reorderWindow: 50 })).status).toBe(200);
    expect((await control(`/_emulator/shops/${SHOP}/uninstall`, {})).status).toBe(200);
    await control(`/_emulator/shops/${SHOP}/install`, {});
    await h.installByAuthorizationCode();
    const sessionBefore = await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } });
    const disconnects = await audited("integration.disconnected");
    await fetch(`${h.emu.url}/_emulator/webhooks/faults`, { method: "DELETE" });
    await h.settleWebhooks();

    const late = await h.db.webhookEvent.findMany({
      where: { topic: "app/uninstalled", storeKey: SHOP },
      orderBy: { receivedAt: "desc" },
      take: 1,
    });
    expect(late[0]).toMatchObject({ status: "ignored" });
    expect(late[0].lastError).toMatch(/reinstalled/);
    const integration = await h.db.integration.findUniqueOrThrow({ where: { id: h.integrationId } });
    expect(integration.status).not.toBe("disconnected");
    expect(await audited("integration.disconnected")).toBe(disconnects);
    const sessionAfter = await h.db.session.findUniqueOrThrow({ where: { id: offlineSessionId(SHOP) } });
    expect(sessionAfter.accessToken).toBe(sessionBefore.accessToken);
  });

  it("deletes everything the shop fed on shop/redact", async () => {
    await compliance("shop/redact");
    await eventually(
      () => audited("shop.purge"),
      (n) => n === 1,
    );
    expect(await h.db.order.count({ where: { integrationId: h.integrationId } })).toBe(0);
    expect(await h.db.product.count({ where: { integrationId: h.integrationId } })).toBe(0);
    expect(await h.db.contactSource.count({ where: { integrationId: h.integrationId } })).toBe(0);
  });
});
