/**
 * A WordPress site with display_errors / WP_DEBUG_DISPLAY on prints PHP notices into its REST answers before the
 * JSON. Through the real client over loopback HTTP, against a server answering as such a site does: the records
 * arrive (ids above 2^53 exact), WooCommerce's own error bodies are still read, the connection test names the
 * notice, and a fatal error fails saying what PHP printed. Against the emulator's php-notice fault, a sync reads
 * everything and the store's owner is told once, until a sync reads the store clean (ADR 0058).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../../tests/setup/db";
import type { LogLevel } from "../../lib/logger";
import { runSync } from "../../sync/engine.server";
import type { AppDb, StoredWebhookEvent } from "../../sync/platform";
import { discoverStore, testKey } from "./probe.server";
import { wooSettingsOf } from "./settings";
import { createWooSource } from "./source.server";
import { NO_ROUTE, startLoopbackStore, type LoopbackStore } from "./testing/loopback-store";
import { seedWooStore, testPlatform, type TestStore } from "./testing/harness";
import { normalizeStoreUrl } from "./store-url";
import { WEBHOOK_TOPICS } from "./webhooks.server";
import type { WooOrder, WooProduct, WooProductWithVariations, WooSystemStatus } from "./types";

const NOTICE =
  "<br />\n<b>Deprecated</b>:  Creation of dynamic property WC_Legacy_Shipping::$zones is deprecated in " +
  "<b>/var/www/vhosts/shop.example.com/httpdocs/wp-content/plugins/legacy-shipping/includes/class-legacy.php</b> " +
  "on line <b>48</b><br />\n";
const NOTICE_LINE =
  "Deprecated: Creation of dynamic property WC_Legacy_Shipping::$zones is deprecated in " +
  "wp-content/plugins/legacy-shipping/includes/class-legacy.php on line 48";
/** Printed before WordPress sent its headers (no output buffering): the rest of its headers could not follow. */
const HEADERS_SENT =
  "<br />\n<b>Warning</b>:  Cannot modify header information - headers already sent by (output started at " +
  "/var/www/html/wp-content/plugins/legacy-shipping/includes/class-legacy.php:48) in " +
  "<b>/var/www/html/wp-includes/rest-api/class-wp-rest-server.php</b> on line <b>1902</b><br />\n";
const FATAL =
  "<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function wc_get_legacy_order() in " +
  "/var/www/html/wp-content/plugins/old-invoices/old-invoices.php:88\nStack trace:\n#0 {main}\n  thrown in " +
  "<b>/var/www/html/wp-content/plugins/old-invoices/old-invoices.php</b> on line <b>88</b><br />\n";

const BIG_ORDER_ID = "9007199254740993";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/real-11.0.1/${name}`, import.meta.url), "utf8"));
}

/** A captured answer's body (the capture holds its headers too). */
function fixtureBody(name: string): unknown {
  return (fixture(name) as { body: unknown }).body;
}

/** The real 11.0.1 `system_status` (its environment part, as captured). */
const SYSTEM_STATUS = fixture("system-status-environment.json") as WooSystemStatus;

/** Two real 11.0.1 orders, the first with an id above 2^53 (written into the JSON text). */
function ordersText(): string {
  const orders = (fixtureBody("orders-list.json") as WooOrder[]).slice(0, 2);
  return JSON.stringify([{ ...orders[0], id: -1 }, orders[1] ?? orders[0]]).replace(
    '"id":-1',
    `"id":${BIG_ORDER_ID}`,
  );
}

describe("a store printing PHP notices into its REST answers", () => {
  let store: LoopbackStore;
  let storeUrl: string;
  let agents: LoopbackStore["agents"];
  const client = () => store.client();

  beforeAll(async () => {
    const answers: Record<string, { status: number; type: string; body: string }> = {
      // The keyless REST index, printed into the same way.
      "/wp-json/": {
        status: 200,
        type: "text/html; charset=UTF-8",
        body: NOTICE + HEADERS_SENT + JSON.stringify({ name: "Legacy Shop", namespaces: ["wp/v2", "wc/v3"] }),
      },
      // Nothing buffered the output: PHP's text/html went out with the notice, WordPress's headers never did.
      "/wp-json/wc/v3/orders": {
        status: 200,
        type: "text/html; charset=UTF-8",
        body: NOTICE + HEADERS_SENT + ordersText(),
      },
      "/wp-json/wc/v3/system_status": {
        status: 200,
        type: "application/json; charset=UTF-8",
        body: NOTICE + JSON.stringify(SYSTEM_STATUS),
      },
      "/wp-json/wc/v3/webhooks": {
        status: 401,
        type: "application/json; charset=UTF-8",
        body: NOTICE + JSON.stringify(fixtureBody("error-wrong-secret.json")),
      },
      "/wp-json/wc/v3/customers": { status: 200, type: "text/html; charset=UTF-8", body: FATAL },
    };
    store = await startLoopbackStore((req, res) => {
      const answer = answers[new URL(req.url ?? "/", "http://x").pathname];
      res.writeHead(answer?.status ?? 404, { "Content-Type": answer?.type ?? "application/json" });
      res.end(answer?.body ?? NO_ROUTE);
    });
    ({ url: storeUrl, agents } = store);
  });
  afterAll(() => store.close());

  it("GIVEN a list page after notices WHEN read THEN its records arrive, ids exact, and such answers are counted", async () => {
    const c = client();
    const { status, data } = await c.get<WooOrder[]>("orders", { page: 1, per_page: 100 });
    expect(status).toBe(200);
    expect(data.map((o) => String(o.id))).toEqual([
      BIG_ORDER_ID,
      String((fixtureBody("orders-list.json") as WooOrder[])[1].id),
    ]);
    expect(data[0].line_items?.length).toBeGreaterThan(0);
    await c.get<WooOrder[]>("orders", { page: 2, per_page: 100 });
    expect(c.phpOutput).toEqual({ clean: 0, printed: 2, firstMessage: NOTICE_LINE });
  });

  it("GIVEN the REST index after a notice WHEN the store is discovered (no key) THEN it is found, with the notice", async () => {
    const found = await discoverStore(storeUrl, { agents, timeoutMs: 5_000 });
    expect(found).toEqual({ url: normalizeStoreUrl(storeUrl), name: "Legacy Shop", phpNotice: NOTICE_LINE });
  });

  it("GIVEN the connection test's system_status after a notice WHEN tested THEN the store's facts come with the notice", async () => {
    const facts = await testKey(
      { url: normalizeStoreUrl(storeUrl), name: "Legacy Shop" },
      {
        consumerKey: "ck_0123456789abcdef0123456789abcdef01234567",
        consumerSecret: "cs_0123456789abcdef0123456789abcdef01234567",
      },
      { agents, timeoutMs: 5_000 },
    );
    expect(facts).toMatchObject({
      name: "Legacy Shop",
      wooCommerceVersion: "11.0.1",
      wordPressVersion: "7.1",
      phpNotice: NOTICE_LINE,
    });
  });

  it("GIVEN WooCommerce's own error after a notice WHEN read THEN its code and message are read", async () => {
    await expect(client().get("webhooks")).rejects.toMatchObject({
      code: "woocommerce_auth",
      wooCode: "woocommerce_rest_authentication_error",
      wooMessage: "Invalid signature - provided signature does not match.",
    });
  });

  it("GIVEN a fatal error and no JSON WHEN read THEN it fails quoting PHP's first line and where to look", async () => {
    const failure = await client()
      .get("customers")
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: "woocommerce_php_error", status: 200, retryable: true });
    expect((failure as Error).message).toBe(
      "The store printed a PHP error instead of WooCommerce's data while reading customers (HTTP 200): " +
        '"Fatal error: Uncaught Error: Call to undefined function wc_get_legacy_order() in ' +
        "wp-content/plugins/old-invoices/old-invoices.php:88\". A plugin, the theme or the site's PHP setup failed " +
        "there: the site's PHP error log has the details (with WP_DEBUG_LOG on, WordPress writes it to " +
        "wp-content/debug.log). Set WP_DEBUG_DISPLAY to false in wp-config.php so PHP errors stay out of API " +
        "answers. Commerce Sync will try again later.",
    );
  });
});

describe("the emulator printing PHP notices before its JSON (php-notice fault)", () => {
  let woo: WooEmulator;
  const platform = testPlatform();
  beforeAll(async () => {
    woo = await startWooEmulator({ counts: { customers: 3, orders: 230, products: 2 }, autoDeliver: false });
  });
  afterAll(async () => {
    platform.close();
    await woo.close();
  });
  const client = () => {
    const key = woo.createKey("read");
    return platform.connector.client(woo.url, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
  };

  it("GIVEN notices printed unbuffered on every answer (200 text/html, no X-WP headers) WHEN the orders are read THEN every order arrives", async () => {
    woo.addFault({ type: "php-notice", unbuffered: true, persistent: true });
    try {
      const c = client();
      const reader = createWooSource({ client: c, pageConcurrency: 2, currency: "USD" }).readers.orders!;
      const ids: string[] = [];
      for await (const page of reader.read(null, new AbortController().signal)) {
        ids.push(...page.records.map((o) => String((o as WooOrder).id)));
      }
      const live = [...woo.store.orders.values()].filter(
        (o) => o.status !== "trash" && o.status !== "checkout-draft",
      );
      expect(ids.sort()).toEqual(live.map((o) => String(o.id)).sort());
      expect(c.phpOutput.clean).toBe(0);
      expect(c.phpOutput.printed).toBeGreaterThanOrEqual(3);
      expect(c.phpOutput.firstMessage).toMatch(
        /^Notice: Function _load_textdomain_just_in_time was called incorrectly\./,
      );
    } finally {
      woo.clearFaults();
    }
  });

  it("GIVEN WordPress's 404 after an unbuffered notice (sent as 200) WHEN an order is read THEN it is not found, not data", async () => {
    woo.addFault({ type: "php-notice", format: "text", unbuffered: true });
    await expect(client().get("orders/999999")).rejects.toMatchObject({
      code: "woocommerce_not_found",
      status: 404,
      wooCode: "woocommerce_rest_shop_order_invalid_id",
    });
  });
});

describe.each(DATABASE_KINDS)("syncing a store that prints PHP notices on %s", (kind) => {
  let t: TestDatabase;
  let woo: WooEmulator;
  let store: TestStore;
  const logged: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }> = [];
  const platform = testPlatform({
    logger: (level, message, fields) => logged.push({ level, message, fields }),
  });
  const sync = async () =>
    runSync(t.db as never, {
      integrationId: store.integration.id,
      kind: "full",
      source: await platform.createSource(store.ctx),
    });
  const noticeOf = async () =>
    wooSettingsOf(
      (await t.db.integration.findUniqueOrThrow({ where: { id: store.integration.id } })).settings,
    ).phpNotice ?? null;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    woo = await startWooEmulator({ counts: { customers: 30, orders: 140, products: 6 }, autoDeliver: false });
    store = await seedWooStore(t.db as unknown as AppDb, woo.url, woo.createKey("read_write"));
  });
  afterAll(async () => {
    platform.close();
    await woo?.close();
    await t?.cleanup();
  });

  it("GIVEN notices on every answer WHEN synced twice THEN everything arrives and the owner is told once, then no more once clean", async () => {
    woo.addFault({ type: "php-notice", persistent: true });
    const first = await sync();
    const orders = [...woo.store.orders.values()].filter(
      (o) => o.status !== "trash" && o.status !== "checkout-draft",
    );
    expect(first.status).toBe("succeeded");
    expect(first.resources.orders).toMatchObject({ synced: orders.length, failed: 0 });
    expect(await t.db.order.count({ where: { integrationId: store.integration.id } })).toBe(orders.length);
    const notice = await noticeOf();
    expect(notice?.message).toMatch(
      /^Notice: Function _load_textdomain_just_in_time was called incorrectly\./,
    );
    expect(logged.filter((l) => /PHP notices/.test(l.message))).toEqual([
      {
        level: "warn",
        message: "WooCommerce store prints PHP notices into its REST answers; read past them",
        fields: {
          integrationId: store.integration.id,
          answersWithNotices: expect.any(Number),
          cleanAnswers: 0,
        },
      },
    ]);

    // Seen again: the same notice, from the same time, and nothing logged again.
    expect((await sync()).status).toBe("succeeded");
    expect(await noticeOf()).toEqual(notice);
    expect(logged.filter((l) => /PHP notices/.test(l.message))).toHaveLength(1);

    // The owner turned WP_DEBUG_DISPLAY off: the next sync reads the store clean and the notice goes.
    woo.clearFaults();
    expect((await sync()).status).toBe("succeeded");
    expect(await noticeOf()).toBeNull();
  });

  const noticeLogs = () => logged.filter((l) => /PHP notices/.test(l.message));

  it("GIVEN notices only where a webhook's processing reads (a variable product's variations) WHEN processed THEN the notice is recorded once; a clean delivery leaves it, a clean sync removes it", async () => {
    const product = [...woo.store.products.values()].find((p) => p.type === "variable")!;
    const { data: body } = await platform.connector
      .client(woo.url, store.credentials)
      .get<WooProduct>(`products/${product.id}`);
    const delivery = (n: number): StoredWebhookEvent => ({
      id: `delivery-${n}`,
      integrationId: store.integration.id,
      platform: "woocommerce",
      topic: "product.updated",
      dedupeKey: `woocommerce:php-notice-${n}`,
      storeKey: woo.url,
      resourceId: String(product.id),
      payload: JSON.stringify(body),
      receivedAt: new Date(),
    });
    expect(await noticeOf()).toBeNull();
    const logsBefore = noticeLogs().length;

    woo.addFault({
      type: "php-notice",
      format: "text",
      persistent: true,
      pathPrefix: `/wp-json/wc/v3/products/${product.id}/variations`,
    });
    const noisy = await platform.handleWebhook(delivery(1), body, store.ctx).finally(() => woo.clearFaults());
    expect(noisy).toMatchObject({ action: "apply", resource: "products" });
    const [expanded] = (noisy as { remote: WooProductWithVariations[] }).remote;
    expect(expanded.variations.map((v) => v.id).sort()).toEqual([...product.variationIds].sort());
    const notice = await noticeOf();
    expect(notice?.message).toMatch(
      /^Deprecated: Creation of dynamic property Emulated_Legacy_Shipping::\$zones/,
    );
    expect(noticeLogs()).toHaveLength(logsBefore + 1);

    // A clean delivery reads too little to say the store stopped printing: the notice stands until a sync says so.
    expect(await platform.handleWebhook(delivery(2), body, store.ctx)).toMatchObject({ action: "apply" });
    expect(await noticeOf()).toEqual(notice);
    expect((await sync()).status).toBe("succeeded");
    expect(await noticeOf()).toBeNull();
  });

  it("GIVEN notices only in the webhook endpoints' answers WHEN the webhook upkeep runs THEN the notice is recorded", async () => {
    expect(await noticeOf()).toBeNull();
    woo.addFault({ type: "php-notice", persistent: true, pathPrefix: "/wp-json/wc/v3/webhooks" });
    await platform.maintainWebhooks!(store.ctx, new AbortController().signal).finally(() =>
      woo.clearFaults(),
    );
    // The webhooks were created through the notices (the app's address, port 9, is one the store cannot call).
    expect([...woo.store.webhooks.values()].map((w) => w.topic).sort()).toEqual([...WEBHOOK_TOPICS].sort());
    expect((await noticeOf())?.message).toMatch(
      /^Notice: Function _load_textdomain_just_in_time was called incorrectly\./,
    );
  });

  it("GIVEN notices only in the webhook endpoints' answers WHEN the store is disconnected THEN its webhooks are deleted and the notice is recorded", async () => {
    expect((await sync()).status).toBe("succeeded");
    expect(await noticeOf()).toBeNull();
    await platform.maintainWebhooks!(store.ctx, new AbortController().signal);
    expect(woo.store.webhooks.size).toBe(WEBHOOK_TOPICS.length);
    const logsBefore = noticeLogs().length;

    woo.addFault({
      type: "php-notice",
      format: "text",
      persistent: true,
      pathPrefix: "/wp-json/wc/v3/webhooks",
    });
    await platform.disconnect!(store.ctx, new AbortController().signal).finally(() => woo.clearFaults());
    expect(woo.store.webhooks.size).toBe(0);
    expect((await noticeOf())?.message).toMatch(
      /^Deprecated: Creation of dynamic property Emulated_Legacy_Shipping::\$zones/,
    );
    expect(noticeLogs()).toHaveLength(logsBefore + 1);
  });
});
