/**
 * How the key travels and where the store lives: https stores that cannot read the key as HTTP Basic, and a store
 * installed in a sub-directory. The connect saves what worked and every later request of the store goes that way.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wooSettingsOf } from "../platforms/woocommerce/settings";
import { storeSource } from "../platforms/woocommerce/testing/harness";
import { WEBHOOK_TOPICS } from "../platforms/woocommerce/webhooks.server";
import type { AppDb, StoreCall } from "../sync/platform";
import { connectWooCommerce } from "./woocommerce-connect.server";
import { keyring, useConnectFixture } from "./testing/woo-connect";

// Two https stores whose key cannot travel as HTTP Basic: a web server that drops the Authorization header (the key
// goes as query parameters), and a proxy that ends TLS without telling WordPress (only OAuth over http:// is read).
describe.each([
  { store: "whose web server drops the Authorization header", options: { stripsAuthorizationHeader: true } },
  { store: "behind a proxy WordPress is not told about", options: { tlsHiddenFromWordPress: true } },
] as const)("WooCommerce connect over https to a store $store", ({ options }) => {
  const fx = useConnectFixture("sqlite", {
    emulator: { counts: { customers: 3, orders: 3, products: 2 }, tls: true, ...options, autoDeliver: false },
    platform: {
      extraCa: readFileSync(
        new URL("../../emulators/woocommerce/fixtures/tls/localhost-cert.pem", import.meta.url),
        "utf8",
      ),
    },
  });

  it("connects the way the store reads the key, creates the webhooks, and syncs that way from the first call", async () => {
    const db = fx.t.db as unknown as AppDb;
    const k = fx.woo.createKey("read_write");
    const result = await connectWooCommerce(
      { db, keyring, connector: fx.platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: fx.woo.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!result.success) throw new Error(result.error.message);
    expect(result.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
    const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    const saved = wooSettingsOf(row.settings);
    expect([saved.authInQuery, saved.oauthOverHttps]).toEqual(
      "stripsAuthorizationHeader" in options ? [true, false] : [false, true],
    );

    const calls: StoreCall[] = [];
    const source = await storeSource(
      fx.platform,
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
  const fx = useConnectFixture("sqlite", {
    emulator: { counts: { customers: 4, orders: 3, products: 2 }, installPath: "/shop", autoDeliver: false },
  });

  it("keeps the path (not the trailing slash) in the store address, signs under it, and reads from it", async () => {
    const db = fx.t.db as unknown as AppDb;
    const k = fx.woo.createKey("read_write");
    const result = await connectWooCommerce(
      { db, keyring, connector: fx.platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: `${fx.woo.url}/shop/`,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!result.success) throw new Error(result.error.message);
    expect(result.store.url).toBe(`${fx.woo.url}/shop`);
    expect(result.webhooks).toEqual({ active: WEBHOOK_TOPICS.length, problems: [] });
    const row = await fx.t.db.integration.findUniqueOrThrow({ where: { id: result.integrationId } });
    expect(row.storeKey).toBe(`${fx.woo.url}/shop`);

    const source = await storeSource(fx.platform, db, row, {
      consumerKey: k.consumer_key,
      consumerSecret: k.consumer_secret,
    });
    let customers = 0;
    for await (const page of source.readers.customers!.read(null, new AbortController().signal))
      customers += page.records.length;
    expect(customers).toBe(4);
  });
});
