import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, createKeyOverHttp, failure, fixture, signUrl, wooClient } from "../test-helpers";

type Captured = { status: number; body: unknown };
const wrongSecret = fixture<Captured>("real-11.0.1/error-wrong-secret.json");
const basicOverHttp = fixture<Captured>("real-11.0.1/error-basic-over-http.json");
const perPage101 = fixture<Captured>("real-11.0.1/error-per-page-101.json");

describe("WooCommerce emulator authentication (plain http)", () => {
  let emulator: WooEmulator;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 5, orders: 4, products: 3 },
      clock,
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  it("GIVEN a read_write key WHEN the official client signs with OAuth 1.0a THEN the store answers 200", async () => {
    const key = await createKeyOverHttp(emulator, "read_write");
    expect(key.consumer_key).toMatch(/^ck_[0-9a-f]{40}$/);
    expect(key.consumer_secret).toMatch(/^cs_[0-9a-f]{40}$/);
    const response = await wooClient(emulator.url, key).get("customers", { per_page: 2 });
    expect(response.status).toBe(200);
    expect(response.data).toHaveLength(2);
  });

  // WordPress's is_ssl() reads $_SERVER['HTTPS'] and the port only: a forwarded scheme counts only when wp-config.php
  // (or the web server) maps it, so by default Basic "over https" through a proxy is still an anonymous request.
  it("ignores X-Forwarded-Proto: https unless told to trust it (WordPress core's is_ssl)", async () => {
    const key = emulator.createKey("read");
    const auth = `Basic ${Buffer.from(`${key.consumer_key}:${key.consumer_secret}`).toString("base64")}`;
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: { Authorization: auth, "X-Forwarded-Proto": "https" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(basicOverHttp.body);
  });

  it("accepts HMAC-SHA1 signatures too", async () => {
    const key = emulator.createKey("read");
    const url = signUrl("GET", `${emulator.url}/wp-json/wc/v3/orders?per_page=1`, key, {
      signatureMethod: "HMAC-SHA1",
      timestampSeconds: Math.floor(clock.now() / 1000),
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
  });

  it("answers a wrong secret with the exact captured 401 body", async () => {
    const key = emulator.createKey("read_write");
    const error = await failure(
      wooClient(emulator.url, { ...key, consumer_secret: "cs_wrong" }).get("customers"),
    );
    expect(error.status).toBe(wrongSecret.status);
    expect(error.data).toEqual(wrongSecret.body);
  });

  it("refuses HTTP Basic over plain http with the exact captured body (the key is not even looked at)", async () => {
    const key = emulator.createKey("read_write");
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${key.consumer_key}:${key.consumer_secret}`).toString("base64")}`,
      },
    });
    expect(response.status).toBe(basicOverHttp.status);
    expect(await response.json()).toEqual(basicOverHttp.body);
  });

  it("refuses consumer_key/consumer_secret query parameters over plain http", async () => {
    const key = emulator.createKey("read_write");
    const response = await fetch(
      `${emulator.url}/wp-json/wc/v3/customers?consumer_key=${key.consumer_key}&consumer_secret=${key.consumer_secret}`,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(basicOverHttp.body);
  });

  it("rejects a timestamp outside the 15-minute window and accepts one inside it", async () => {
    const key = emulator.createKey("read");
    const nowSeconds = Math.floor(clock.now() / 1000);
    const stale = await fetch(
      signUrl("GET", `${emulator.url}/wp-json/wc/v3/customers`, key, {
        timestampSeconds: nowSeconds - 16 * 60,
      }),
    );
    expect(stale.status).toBe(401);
    expect(await stale.json()).toEqual({
      code: "woocommerce_rest_authentication_error",
      message: "Invalid timestamp.",
      data: { status: 401 },
    });
    const future = await fetch(
      signUrl("GET", `${emulator.url}/wp-json/wc/v3/customers`, key, {
        timestampSeconds: nowSeconds + 16 * 60,
      }),
    );
    expect(future.status).toBe(401);
    const recent = await fetch(
      signUrl("GET", `${emulator.url}/wp-json/wc/v3/customers`, key, {
        timestampSeconds: nowSeconds - 14 * 60,
      }),
    );
    expect(recent.status).toBe(200);
  });

  it("rejects a replayed nonce", async () => {
    const key = emulator.createKey("read");
    const url = signUrl("GET", `${emulator.url}/wp-json/wc/v3/customers`, key, {
      nonce: "fixed-nonce-1",
      timestampSeconds: Math.floor(clock.now() / 1000),
    });
    expect((await fetch(url)).status).toBe(200);
    const replay = await fetch(url);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { message: string }).message).toBe(
      "Invalid nonce - nonce has already been used.",
    );
  });

  it("refuses a write with a read-only key (401) but lets it read", async () => {
    const key = await createKeyOverHttp(emulator, "read");
    const client = wooClient(emulator.url, key);
    expect((await client.get("orders")).status).toBe(200);
    const error = await failure(client.post("customers", { email: "new.person@example.test" }));
    expect(error.status).toBe(401);
    expect(error.data).toEqual({
      code: "woocommerce_rest_authentication_error",
      message: "The API key provided does not have write permissions.",
      data: { status: 401 },
    });
  });

  it("only checks keys under /wp-json/wc/: a signed ?rest_route= request is anonymous (401)", async () => {
    const key = emulator.createKey("read_write");
    const url = signUrl("GET", `${emulator.url}/?rest_route=/wc/v3/customers`, key, {
      timestampSeconds: Math.floor(clock.now() / 1000),
    });
    const response = await fetch(url);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(basicOverHttp.body);
  });

  it("answers a revoked key with 'Consumer key is invalid.'", async () => {
    const key = await createKeyOverHttp(emulator, "read_write");
    const client = wooClient(emulator.url, key);
    expect((await client.get("customers")).status).toBe(200);
    const revoke = await fetch(`${emulator.url}/_emulator/keys/${key.consumer_key}`, { method: "DELETE" });
    expect(revoke.status).toBe(200);
    const error = await failure(client.get("customers"));
    expect(error.status).toBe(401);
    expect((error.data as { message: string }).message).toBe("Consumer key is invalid.");
  });

  it("answers per_page=101 with the exact captured 400 body, signed or not", async () => {
    const key = emulator.createKey("read");
    const error = await failure(wooClient(emulator.url, key).get("customers", { per_page: 101 }));
    expect(error.status).toBe(perPage101.status);
    expect(error.data).toEqual(perPage101.body);
    const anonymous = await fetch(`${emulator.url}/wp-json/wc/v3/orders?per_page=101`);
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toEqual(perPage101.body);
  });

  it("names the permission each anonymous action lacks", async () => {
    const view = await fetch(`${emulator.url}/wp-json/wc/v3/orders/12`);
    expect(await view.json()).toEqual({
      code: "woocommerce_rest_cannot_view",
      message: "Sorry, you cannot view this resource.",
      data: { status: 401 },
    });
    const create = await fetch(`${emulator.url}/wp-json/wc/v3/orders`, { method: "POST" });
    expect(((await create.json()) as { code: string }).code).toBe("woocommerce_rest_cannot_create");
  });
});

describe("WooCommerce emulator authentication (https semantics, behind a proxy WordPress trusts)", () => {
  let emulator: WooEmulator;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 3, orders: 2, products: 2 },
      // A wp-config.php that sets $_SERVER['HTTPS'] from X-Forwarded-Proto, as WordPress advises behind a proxy.
      trustForwardedProto: true,
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  const basic = (ck: string, cs: string) => `Basic ${Buffer.from(`${ck}:${cs}`).toString("base64")}`;

  it("accepts HTTP Basic behind a proxy that says X-Forwarded-Proto: https", async () => {
    const key = emulator.createKey("read");
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: { Authorization: basic(key.consumer_key, key.consumer_secret), "X-Forwarded-Proto": "https" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-wp-total")).toBe("3");
  });

  it("accepts consumer_key/consumer_secret query parameters over https", async () => {
    const key = emulator.createKey("read");
    const response = await fetch(
      `${emulator.url}/wp-json/wc/v3/products?consumer_key=${key.consumer_key}&consumer_secret=${key.consumer_secret}`,
      { headers: { "X-Forwarded-Proto": "https" } },
    );
    expect(response.status).toBe(200);
  });

  it("answers a wrong Basic secret with 'Consumer secret is invalid.' and an unknown key as anonymous", async () => {
    const key = emulator.createKey("read");
    const wrong = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: { Authorization: basic(key.consumer_key, "cs_nope"), "X-Forwarded-Proto": "https" },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toBe("Consumer secret is invalid.");
    const unknown = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: { Authorization: basic("ck_unknown", "cs_unknown"), "X-Forwarded-Proto": "https" },
    });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { code: string }).code).toBe("woocommerce_rest_cannot_view");
  });

  it("reads consumer_key/consumer_secret query parameters before HTTP Basic, as perform_basic_authentication does", async () => {
    const key = emulator.createKey("read");
    const response = await fetch(
      `${emulator.url}/wp-json/wc/v3/customers?consumer_key=${key.consumer_key}&consumer_secret=cs_nope`,
      {
        headers: {
          Authorization: basic(key.consumer_key, key.consumer_secret),
          "X-Forwarded-Proto": "https",
        },
      },
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toBe("Consumer secret is invalid.");
  });

  it("refuses a write with a read-only key over Basic", async () => {
    const key = emulator.createKey("read");
    const response = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      method: "POST",
      headers: {
        Authorization: basic(key.consumer_key, key.consumer_secret),
        "X-Forwarded-Proto": "https",
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ email: "x@example.test" }),
    });
    expect(response.status).toBe(401);
  });
});

describe("WooCommerce emulator in TLS mode", () => {
  let emulator: WooEmulator;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 4, orders: 2, products: 2 },
      tls: true,
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  it("serves https, and the official client authenticates with Basic and with query-string keys", async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const key = emulator.createKey("read_write");
    const httpsAgent = new https.Agent({ rejectUnauthorized: false });
    const basicClient = wooClient(emulator.url, key, { axiosConfig: { httpsAgent } });
    const response = await basicClient.get("customers");
    expect(response.status).toBe(200);
    expect(response.headers["x-wp-total"]).toBe("4");
    const queryClient = wooClient(emulator.url, key, { queryStringAuth: true, axiosConfig: { httpsAgent } });
    expect((await queryClient.get("orders")).status).toBe(200);
    const system = await basicClient.get("system_status");
    expect(system.data.environment.version).toBe("11.0.1");
    expect(system.data.environment.wp_version).toBe("7.1");
  });
});

describe("WooCommerce emulator behind a web server that strips the Authorization header", () => {
  let emulator: WooEmulator;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 1, products: 1 },
      stripsAuthorizationHeader: true,
      trustForwardedProto: true,
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  it("sees HTTP Basic as an anonymous request (401 cannot_view) but accepts the key as query parameters", async () => {
    const key = emulator.createKey("read");
    const basic = await fetch(`${emulator.url}/wp-json/wc/v3/customers`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${key.consumer_key}:${key.consumer_secret}`).toString("base64")}`,
        "X-Forwarded-Proto": "https",
      },
    });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toEqual(basicOverHttp.body);
    const query = await fetch(
      `${emulator.url}/wp-json/wc/v3/customers?consumer_key=${key.consumer_key}&consumer_secret=${key.consumer_secret}`,
      { headers: { "X-Forwarded-Proto": "https" } },
    );
    expect(query.status).toBe(200);
  });
});

describe("WooCommerce emulator installed in a sub-directory (/shop)", () => {
  let emulator: WooEmulator;

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 1, products: 1 },
      installPath: "/shop",
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  it("serves the REST API under the install path, OAuth signed over the site URL with its path", async () => {
    const key = emulator.createKey("read");
    const response = await wooClient(`${emulator.url}/shop`, key).get("customers");
    expect(response.status).toBe(200);
    expect(response.headers["x-wp-total"]).toBe("2");
    const status = await wooClient(`${emulator.url}/shop/`, key).get("system_status");
    expect(status.data.environment.home_url).toBe(`${emulator.url}/shop`);
    // Signed for the domain root, where no WordPress is: not found.
    const error = await failure(wooClient(emulator.url, key).get("customers"));
    expect(error.status).toBe(404);
  });
});

describe("WooCommerce emulator served over https by a proxy WordPress is not told about", () => {
  let emulator: WooEmulator;
  const httpsAgent = new https.Agent({ rejectUnauthorized: false });

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 2, orders: 1, products: 1 },
      tls: true,
      tlsHiddenFromWordPress: true,
      autoDeliver: false,
    });
  });
  afterAll(() => emulator.close());

  const get = (url: string) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      https
        .get(url, { agent: httpsAgent }, (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        })
        .on("error", reject);
    });

  it("ignores Basic and query keys (is_ssl() is false) but accepts OAuth 1.0a signed over the http:// address", async () => {
    const key = emulator.createKey("read");
    const basic = await failure(
      wooClient(emulator.url, key, { axiosConfig: { httpsAgent } }).get("customers"),
    );
    expect([basic.status, basic.data]).toEqual([401, basicOverHttp.body]);
    const query = wooClient(emulator.url, key, { queryStringAuth: true, axiosConfig: { httpsAgent } });
    expect((await failure(query.get("customers"))).data).toEqual(basicOverHttp.body);
    const path = "/wp-json/wc/v3/customers?per_page=1";
    const httpAddress = emulator.url.replace(/^https:/, "http:");
    const signedAsHttp = signUrl("GET", `${httpAddress}${path}`, key).replace(/^http:/, "https:");
    expect((await get(signedAsHttp)).status).toBe(200);
    const signedAsHttps = signUrl("GET", `${emulator.url}${path}`, key);
    expect((await get(signedAsHttps)).body).toEqual(wrongSecret.body);
  });
});
