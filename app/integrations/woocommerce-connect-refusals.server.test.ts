/**
 * What a WooCommerce connect refuses or asks about before it connects, saying what to do: a rejected, swapped or
 * malformed key, the connect limit, a missing or unreachable or private address, a read-only key.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startWooEmulator } from "../../emulators/woocommerce/server";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { ConnectLimitedError, ConnectLimitUnavailableError } from "../lib/connect-limits.server";
import { testPlatform } from "../platforms/woocommerce/testing/harness";
import { connectFailureInit, connectWooCommerce, wooConnectApiAnswer } from "./woocommerce-connect.server";
import { useConnectFixture } from "./testing/woo-connect";

describe.each(DATABASE_KINDS)("WooCommerce connect by key on %s", (kind) => {
  const fx = useConnectFixture(kind, {
    emulator: {
      counts: { customers: 3, orders: 3, products: 2 },
      siteName: "Acme Store",
      autoDeliver: false,
    },
  });
  const { queued, key } = fx;

  it("says the key was rejected, and writes nothing", async () => {
    const before = await fx.t.db.integration.count();
    const k = key();
    const result = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
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
    expect(await fx.t.db.integration.count()).toBe(before);
    expect(queued).toEqual([]);

    // A key the store does not know (mistyped, another store's, or deleted there since it was copied).
    const deleted = key();
    await fetch(`${fx.woo.url}/_emulator/keys/${deleted.consumerKey}`, { method: "DELETE" });
    const unknown = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      ...deleted,
      actor: "woo-owner",
    });
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
    expect(await fx.t.db.integration.count()).toBe(before);
  });

  it("catches swapped or malformed keys before calling the store", async () => {
    const k = key();
    const swapped = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
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
    const malformed = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      consumerKey: "not-a-key",
      consumerSecret: k.consumerSecret,
      actor: "woo-owner",
      beforeStoreRequest: refuse,
    });
    expect(malformed).toMatchObject({ success: false, error: { code: "invalid_key" } });
    expect(asked).toBe(0);

    const before = {
      integrations: await fx.t.db.integration.count(),
      storeRequests: fx.woo.context.load.snapshot(),
    };
    const limited = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
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
    expect(fx.woo.context.load.snapshot().requests).toBe(before.storeRequests.requests);
    expect(await fx.t.db.integration.count()).toBe(before.integrations);
    expect(queued).toEqual([]);
  });

  it("refuses with 503 and Retry-After, asking the store nothing, when the limits cannot count the attempt", async () => {
    const before = {
      integrations: await fx.t.db.integration.count(),
      storeRequests: fx.woo.context.load.snapshot(),
    };
    const unavailable = await connectWooCommerce(fx.deps, {
      storeUrl: fx.woo.url,
      ...key(),
      actor: "woo-owner",
      beforeStoreRequest: async () => {
        throw new ConnectLimitUnavailableError(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
      },
    });
    expect(unavailable).toEqual({
      success: false,
      error: {
        code: "connect_limit_unavailable",
        message:
          "Commerce Sync cannot take connection attempts right now (its database is not answering). Try again in a minute.",
      },
      retryAfterSeconds: 60,
    });
    expect(connectFailureInit(unavailable as { error: { code: string } })).toEqual({
      status: 503,
      headers: { "Retry-After": "60" },
    });
    expect(wooConnectApiAnswer(unavailable)).toMatchObject({
      status: 503,
      headers: { "Retry-After": "60" },
      body: { error: { code: "connect_limit_unavailable" } },
    });
    expect(fx.woo.context.load.snapshot().requests).toBe(before.storeRequests.requests);
    expect(await fx.t.db.integration.count()).toBe(before.integrations);
  });

  it("names a missing store address first when the whole form is empty", async () => {
    const before = await fx.t.db.integration.count();
    const empty = await connectWooCommerce(fx.deps, {
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
    expect(await fx.t.db.integration.count()).toBe(before);
  });

  it("says in words that nothing answered at a down store's address, and to try again (nothing retries a connect)", async () => {
    // A port nothing listens on: the address of a store whose site is down.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await connectWooCommerce(fx.deps, {
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
      const first = await connectWooCommerce(fx.deps, input);
      expect(first).toMatchObject({
        success: false,
        needsReadOnlyConfirmation: true,
        error: { code: "read_only_key", message: expect.stringMatching(/read-only/) },
        store: { url: second.url },
      });
      expect(await fx.t.db.integration.count({ where: { storeKey: second.url } })).toBe(0);
      const accepted = await connectWooCommerce(fx.deps, { ...input, allowReadOnly: true });
      expect(accepted).toMatchObject({ success: true, readOnly: true, webhooks: { active: 0 } });
      expect(second.store.webhooks.size).toBe(0);
      const row = await fx.t.db.integration.findFirstOrThrow({ where: { storeKey: second.url } });
      expect(row.statusReason).toMatch(/Read-only key/);
    } finally {
      await second.close();
    }
  });

  it("refuses a private store address when the deployment does not allow it", async () => {
    const strict = testPlatform({ allowPrivate: false });
    const result = await connectWooCommerce(
      { ...fx.deps, connector: strict.connector },
      { storeUrl: fx.woo.url, ...key(), actor: "woo-owner" },
    );
    expect(result).toMatchObject({
      success: false,
      error: { code: "store_address_refused", field: "storeUrl" },
    });
    strict.close();
  });
});
