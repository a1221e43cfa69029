/**
 * What a WooCommerce owner is told for the store's refusals: a 403 from WooCommerce itself (the key's user lacks the
 * capability) and a 403 from something in front of it (a security plugin, a firewall) need different fixes.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { oneOffMessage } from "../../lib/errors";
import { errorFromResponse, errorFromTransport, pastedKeyError, requestWords } from "./errors";
import { testPlatform } from "./testing/harness";

describe("errorFromResponse", () => {
  it("GIVEN WooCommerce's own 403 WHEN described THEN the key's user and where to change it are named", () => {
    const error = errorFromResponse(
      403,
      {
        code: "woocommerce_rest_cannot_view",
        message: "Sorry, you cannot list resources.",
        data: { status: 403 },
      },
      {},
      "GET /wc/v3/orders",
    );
    expect(error.kind).toBe("forbidden");
    expect(error.message).toBe(
      "WooCommerce refused the API key's WordPress user (403) while reading orders. WooCommerce said: \"Sorry, you cannot list " +
        'resources." (woocommerce_rest_cannot_view). A key acts with the permissions of the user it belongs to: ' +
        "create it for an administrator or shop manager (WooCommerce → Settings → Advanced → REST API → User).",
    );
  });

  it("GIVEN a 403 page from a firewall WHEN described THEN the REST API being blocked is named", () => {
    const error = errorFromResponse(403, "<html>Access denied</html>", {}, "GET /wc/v3/orders");
    expect(error.kind).toBe("forbidden");
    expect(error.message).toMatch(/^The store refused access \(403\)\. A security plugin or firewall/);
  });

  // WC_REST_Authentication::check_oauth_timestamp_and_nonce: an OAuth 1.0a timestamp more than 15 minutes from the
  // store's own clock is refused with this body, whatever the key. Copying the key again would not help.
  it("GIVEN WooCommerce's 'Invalid timestamp.' WHEN described THEN the clocks are named, not the key", () => {
    const error = errorFromResponse(
      401,
      {
        code: "woocommerce_rest_authentication_error",
        message: "Invalid timestamp.",
        data: { status: 401 },
      },
      {},
      "GET /wc/v3/orders",
    );
    expect([error.code, error.kind, error.status]).toEqual(["woocommerce_clock", "clock", 401]);
    expect(error.message).toMatch(/clock/);
    expect(error.message).toMatch(/15 minutes/);
    expect(error.message).not.toMatch(/copied whole/);
  });
});

describe("a plain-http store whose clock is 20 minutes ahead of ours (OAuth 1.0a timestamps)", () => {
  let woo: WooEmulator;
  beforeAll(async () => {
    woo = await startWooEmulator({ counts: { customers: 1, orders: 1, products: 1 }, autoDeliver: false });
  });
  afterAll(() => woo.close());

  it("says the clocks differ rather than that the key is wrong", async () => {
    const key = woo.createKey("read");
    woo.advanceClock(20 * 60_000);
    const platform = testPlatform();
    const client = platform.connector.client(woo.url, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    await expect(client.get("customers")).rejects.toMatchObject({
      code: "woocommerce_clock",
      wooCode: "woocommerce_rest_authentication_error",
    });
    platform.close();
  });
});

describe("what a store owner reads about a failed request", () => {
  it("GIVEN a store that refuses connections WHEN a sync reads it THEN the words say what and what next, no Node code or URL", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4961"), { code: "ECONNREFUSED" });
    const error = errorFromTransport(refused, "GET /wc/v3/customers", 30_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      "Commerce Sync could not reach the store while reading customers (connection refused). Check that the " +
        "store's site is up and that the address is right. Commerce Sync will try again later.",
    );
    // Where nothing tries again (a connect, a disconnect's cleanup), the promise is left out.
    expect(oneOffMessage(error)).toBe(
      "Commerce Sync could not reach the store while reading customers (connection refused). Check that the " +
        "store's site is up and that the address is right.",
    );
  });

  it("GIVEN a store error or a timeout WHEN described THEN the request is named in words", () => {
    expect(
      errorFromResponse(502, "<html>Bad gateway</html>", {}, "GET /wc/v3/orders/{id}/refunds").message,
    ).toBe(
      "The store had an error (502) while reading an order's refunds. Commerce Sync will try again later.",
    );
    const late = Object.assign(new Error("timeout of 30000ms exceeded"), { code: "ECONNABORTED" });
    expect(errorFromTransport(late, "DELETE /wc/v3/webhooks/{id}", 30_000).message).toBe(
      "The store did not answer within 30 seconds while removing a webhook. It may be overloaded or down. " +
        "Commerce Sync will try again later.",
    );
  });

  it("names each kind of request", () => {
    expect(
      [
        "GET /wc/v3/products",
        "GET /wc/v3/products/{id}",
        "GET /wc/v3/products/{id}/variations",
        "GET /wc/v3/system_status",
        "POST /wc/v3/webhooks",
        "PUT /wc/v3/webhooks/{id}",
        "testing the connection",
      ].map(requestWords),
    ).toEqual([
      "reading products",
      "reading a product",
      "reading a product's variations",
      "reading the store's status",
      "creating a webhook",
      "updating a webhook",
      "testing the connection",
    ]);
  });
});

/** A real WooCommerce 11.0.1 error body (fixtures/real-11.0.1, copied from the shared reference captures). */
function captured(file: string, where = "./fixtures/real-11.0.1/"): { status: number; body: unknown } {
  return JSON.parse(readFileSync(new URL(`${where}${file}`, import.meta.url), "utf8")) as {
    status: number;
    body: unknown;
  };
}

/**
 * How WooCommerce 11 refuses a key (WC_REST_Authentication), and what the owner is told. A key the store no longer
 * knows (revoked or deleted in WooCommerce → Settings → Advanced → REST API) is refused with "Consumer key is
 * invalid." when WooCommerce reads an OAuth 1.0a signature (plain http, and the client's last try over https), or as an
 * anonymous request (401 `woocommerce_rest_cannot_view`, the captured body of a key WooCommerce did not read) over
 * Basic. A wrong secret is "Invalid signature - provided signature does not match." (captured) or "Consumer secret is
 * invalid." over Basic.
 */
describe("a key the store refuses (401)", () => {
  const revoked = {
    code: "woocommerce_rest_authentication_error",
    message: "Consumer key is invalid.",
    data: { status: 401 },
  };
  const anonymous = captured(
    "error-basic-over-http.json",
    "../../../emulators/woocommerce/fixtures/real-11.0.1/",
  );
  const wrongSecret = captured("error-wrong-secret.json");

  it("GIVEN a sync whose key the store no longer knows WHEN described THEN it says the store refused the key, that it may have been revoked or deleted, and what to do; not that it was copied wrong", () => {
    for (const body of [revoked, anonymous.body]) {
      const error = errorFromResponse(401, body, {}, "GET /wc/v3/customers");
      expect([error.code, error.kind, error.status]).toEqual(["woocommerce_auth", "auth", 401]);
      expect(error.message).toMatch(
        /^The store refused Commerce Sync's API key \(401\)\. WooCommerce said: /,
      );
      expect(error.message).toMatch(/revoked or deleted in WooCommerce → Settings → Advanced → REST API/);
      expect(error.message).toMatch(/Read\/Write/);
      expect(error.message).toMatch(/Reconnect/);
      expect(error.message).not.toMatch(/copied/);
    }
    expect(errorFromResponse(401, revoked, {}, "GET /wc/v3/customers").message).toBe(
      'The store refused Commerce Sync\'s API key (401). WooCommerce said: "Consumer key is invalid." ' +
        "(woocommerce_rest_authentication_error). The key may have been revoked or deleted in WooCommerce → " +
        "Settings → Advanced → REST API. Create a new key there with Read/Write permission and connect it with " +
        "Reconnect on the store's page, or use Reconnect to approve a new key in the store.",
    );
  });

  it("GIVEN a freshly pasted key with a wrong secret (the real 11.0.1 body) WHEN the connect tests it THEN a copy mistake is named", () => {
    expect(wrongSecret.status).toBe(401);
    const error = pastedKeyError(errorFromResponse(401, wrongSecret.body, {}, "GET /wc/v3/system_status"));
    expect([error.code, error.kind, error.status, (error as { wooCode: string }).wooCode]).toEqual([
      "woocommerce_auth",
      "auth",
      401,
      "woocommerce_rest_authentication_error",
    ]);
    expect(error.message).toBe(
      'WooCommerce rejected the API key (401). WooCommerce said: "Invalid signature - provided signature does not ' +
        'match." (woocommerce_rest_authentication_error). The consumer secret does not match the key: check that ' +
        "it was copied whole. WooCommerce shows a key's secret only once; if it is lost, create a new key.",
    );
    const overBasic = { ...revoked, message: "Consumer secret is invalid." };
    expect(pastedKeyError(errorFromResponse(401, overBasic, {}, "GET /wc/v3/system_status")).message).toMatch(
      /The consumer secret does not match the key: check that it was copied whole/,
    );
  });

  it("GIVEN a freshly pasted key the store does not know WHEN the connect tests it THEN a copy mistake, another store's key and a revoked key are named", () => {
    for (const body of [revoked, anonymous.body]) {
      const error = pastedKeyError(errorFromResponse(401, body, {}, "GET /wc/v3/system_status"));
      expect(error.code).toBe("woocommerce_auth");
      expect(error.message).toMatch(
        /^WooCommerce does not know this consumer key \(401\)\. WooCommerce said: /,
      );
      expect(error.message).toMatch(
        /Check that it was copied whole and that it was created on this store \(WooCommerce → Settings → Advanced → REST API\): a key of another store, or one revoked or deleted there, is refused\.$/,
      );
    }
  });

  it("leaves the other refusals as they are", () => {
    const clock = errorFromResponse(
      401,
      { code: "woocommerce_rest_authentication_error", message: "Invalid timestamp.", data: { status: 401 } },
      {},
      "GET /wc/v3/system_status",
    );
    expect(pastedKeyError(clock)).toBe(clock);
    const readOnly = errorFromResponse(
      401,
      {
        code: "woocommerce_rest_authentication_error",
        message: "The API key provided does not have write permissions.",
        data: { status: 401 },
      },
      {},
      "POST /wc/v3/webhooks",
    );
    expect(pastedKeyError(readOnly)).toBe(readOnly);
    const unreachable = errorFromTransport(
      Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
      "testing the connection",
      5_000,
    );
    expect(pastedKeyError(unreachable)).toBe(unreachable);
  });
});

describe("a store behind its web server's own password (a staging site with HTTP Basic authentication)", () => {
  let server: Server;
  let url: string;
  const seen: Array<{ path: string; authorization: string | undefined }> = [];
  beforeAll(async () => {
    // What Apache or nginx answer in front of WordPress when `auth_basic` is on: 401, a challenge, an HTML page.
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
      res.writeHead(401, {
        "WWW-Authenticate": 'Basic realm="Staging <b>area</b>"',
        "Content-Type": "text/html",
      });
      res.end("<html><head><title>401 Authorization Required</title></head><body>401</body></html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("says the web server asked for its own login and the key never reached WooCommerce, at connect and at sync", async () => {
    const platform = testPlatform();
    const client = platform.connector.client(url, {
      consumerKey: "ck_" + "a".repeat(40),
      consumerSecret: "cs_x",
    });
    const error = await client.get("customers").then(
      () => null,
      (e: unknown) => e,
    );
    platform.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: "woocommerce_auth", siteLogin: true, status: 401 });
    const expected =
      "The store's web server asked for its own user name and password before WordPress could answer (401, HTTP " +
      'Basic authentication, "Staging area"), so the API key never reached WooCommerce. This is usual on a ' +
      "password-protected staging site. Let /wp-json/ through that protection (in the host's panel or the " +
      "server's configuration), or connect the live store.";
    expect((error as Error).message).toBe(expected);
    // The connect's first test of a pasted key: not a copy mistake either.
    expect(pastedKeyError(error)).toBe(error);
  });

  it("keeps the refused-key wording for a 401 without a login challenge", () => {
    const error = errorFromResponse(401, "<html>401</html>", {}, "GET /wc/v3/orders");
    expect(error.siteLogin).toBe(false);
    expect(error.message).toMatch(/^The store refused Commerce Sync's API key \(401\)/);
    // A WooCommerce answer with a challenge header (some hosts add one) is still WooCommerce's.
    const woo = errorFromResponse(
      401,
      {
        code: "woocommerce_rest_cannot_view",
        message: "Sorry, you cannot list resources.",
        data: { status: 401 },
      },
      { "www-authenticate": 'Basic realm="WordPress"' },
      "GET /wc/v3/orders",
    );
    expect(woo.siteLogin).toBe(false);
  });
});
