/**
 * Connecting a WooCommerce store by key, and connecting it again: what is saved and created, what the store's pages
 * then show (an app the store cannot reach, PHP notices, a revoked key replaced), and whose organization it joins.
 * What a connect refuses is in woocommerce-connect-refusals.server.test.ts; https stores whose key cannot travel as
 * HTTP Basic and a store in a sub-directory in woocommerce-connect-transport.server.test.ts.
 */
import { describe, expect, it } from "vitest";
import { startWooEmulator } from "../../emulators/woocommerce/server";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { open } from "../crypto/encryption.server";
import { wooSettingsOf } from "../platforms/woocommerce/settings";
import { storeSource, testPlatform } from "../platforms/woocommerce/testing/harness";
import { WEBHOOK_TOPICS } from "../platforms/woocommerce/webhooks.server";
import type { AppDb } from "../sync/platform";
import { connectWooCommerce } from "./woocommerce-connect.server";
import { runSync } from "../sync/engine.server";
import { accessRestoredAt } from "./display-status";
import { getIntegration, listIntegrations } from "./integrations-view.server";
import { updateSyncSchedule } from "./sync-schedule.server";
import { keyring, useConnectFixture } from "./testing/woo-connect";

describe.each(DATABASE_KINDS)("WooCommerce connect by key on %s", (kind) => {
  const fx = useConnectFixture(kind, {
    emulator: {
      counts: { customers: 3, orders: 3, products: 2 },
      siteName: "Acme Store",
      autoDeliver: false,
    },
  });
  const { queued, key, appWebhooks } = fx;

  it("says plainly when the store cannot reach the app (no creation ping), and clears it once the store can", async () => {
    // An app address nothing answers (port 9): the store creates the webhooks, but its pings go nowhere.
    const far = testPlatform({ appUrl: "http://127.0.0.1:9" });
    try {
      const k = key();
      const result = await connectWooCommerce(
        { ...fx.deps, connector: far.connector },
        { storeUrl: fx.woo.url, ...k, actor: "woo-owner" },
      );
      if (!result.success) throw new Error(result.error.message);
      expect(result.webhooks.active).toBe(WEBHOOK_TOPICS.length);
      expect(result.webhooks.problems).toEqual([
        expect.stringMatching(/^The store could not reach Commerce Sync at http:\/\/127\.0\.0\.1:9: /),
      ]);
      // Stored, so the store's pages say it at once, and the store is not shown as Connected.
      const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
      expect((row.webhookHealth as { problems: string[] }).problems).toEqual(result.webhooks.problems);
      // The status the pages show (the overview, the store page and the API all read it here).
      const [owned] = await listIntegrations(fx.t.db as unknown as AppDb, result.organizationId);
      expect(owned).toMatchObject({ status: "needs_attention", statusReason: result.webhooks.problems[0] });

      // The app's address is fixed: reconnecting re-creates a webhook, its ping arrives, the problem is gone.
      const again = await connectWooCommerce(fx.deps, { storeUrl: fx.woo.url, ...k, actor: "woo-owner" });
      if (!again.success) throw new Error(again.error.message);
      expect(again.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
      const [fixed] = await listIntegrations(fx.t.db as unknown as AppDb, result.organizationId);
      expect(fixed).toMatchObject({ status: "connected", statusReason: null });
      await fx.deps.connector.deleteWebhooks(fx.deps.connector.client(fx.woo.url, k), result.integrationId);
      await fx.t.db.integration.delete({ where: { id: result.integrationId } });
    } finally {
      far.close();
    }
  });

  it("connects: store facts, sealed credentials and secret, eleven webhooks, a first full sync", async () => {
    const k = key();
    const result = await connectWooCommerce(fx.deps, {
      storeUrl: `${fx.woo.url}/`,
      ...k,
      actor: "woo-owner",
    });
    if (!result.success) throw new Error(result.error.message);
    expect(result).toMatchObject({
      created: true,
      readOnly: false,
      store: { url: fx.woo.url, name: "Acme Store", wooCommerceVersion: "11.0.1", currency: "USD" },
      webhooks: { active: WEBHOOK_TOPICS.length, problems: [] },
      initialSync: "full",
    });
    expect(queued).toEqual([{ integrationId: result.integrationId, full: true }]);

    const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(row).toMatchObject({
      platform: "woocommerce",
      storeKey: fx.woo.url,
      name: "Acme Store",
      status: "connected",
    });
    expect(row.credentials).not.toContain(k.consumerSecret);
    expect(row.credentials).not.toContain(k.consumerKey);
    const credentials = JSON.parse(open(keyring, row.credentials!, `integration:${row.id}:credentials`));
    expect(credentials).toMatchObject(k);
    const secret = open(keyring, row.webhookSecret!, `integration:${row.id}:webhookSecret`);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(wooSettingsOf(row.settings)).toMatchObject({
      currency: "USD",
      wooCommerceVersion: "11.0.1",
      readOnly: false,
    });

    const hooks = appWebhooks();
    expect(hooks.map((h) => h.topic).sort()).toEqual([
      "customer.created",
      "customer.deleted",
      "customer.updated",
      "order.created",
      "order.deleted",
      "order.restored",
      "order.updated",
      "product.created",
      "product.deleted",
      "product.restored",
      "product.updated",
    ]);
    for (const h of hooks) {
      expect(h.deliveryUrl).toBe(`${fx.intake.url}/api/webhooks/woocommerce?integration=${row.id}`);
      expect(h.secret).toBe(secret);
      expect(h.status).toBe("active");
    }
    const audit = await fx.t.db.auditLog.findMany({ where: { integrationId: row.id } });
    expect(audit.map((a) => a.action)).toEqual(["integration.connected"]);
    expect(JSON.stringify(audit)).not.toContain(k.consumerSecret);
  });

  it("reconnects the same store (any spelling) without a second integration or duplicate webhooks", async () => {
    const again = await connectWooCommerce(fx.deps, {
      storeUrl: `${fx.woo.url}/wp-admin/admin.php?page=wc-settings`,
      ...key(),
      actor: "woo-owner",
    });
    if (!again.success) throw new Error(again.error.message);
    expect(again.created).toBe(false);
    expect(
      await fx.t.db.integration.count({ where: { platform: "woocommerce", storeKey: fx.woo.url } }),
    ).toBe(1);
    expect(appWebhooks()).toHaveLength(WEBHOOK_TOPICS.length);
    expect(queued).toEqual([{ integrationId: again.integrationId, full: true }]); // never synced yet
  });

  it("connects a store printing PHP notices before every answer's headers: facts, webhooks and a notice; a clean reconnect clears it; notices only in the webhook registration's answers are saved too", async () => {
    fx.woo.addFault({ type: "php-notice", unbuffered: true, persistent: true });
    const noisy = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      ...key(),
      actor: "woo-owner",
    }).finally(() => fx.woo.clearFaults());
    if (!noisy.success) throw new Error(noisy.error.message);
    expect(noisy).toMatchObject({
      store: { name: "Acme Store", wooCommerceVersion: "11.0.1", currency: "USD" },
      webhooks: { active: WEBHOOK_TOPICS.length, problems: [] },
    });
    expect(noisy.store.phpNotice).toMatch(
      /^Notice: Function _load_textdomain_just_in_time was called incorrectly\./,
    );
    const settings = async () =>
      wooSettingsOf(
        (await fx.t.db.integration.findUniqueOrThrow({ where: { id: noisy.integrationId } })).settings,
      );
    expect((await settings()).phpNotice).toEqual({
      message: noisy.store.phpNotice,
      since: expect.any(String),
    });

    const clean = await connectWooCommerce(fx.deps, { storeUrl: fx.woo.url, ...key(), actor: "woo-owner" });
    if (!clean.success) throw new Error(clean.error.message);
    expect(clean.store.phpNotice).toBeUndefined();
    expect((await settings()).phpNotice).toBeNull();

    // Notices only where the connect registers webhooks (its connection test read clean): saved all the same.
    fx.woo.addFault({
      type: "php-notice",
      format: "text",
      persistent: true,
      pathPrefix: "/wp-json/wc/v3/webhooks",
    });
    const webhooksOnly = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      ...key(),
      actor: "woo-owner",
    }).finally(() => fx.woo.clearFaults());
    if (!webhooksOnly.success) throw new Error(webhooksOnly.error.message);
    expect(webhooksOnly.store.phpNotice).toMatch(/^Deprecated: Creation of dynamic property /);
    expect((await settings()).phpNotice?.message).toBe(webhooksOnly.store.phpNotice);
  });

  it("saves a PHP notice printed only into the keyless discovery's answer (/wp-json/), and names it", async () => {
    // One answer with a notice, unbuffered: a connect's first request, the REST index at /wp-json/ before any key
    // (200 text/html once the notice went out first; the index is read past it and names the store).
    fx.woo.addFault({
      type: "php-notice",
      format: "text",
      unbuffered: true,
      count: 1,
      pathPrefix: "/wp-json/",
    });
    const result = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      ...key(),
      actor: "woo-owner",
    }).finally(() => fx.woo.clearFaults());
    if (!result.success) throw new Error(result.error.message);
    expect(result.store).toMatchObject({ name: "Acme Store", currency: "USD" });
    expect(result.store.phpNotice).toMatch(/^Deprecated: Creation of dynamic property /);
    const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(wooSettingsOf(row.settings).phpNotice).toEqual({
      message: result.store.phpNotice,
      since: expect.any(String),
    });
  });

  it("keeps a schedule the merchant saved while a reconnect was asking the store", async () => {
    const existing = await fx.t.db.integration.findUniqueOrThrow({
      where: { platform_storeKey: { platform: "woocommerce", storeKey: fx.woo.url } },
    });
    const connector = {
      ...fx.deps.connector,
      // The merchant saves the store's schedule after the reconnect read the row, before it writes it.
      ensureWebhooks: async (...args: Parameters<typeof fx.deps.connector.ensureWebhooks>) => {
        await updateSyncSchedule(fx.t.db, {
          organizationId: existing.organizationId,
          integrationId: existing.id,
          actor: "merchant:test",
          interval: 15,
          window: "off",
        });
        return fx.deps.connector.ensureWebhooks(...args);
      },
    };
    const again = await connectWooCommerce(
      { ...fx.deps, connector },
      { storeUrl: fx.woo.url, ...key(), actor: "woo-owner" },
    );
    if (!again.success) throw new Error(again.error.message);
    const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: existing.id } });
    expect(row.settings).toMatchObject({
      reconcileIntervalMinutes: 15,
      fullResyncWindowUtc: "off",
      woocommerce: { storeName: "Acme Store", currency: "USD", readOnly: false },
    });
  });

  it("shows a store reconnected after its key was revoked as connected before the next sync; a later failure counts again", async () => {
    const revokedStore = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      autoDeliver: false,
    });
    const db = fx.t.db as unknown as AppDb;
    const pasted = (permissions: "read" | "read_write") => {
      const k = revokedStore.createKey(permissions);
      return { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret };
    };
    const sync = async (credentials: { consumerKey: string; consumerSecret: string }) => {
      const row = await fx.t.db.integration.findFirstOrThrow({ where: { storeKey: revokedStore.url } });
      const source = await storeSource(fx.platform, db, row, credentials);
      return runSync(db, { integrationId: row.id, kind: "incremental", source });
    };
    const revoke = async (key: { consumerKey: string }) => {
      const answer = await fetch(`${revokedStore.url}/_emulator/keys/${key.consumerKey}`, {
        method: "DELETE",
      });
      expect(answer.status).toBe(200);
    };
    try {
      const first = pasted("read_write");
      const connected = await connectWooCommerce(fx.deps, {
        storeUrl: revokedStore.url,
        ...first,
        actor: "woo-owner",
      });
      if (!connected.success) throw new Error(connected.error.message);
      const { organizationId, integrationId } = connected;
      // What the overview (the store list) and the store's page show.
      const shown = async () => {
        const [listed] = await listIntegrations(db, organizationId);
        const page = await getIntegration(db, organizationId, integrationId);
        expect(page.status).toBe(listed.status);
        expect(page.statusReason).toBe(listed.statusReason);
        return { status: listed.status, statusReason: listed.statusReason };
      };
      expect((await sync(first)).status).toBe("succeeded");

      // The owner revokes the key in WooCommerce → Settings → Advanced → REST API: the next sync is refused.
      await revoke(first);
      expect((await sync(first)).status).toBe("failed");
      const refused = await shown();
      expect(refused.status).toBe("needs_attention");
      // The key worked until now: the store refused it, which a copy mistake does not explain.
      expect(refused.statusReason).toMatch(
        /^A store read failed: The store refused Commerce Sync's API key \(401\)\. WooCommerce said: "Consumer key is invalid\." \(woocommerce_rest_authentication_error\)\. The key may have been revoked or deleted in WooCommerce → Settings → Advanced → REST API\./,
      );
      expect(refused.statusReason).not.toMatch(/copied/);
      const code = async () =>
        (await fx.t.db.integration.findUniqueOrThrow({ where: { id: integrationId } })).statusCode;
      // Kept with its code: a refused key, which a new key mends (Reconnect is offered).
      expect(await code()).toBe("woocommerce_auth");

      // Reconnected with a new key: the store accepted it, so the old key's failure no longer describes the store.
      const second = pasted("read_write");
      const again = await connectWooCommerce(fx.deps, {
        storeUrl: revokedStore.url,
        ...second,
        actor: "woo-owner",
      });
      if (!again.success) throw new Error(again.error.message);
      expect(again.integrationId).toBe(integrationId);
      expect(await shown()).toEqual({ status: "connected", statusReason: null });
      expect(await code()).toBeNull();
      // No sync ran since: the history keeps the failed run.
      expect(await fx.t.db.syncRun.count({ where: { integrationId, status: "failed" } })).toBe(1);
      const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
      expect(accessRestoredAt(row.settings)).toBeInstanceOf(Date);

      // A failure after the reconnect counts again.
      await revoke(second);
      expect((await sync(second)).status).toBe("failed");
      expect((await shown()).status).toBe("needs_attention");
    } finally {
      await revokedStore.close();
    }
  });

  it("connects into a given organization, and refuses to take a store another organization holds", async () => {
    const org = await fx.t.db.organization.create({ data: { name: "Shopify merchant" } });
    const other = await startWooEmulator({
      counts: { customers: 1, orders: 1, products: 1 },
      autoDeliver: false,
    });
    try {
      const k = other.createKey("read_write");
      const result = await connectWooCommerce(fx.deps, {
        storeUrl: other.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        organizationId: org.id,
        actor: "merchant:shop.myshopify.com",
      });
      expect(result).toMatchObject({ success: true, organizationId: org.id });
      const intruder = await fx.t.db.organization.create({ data: { name: "Someone else" } });
      const taken = await connectWooCommerce(fx.deps, {
        storeUrl: other.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        organizationId: intruder.id,
        actor: "merchant:other.myshopify.com",
      });
      expect(taken).toMatchObject({ success: false, error: { code: "store_in_other_organization" } });
    } finally {
      await other.close();
    }
  });
});
