import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { keyringFrom, open } from "../crypto/encryption.server";
import { ConnectLimitedError } from "../lib/connect-limits.server";
import { wooSettingsOf } from "../platforms/woocommerce/settings";
import { storeSource, testPlatform } from "../platforms/woocommerce/testing/harness";
import type { WooCommercePlatform } from "../platforms/woocommerce/index.server";
import { WEBHOOK_TOPICS } from "../platforms/woocommerce/webhooks.server";
import type { AppDb, StoreCall } from "../sync/platform";
import { connectWooCommerce, type WooConnectDeps } from "./woocommerce-connect.server";
import { runSync } from "../sync/engine.server";
import { accessRestoredAt } from "./display-status";
import { getIntegration, listIntegrations } from "./integrations-view.server";
import { updateSyncSchedule } from "./sync-schedule.server";
import { answerWooWebhook } from "./testing/woo-intake";

const keyring = keyringFrom(randomBytes(32).toString("base64"));

/**
 * The app's WooCommerce webhook address as the store sees it, for these tests: the real intake (creation pings are
 * recorded, anything else refused). Its URL is the platform's `appUrl`.
 */
async function startAppIntake(db: AppDb): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => answerWooWebhook({ db, keyring }, req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(DATABASE_KINDS)("WooCommerce connect by key on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let deps: WooConnectDeps;
  let intake: Awaited<ReturnType<typeof startAppIntake>>;
  const queued: Array<{ integrationId: string; full: boolean }> = [];
  const appWebhooks = () =>
    [...woo.store.webhooks.values()].filter((w) => w.deliveryUrl.includes("/api/webhooks/woocommerce"));

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      siteName: "Acme Store",
      autoDeliver: false,
    });
    // The store's creation pings reach the app's intake (a test below gives an address nothing answers).
    intake = await startAppIntake(t.db as unknown as AppDb);
    platform = testPlatform({ appUrl: intake.url });
    deps = {
      db: t.db as unknown as AppDb,
      keyring,
      connector: platform.connector,
      enqueueSync: async (integrationId, options) => {
        queued.push({ integrationId, full: options.full });
      },
    };
  });
  beforeEach(() => {
    queued.length = 0;
  });
  afterAll(async () => {
    platform?.close();
    await intake?.close();
    await woo?.close();
    await t?.cleanup();
  });

  const key = (permissions: "read" | "read_write" = "read_write") => {
    const k = woo.createKey(permissions);
    return { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret };
  };

  it("says plainly when the store cannot reach the app (no creation ping), and clears it once the store can", async () => {
    // An app address nothing answers (port 9): the store creates the webhooks, but its pings go nowhere.
    const far = testPlatform({ appUrl: "http://127.0.0.1:9" });
    try {
      const k = key();
      const result = await connectWooCommerce(
        { ...deps, connector: far.connector },
        { storeUrl: woo.url, ...k, actor: "woo-owner" },
      );
      if (!result.success) throw new Error(result.error.message);
      expect(result.webhooks.active).toBe(WEBHOOK_TOPICS.length);
      expect(result.webhooks.problems).toEqual([
        expect.stringMatching(/^The store could not reach Commerce Sync at http:\/\/127\.0\.0\.1:9: /),
      ]);
      // Stored, so the store's pages say it at once, and the store is not shown as Connected.
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
      expect((row.webhookHealth as { problems: string[] }).problems).toEqual(result.webhooks.problems);
      // The status the pages show (the overview, the store page and the API all read it here).
      const [owned] = await listIntegrations(t.db as unknown as AppDb, result.organizationId);
      expect(owned).toMatchObject({ status: "needs_attention", statusReason: result.webhooks.problems[0] });

      // The app's address is fixed: reconnecting re-creates a webhook, its ping arrives, the problem is gone.
      const again = await connectWooCommerce(deps, { storeUrl: woo.url, ...k, actor: "woo-owner" });
      if (!again.success) throw new Error(again.error.message);
      expect(again.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
      const [fixed] = await listIntegrations(t.db as unknown as AppDb, result.organizationId);
      expect(fixed).toMatchObject({ status: "connected", statusReason: null });
      await deps.connector.deleteWebhooks(deps.connector.client(woo.url, k), result.integrationId);
      await t.db.integration.delete({ where: { id: result.integrationId } });
    } finally {
      far.close();
    }
  });

  it("connects: store facts, sealed credentials and secret, eleven webhooks, a first full sync", async () => {
    const k = key();
    const result = await connectWooCommerce(deps, { storeUrl: `${woo.url}/`, ...k, actor: "woo-owner" });
    if (!result.success) throw new Error(result.error.message);
    expect(result).toMatchObject({
      created: true,
      readOnly: false,
      store: { url: woo.url, name: "Acme Store", wooCommerceVersion: "11.0.1", currency: "USD" },
      webhooks: { active: WEBHOOK_TOPICS.length, problems: [] },
      initialSync: "full",
    });
    expect(queued).toEqual([{ integrationId: result.integrationId, full: true }]);

    const row = await t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(row).toMatchObject({
      platform: "woocommerce",
      storeKey: woo.url,
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
      expect(h.deliveryUrl).toBe(`${intake.url}/api/webhooks/woocommerce?integration=${row.id}`);
      expect(h.secret).toBe(secret);
      expect(h.status).toBe("active");
    }
    const audit = await t.db.auditLog.findMany({ where: { integrationId: row.id } });
    expect(audit.map((a) => a.action)).toEqual(["integration.connected"]);
    expect(JSON.stringify(audit)).not.toContain(k.consumerSecret);
  });

  it("reconnects the same store (any spelling) without a second integration or duplicate webhooks", async () => {
    const again = await connectWooCommerce(deps, {
      storeUrl: `${woo.url}/wp-admin/admin.php?page=wc-settings`,
      ...key(),
      actor: "woo-owner",
    });
    if (!again.success) throw new Error(again.error.message);
    expect(again.created).toBe(false);
    expect(await t.db.integration.count({ where: { platform: "woocommerce", storeKey: woo.url } })).toBe(1);
    expect(appWebhooks()).toHaveLength(WEBHOOK_TOPICS.length);
    expect(queued).toEqual([{ integrationId: again.integrationId, full: true }]); // never synced yet
  });

  it("connects a store printing PHP notices before every answer's headers: facts, webhooks and a notice; a clean reconnect clears it; notices only in the webhook registration's answers are saved too", async () => {
    woo.addFault({ type: "php-notice", unbuffered: true, persistent: true });
    const noisy = await connectWooCommerce(deps, { storeUrl: woo.url, ...key(), actor: "woo-owner" }).finally(
      () => woo.clearFaults(),
    );
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
        (await t.db.integration.findUniqueOrThrow({ where: { id: noisy.integrationId } })).settings,
      );
    expect((await settings()).phpNotice).toEqual({
      message: noisy.store.phpNotice,
      since: expect.any(String),
    });

    const clean = await connectWooCommerce(deps, { storeUrl: woo.url, ...key(), actor: "woo-owner" });
    if (!clean.success) throw new Error(clean.error.message);
    expect(clean.store.phpNotice).toBeUndefined();
    expect((await settings()).phpNotice).toBeNull();

    // Notices only where the connect registers webhooks (its connection test read clean): saved all the same.
    woo.addFault({
      type: "php-notice",
      format: "text",
      persistent: true,
      pathPrefix: "/wp-json/wc/v3/webhooks",
    });
    const webhooksOnly = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      ...key(),
      actor: "woo-owner",
    }).finally(() => woo.clearFaults());
    if (!webhooksOnly.success) throw new Error(webhooksOnly.error.message);
    expect(webhooksOnly.store.phpNotice).toMatch(/^Deprecated: Creation of dynamic property /);
    expect((await settings()).phpNotice?.message).toBe(webhooksOnly.store.phpNotice);
  });

  it("saves a PHP notice printed only into the keyless discovery's answer (/wp-json/), and names it", async () => {
    // One answer with a notice, unbuffered: a connect's first request, /wp-json/ before any key (the emulator has no
    // REST index there: WordPress's no-route JSON, read past the notice, and the discovery goes on to the home page).
    woo.addFault({ type: "php-notice", format: "text", unbuffered: true, count: 1, pathPrefix: "/wp-json/" });
    const result = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      ...key(),
      actor: "woo-owner",
    }).finally(() => woo.clearFaults());
    if (!result.success) throw new Error(result.error.message);
    expect(result.store).toMatchObject({ name: "Acme Store", currency: "USD" });
    expect(result.store.phpNotice).toMatch(/^Deprecated: Creation of dynamic property /);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(wooSettingsOf(row.settings).phpNotice).toEqual({
      message: result.store.phpNotice,
      since: expect.any(String),
    });
  });

  it("keeps a schedule the merchant saved while a reconnect was asking the store", async () => {
    const existing = await t.db.integration.findUniqueOrThrow({
      where: { platform_storeKey: { platform: "woocommerce", storeKey: woo.url } },
    });
    const connector = {
      ...deps.connector,
      // The merchant saves the store's schedule after the reconnect read the row, before it writes it.
      ensureWebhooks: async (...args: Parameters<typeof deps.connector.ensureWebhooks>) => {
        await updateSyncSchedule(t.db, {
          organizationId: existing.organizationId,
          integrationId: existing.id,
          actor: "merchant:test",
          interval: 15,
          window: "off",
        });
        return deps.connector.ensureWebhooks(...args);
      },
    };
    const again = await connectWooCommerce(
      { ...deps, connector },
      { storeUrl: woo.url, ...key(), actor: "woo-owner" },
    );
    if (!again.success) throw new Error(again.error.message);
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: existing.id } });
    expect(row.settings).toMatchObject({
      reconcileIntervalMinutes: 15,
      fullResyncWindowUtc: "off",
      woocommerce: { storeName: "Acme Store", currency: "USD", readOnly: false },
    });
  });

  it("says the key was rejected, and writes nothing", async () => {
    const before = await t.db.integration.count();
    const k = key();
    const result = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      consumerKey: k.consumerKey,
      consumerSecret: `cs_${"0".repeat(40)}`,
      actor: "woo-owner",
    });
    expect(result).toMatchObject({
      success: false,
      error: {
        code: "woocommerce_auth",
        field: "consumerKey",
        // A key pasted a moment ago: a copy mistake is the likely cause.
        message: expect.stringMatching(
          /^WooCommerce rejected the API key \(401\)\..*The consumer secret does not match the key: check that it was copied whole\./,
        ),
      },
    });
    expect(await t.db.integration.count()).toBe(before);
    expect(queued).toEqual([]);

    // A key the store does not know (mistyped, another store's, or deleted there since it was copied).
    const deleted = key();
    await fetch(`${woo.url}/_emulator/keys/${deleted.consumerKey}`, { method: "DELETE" });
    const unknown = await connectWooCommerce(deps, { storeUrl: woo.url, ...deleted, actor: "woo-owner" });
    expect(unknown).toMatchObject({
      success: false,
      error: {
        code: "woocommerce_auth",
        field: "consumerKey",
        message: expect.stringMatching(
          /^WooCommerce does not know this consumer key \(401\)\..*Check that it was copied whole and that it was created on this store/,
        ),
      },
    });
    expect(await t.db.integration.count()).toBe(before);
  });

  it("catches swapped or malformed keys before calling the store", async () => {
    const k = key();
    const swapped = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      consumerKey: k.consumerSecret,
      consumerSecret: k.consumerKey,
      actor: "woo-owner",
    });
    expect(swapped).toMatchObject({
      success: false,
      error: { field: "consumerKey", message: expect.stringMatching(/swapped/) },
    });
  });

  it("asks the connect limit once the input is well-formed, and asks the store nothing when it refuses", async () => {
    const k = key();
    let asked = 0;
    const refuse = async () => {
      asked++;
      throw new ConnectLimitedError("address", 540_000);
    };
    const malformed = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      consumerKey: "not-a-key",
      consumerSecret: k.consumerSecret,
      actor: "woo-owner",
      beforeStoreRequest: refuse,
    });
    expect(malformed).toMatchObject({ success: false, error: { code: "invalid_key" } });
    expect(asked).toBe(0);

    const before = {
      integrations: await t.db.integration.count(),
      storeRequests: woo.context.load.snapshot(),
    };
    const limited = await connectWooCommerce(deps, {
      storeUrl: woo.url,
      ...k,
      actor: "woo-owner",
      beforeStoreRequest: refuse,
    });
    expect(asked).toBe(1);
    expect(limited).toEqual({
      success: false,
      error: {
        code: "rate_limited",
        message: "Too many connection attempts from this address. Try again in 9 minutes.",
      },
      retryAfterSeconds: 540,
    });
    expect(woo.context.load.snapshot().requests).toBe(before.storeRequests.requests);
    expect(await t.db.integration.count()).toBe(before.integrations);
    expect(queued).toEqual([]);
  });

  it("names a missing store address first when the whole form is empty", async () => {
    const before = await t.db.integration.count();
    const empty = await connectWooCommerce(deps, {
      storeUrl: " ",
      consumerKey: "",
      consumerSecret: "",
      actor: "woo-owner",
    });
    expect(empty).toMatchObject({
      success: false,
      error: {
        code: "store_url_invalid",
        field: "storeUrl",
        message: expect.stringMatching(/store's address/),
      },
    });
    expect(await t.db.integration.count()).toBe(before);
  });

  it("says in words that nothing answered at a down store's address, and to try again (nothing retries a connect)", async () => {
    // A port nothing listens on: the address of a store whose site is down.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await connectWooCommerce(deps, {
      storeUrl: `http://127.0.0.1:${port}`,
      ...key(),
      actor: "woo-owner",
    });
    expect(result).toEqual({
      success: false,
      error: {
        code: "woocommerce_unreachable",
        field: "storeUrl",
        message:
          "Commerce Sync could not reach the store while testing the connection (connection refused). Check that " +
          "the store's site is up and that the address is right. Try again in a moment.",
      },
    });
    expect(queued).toEqual([]);
  });

  it("asks before connecting a read-only key, then connects it without webhooks", async () => {
    const second = await startWooEmulator({
      counts: { customers: 1, orders: 1, products: 1 },
      autoDeliver: false,
    });
    try {
      const readKey = second.createKey("read");
      const input = {
        storeUrl: second.url,
        consumerKey: readKey.consumer_key,
        consumerSecret: readKey.consumer_secret,
        actor: "woo-owner",
      };
      const first = await connectWooCommerce(deps, input);
      expect(first).toMatchObject({
        success: false,
        needsReadOnlyConfirmation: true,
        error: { code: "read_only_key", message: expect.stringMatching(/read-only/) },
        store: { url: second.url },
      });
      expect(await t.db.integration.count({ where: { storeKey: second.url } })).toBe(0);
      const accepted = await connectWooCommerce(deps, { ...input, allowReadOnly: true });
      expect(accepted).toMatchObject({ success: true, readOnly: true, webhooks: { active: 0 } });
      expect(second.store.webhooks.size).toBe(0);
      const row = await t.db.integration.findFirstOrThrow({ where: { storeKey: second.url } });
      expect(row.statusReason).toMatch(/Read-only key/);
    } finally {
      await second.close();
    }
  });

  it("shows a store reconnected after its key was revoked as connected before the next sync; a later failure counts again", async () => {
    const revokedStore = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      autoDeliver: false,
    });
    const db = t.db as unknown as AppDb;
    const pasted = (permissions: "read" | "read_write") => {
      const k = revokedStore.createKey(permissions);
      return { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret };
    };
    const sync = async (credentials: { consumerKey: string; consumerSecret: string }) => {
      const row = await t.db.integration.findFirstOrThrow({ where: { storeKey: revokedStore.url } });
      const source = await storeSource(platform, db, row, credentials);
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
      const connected = await connectWooCommerce(deps, {
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

      // Reconnected with a new key: the store accepted it, so the old key's failure no longer describes the store.
      const second = pasted("read_write");
      const again = await connectWooCommerce(deps, {
        storeUrl: revokedStore.url,
        ...second,
        actor: "woo-owner",
      });
      if (!again.success) throw new Error(again.error.message);
      expect(again.integrationId).toBe(integrationId);
      expect(await shown()).toEqual({ status: "connected", statusReason: null });
      // No sync ran since: the history keeps the failed run.
      expect(await t.db.syncRun.count({ where: { integrationId, status: "failed" } })).toBe(1);
      const row = await t.db.integration.findUniqueOrThrow({ where: { id: integrationId } });
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
    const org = await t.db.organization.create({ data: { name: "Shopify merchant" } });
    const other = await startWooEmulator({
      counts: { customers: 1, orders: 1, products: 1 },
      autoDeliver: false,
    });
    try {
      const k = other.createKey("read_write");
      const result = await connectWooCommerce(deps, {
        storeUrl: other.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        organizationId: org.id,
        actor: "merchant:shop.myshopify.com",
      });
      expect(result).toMatchObject({ success: true, organizationId: org.id });
      const intruder = await t.db.organization.create({ data: { name: "Someone else" } });
      const taken = await connectWooCommerce(deps, {
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

  it("refuses a private store address when the deployment does not allow it", async () => {
    const strict = testPlatform({ allowPrivate: false });
    const result = await connectWooCommerce(
      { ...deps, connector: strict.connector },
      { storeUrl: woo.url, ...key(), actor: "woo-owner" },
    );
    expect(result).toMatchObject({
      success: false,
      error: { code: "store_address_refused", field: "storeUrl" },
    });
    strict.close();
  });
});

// Two https stores whose key cannot travel as HTTP Basic: a web server that drops the Authorization header (the key
// goes as query parameters), and a proxy that ends TLS without telling WordPress (only OAuth over http:// is read).
describe.each([
  { store: "whose web server drops the Authorization header", options: { stripsAuthorizationHeader: true } },
  { store: "behind a proxy WordPress is not told about", options: { tlsHiddenFromWordPress: true } },
] as const)("WooCommerce connect over https to a store $store", ({ options }) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let intake: Awaited<ReturnType<typeof startAppIntake>>;

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    woo = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      tls: true,
      ...options,
      autoDeliver: false,
    });
    intake = await startAppIntake(t.db as unknown as AppDb);
    platform = testPlatform({
      appUrl: intake.url,
      extraCa: readFileSync(
        new URL("../../emulators/woocommerce/fixtures/tls/localhost-cert.pem", import.meta.url),
        "utf8",
      ),
    });
  });
  afterAll(async () => {
    platform?.close();
    await intake?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("connects the way the store reads the key, creates the webhooks, and syncs that way from the first call", async () => {
    const db = t.db as unknown as AppDb;
    const k = woo.createKey("read_write");
    const result = await connectWooCommerce(
      { db, keyring, connector: platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: woo.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!result.success) throw new Error(result.error.message);
    expect(result.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    const saved = wooSettingsOf(row.settings);
    expect([saved.authInQuery, saved.oauthOverHttps]).toEqual(
      "stripsAuthorizationHeader" in options ? [true, false] : [false, true],
    );

    const calls: StoreCall[] = [];
    const source = await storeSource(
      platform,
      db,
      row,
      { consumerKey: k.consumer_key, consumerSecret: k.consumer_secret },
      (call) => calls.push(call),
    );
    let customers = 0;
    for await (const page of source.readers.customers!.read(null, new AbortController().signal))
      customers += page.records.length;
    expect(customers).toBe(3);
    expect(calls.map((c) => [c.operation, c.outcome, c.httpStatus])).toEqual([
      ["GET /wc/v3/customers", "ok", 200],
    ]);
  });
});

describe("WooCommerce connect to a store installed in a sub-directory", () => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let platform: WooCommercePlatform;
  let intake: Awaited<ReturnType<typeof startAppIntake>>;

  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    woo = await startWooEmulator({
      counts: { customers: 4, orders: 3, products: 2 },
      installPath: "/shop",
      autoDeliver: false,
    });
    intake = await startAppIntake(t.db as unknown as AppDb);
    platform = testPlatform({ appUrl: intake.url });
  });
  afterAll(async () => {
    platform?.close();
    await intake?.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("keeps the path (not the trailing slash) in the store address, signs under it, and reads from it", async () => {
    const db = t.db as unknown as AppDb;
    const k = woo.createKey("read_write");
    const result = await connectWooCommerce(
      { db, keyring, connector: platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: `${woo.url}/shop/`,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!result.success) throw new Error(result.error.message);
    expect(result.store.url).toBe(`${woo.url}/shop`);
    expect(result.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
    const row = await t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(row.storeKey).toBe(`${woo.url}/shop`);

    const source = await storeSource(platform, db, row, {
      consumerKey: k.consumer_key,
      consumerSecret: k.consumer_secret,
    });
    let customers = 0;
    for await (const page of source.readers.customers!.read(null, new AbortController().signal))
      customers += page.records.length;
    expect(customers).toBe(4);
  });
});
