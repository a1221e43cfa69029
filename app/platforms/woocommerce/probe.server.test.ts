import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../../emulators/woocommerce/server";
import { apiLinkOf, htmlTitle, siteName } from "./probe.server";
import { testPlatform } from "./testing/harness";

const TLS_DIR = new URL("../../../emulators/woocommerce/fixtures/tls/", import.meta.url);
const CERT = readFileSync(new URL("localhost-cert.pem", TLS_DIR), "utf8");
const KEY = readFileSync(new URL("localhost-key.pem", TLS_DIR), "utf8");

/** A bare local server: counts what reaches it and answers with `handler`. */
async function stubServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  options: { tls?: boolean; host?: string } = {},
) {
  const hits: string[] = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  };
  const server = options.tls
    ? https.createServer({ key: KEY, cert: CERT }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, options.host ?? "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    url: `${options.tls ? "https" : "http"}://${options.tls ? "localhost" : "127.0.0.1"}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("connection test: SSRF guard", () => {
  const strict = testPlatform({ allowPrivate: false });
  afterAll(() => strict.close());

  it("refuses 127.0.0.1 without the allow-list, before any request reaches it", async () => {
    const target = await stubServer((_req, res) => res.end("hello"));
    await expect(strict.connector.discover(target.url)).rejects.toMatchObject({
      code: "store_address_refused",
    });
    expect(target.hits).toEqual([]);
    await target.close();
  });

  it("refuses the cloud metadata address and link-local addresses, even when private ones are allowed", async () => {
    const dev = testPlatform({ allowPrivate: true });
    await expect(dev.connector.discover("http://169.254.169.254/latest/meta-data/")).rejects.toMatchObject({
      code: "store_address_refused",
      kind: "metadata",
    });
    await expect(dev.connector.discover("https://[fe80::1]/")).rejects.toMatchObject({ kind: "link_local" });
    dev.close();
  });

  it("refuses file: and other schemes", async () => {
    await expect(strict.connector.discover("file:///etc/passwd")).rejects.toMatchObject({
      code: "store_url_invalid",
    });
    await expect(strict.connector.discover("gopher://shop.example")).rejects.toMatchObject({
      code: "store_url_invalid",
    });
  });

  it("refuses a host name that resolves to a 10.x address", async () => {
    const platform = testPlatform({
      allowPrivate: false,
      resolve: async (host) => (host === "shop.example" ? ["10.20.30.40"] : []),
    });
    await expect(platform.connector.discover("https://shop.example")).rejects.toMatchObject({
      code: "store_address_refused",
      kind: "private",
    });
    platform.close();
  });

  it("refuses a redirect to a private address before following it", async () => {
    const inside = await stubServer((_req, res) => res.end("secret"), { host: "127.0.0.2" });
    const redirector = await stubServer(
      (req, res) => {
        res.writeHead(301, { Location: `http://127.0.0.2:${inside.port}${req.url}` });
        res.end();
      },
      { tls: true },
    );
    // The redirector stands in for a public store: 127.0.0.1 is treated as public for this test only.
    const platform = testPlatform({ allowPrivate: false, extraCa: CERT, treatAsPublic: ["127.0.0.1"] });
    await expect(platform.connector.discover(redirector.url)).rejects.toMatchObject({
      code: "store_address_refused",
      kind: "loopback",
    });
    expect(redirector.hits).toHaveLength(1);
    expect(inside.hits).toEqual([]);
    platform.close();
    await Promise.all([inside.close(), redirector.close()]);
  });

  it("requires https for a public store", async () => {
    const platform = testPlatform({ allowPrivate: false, resolve: async () => ["93.184.216.34"] });
    await expect(platform.connector.discover("http://shop.example")).rejects.toThrow(
      /Use the store's https:\/\//,
    );
    platform.close();
  });
});

describe("connection test against the emulator", () => {
  let woo: WooEmulator;
  const platform = testPlatform({ probeTimeoutMs: 800 });
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 3, orders: 3, products: 2 },
      siteName: "Acme & Co",
      autoDeliver: false,
    });
  });
  afterAll(async () => {
    platform.close();
    await woo.close();
  });

  it("reports the store's name, WooCommerce version and currency for a good key", async () => {
    // Found through the REST index, whose name WordPress keeps HTML-escaped ("Acme &amp; Co").
    const store = await platform.connector.discover(`${woo.url}/wp-admin/`);
    expect(store.name).toBe("Acme & Co");
    const key = woo.createKey("read_write");
    const facts = await platform.connector.testKey(store, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    expect(facts).toEqual({
      url: woo.url,
      name: "Acme & Co",
      wooCommerceVersion: "11.0.1",
      wordPressVersion: "7.1",
      currency: "USD",
    });
  });

  // A security plugin that hides the REST API from visitors (the index included) but lets keys through: the home
  // page's Link header says where the API is, and the key test reads the store as usual.
  it.each([
    ["not-logged-in", 401],
    ["disabled", 404],
  ] as const)(
    "finds the store from its home page when the REST index answers %s (%i)",
    async (mode, status) => {
      woo.context.anonymousRest = mode;
      try {
        expect((await fetch(`${woo.url}/wp-json/`)).status).toBe(status);
        const store = await platform.connector.discover(woo.url);
        expect([store.url.url, store.name]).toEqual([woo.url, "Acme & Co"]);
        const key = woo.createKey("read");
        const facts = await platform.connector.testKey(store, {
          consumerKey: key.consumer_key,
          consumerSecret: key.consumer_secret,
        });
        expect(facts).toMatchObject({ url: woo.url, name: "Acme & Co", wooCommerceVersion: "11.0.1" });
      } finally {
        woo.context.anonymousRest = "open";
      }
    },
  );

  it("says the key was rejected when the secret is wrong", async () => {
    const store = await platform.connector.discover(woo.url);
    const key = woo.createKey("read_write");
    await expect(
      platform.connector.testKey(store, {
        consumerKey: key.consumer_key,
        consumerSecret: `${key.consumer_secret}x`,
      }),
    ).rejects.toMatchObject({
      code: "woocommerce_auth",
      message: expect.stringMatching(/Invalid signature/),
    });
  });

  it("says when the site is not WooCommerce", async () => {
    woo.addFault({ type: "not-woocommerce" });
    await expect(platform.connector.discover(woo.url)).rejects.toThrow(
      /does not look like a WordPress site with WooCommerce/,
    );
    woo.clearFaults();
  });

  it("says the store's server is failing (503), not that the site is not WooCommerce", async () => {
    woo.addFault({ type: "error", status: 503, persistent: true });
    await expect(platform.connector.discover(woo.url)).rejects.toMatchObject({
      code: "woocommerce_server",
      message: expect.stringMatching(/^The store had an error \(503\) while testing the connection\./),
    });
    woo.clearFaults();
  });

  it("says when the store does not answer in time", async () => {
    woo.addFault({ type: "timeout", count: 1 });
    await expect(platform.connector.discover(woo.url)).rejects.toMatchObject({ code: "woocommerce_timeout" });
    woo.clearFaults();
  });
});

describe("connection test over https", () => {
  let woo: WooEmulator;
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      tls: true,
      autoDeliver: false,
    });
  });
  afterAll(() => woo.close());

  it("refuses a certificate it cannot verify", async () => {
    const platform = testPlatform();
    await expect(
      platform.connector.discover(woo.url.replace("127.0.0.1", "localhost")),
    ).rejects.toMatchObject({
      code: "woocommerce_tls",
    });
    platform.close();
  });

  it("says an https:// address reached a server without HTTPS, rather than blaming a certificate", async () => {
    const plain = await stubServer((_req, res) => res.end("hello"));
    const platform = testPlatform();
    const error = await platform.connector.discover(`https://127.0.0.1:${plain.port}`).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toMatchObject({ code: "woocommerce_tls" });
    expect(error?.message).toMatch(/did not answer over HTTPS/);
    expect(error?.message).not.toMatch(/certificate/);
    platform.close();
    await plain.close();
  });

  it("connects with HTTP Basic over a trusted certificate", async () => {
    const platform = testPlatform({ extraCa: CERT });
    const store = await platform.connector.discover(woo.url);
    const key = woo.createKey("read");
    const facts = await platform.connector.testKey(store, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    expect(facts.url.startsWith("https://")).toBe(true);
    expect(facts.wooCommerceVersion).toBe("11.0.1");
    platform.close();
  });

  it("goes back to HTTP Basic when a store saved as signed over http:// now sees its https (the proxy was fixed)", async () => {
    const platform = testPlatform({ extraCa: CERT });
    const key = woo.createKey("read");
    const credentials = { consumerKey: key.consumer_key, consumerSecret: key.consumer_secret };
    const client = platform.connector.client(woo.url, credentials, undefined, { oauthOverHttps: true });
    expect((await client.get<unknown[]>("customers", { per_page: 1 })).data).toHaveLength(1);
    expect([client.oauthOverHttps, client.authInQuery]).toEqual([false, false]);
    platform.close();
  });
});

describe("store pages without a REST index", () => {
  it("explains plain permalinks", async () => {
    const site = await stubServer((req, res) => {
      if (req.url?.startsWith("/wp-json")) {
        res.writeHead(404, { "Content-Type": "text/html" });
        res.end("<html><title>Not found</title></html>");
        return;
      }
      res.writeHead(200, {
        "Content-Type": "text/html",
        Link: `<http://127.0.0.1/?rest_route=/>; rel="https://api.w.org/"`,
      });
      res.end("<html><head><title>Plain Shop</title></head></html>");
    });
    const platform = testPlatform();
    await expect(platform.connector.discover(site.url)).rejects.toThrow(/Settings → Permalinks/);
    platform.close();
    await site.close();
  });

  it("says when WordPress runs without WooCommerce", async () => {
    const site = await stubServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ name: "A blog", namespaces: ["oembed/1.0", "wp/v2"] }));
    });
    const platform = testPlatform();
    await expect(platform.connector.discover(site.url)).rejects.toThrow(
      /WooCommerce plugin is installed and active/,
    );
    platform.close();
    await site.close();
  });

  it("reads the REST root from the page head and the title as the site's name", () => {
    expect(
      apiLinkOf(undefined, `<link rel="https://api.w.org/" href="https://x.test/shop/wp-json/" />`),
    ).toBe("https://x.test/shop/wp-json/");
    expect(apiLinkOf(`<https://x.test/wp-json/>; rel="https://api.w.org/"`, "")).toBe(
      "https://x.test/wp-json/",
    );
    expect(htmlTitle("<title>Bob&#039;s &amp; Co &#8211; Shop</title>")).toBe("Bob's & Co – Shop");
    // A long title is cut between words, and says so.
    const long =
      "Boutique Élégance des Artisans Réunis de la Vallée de la Loire — Maison Fondée en 1887, Vins, Fromages et " +
      "Produits du Terroir";
    expect(htmlTitle(`<title>${long}</title>`)).toBe(
      "Boutique Élégance des Artisans Réunis de la Vallée de la Loire — Maison Fondée en 1887, Vins, Fromages et Produits du…",
    );
  });

  it("decodes a site name's character references once, and one that names no character does not stop discovery", () => {
    // "&#38;lt;b&#38;gt;" is the text "&lt;b&gt;": the "&" a reference gives does not start another one.
    expect(siteName("&#38;lt;b&#38;gt; Tools")).toBe("&lt;b&gt; Tools");
    expect(siteName("Tom &#x26;amp; Jerry")).toBe("Tom &amp; Jerry");
    expect(siteName("Tom &amp;amp; Jerry")).toBe("Tom &amp; Jerry");
    expect(htmlTitle("<title>&#38;#60;b&#38;#62;</title>")).toBe("&#60;b&#62;");
    // Past U+10FFFF, a surrogate or NUL: U+FFFD, as a browser reads it (String.fromCodePoint would throw).
    expect(siteName("Shop &#99999999999; &#x110000; &#xD800; &#0; end")).toBe(
      "Shop \uFFFD \uFFFD \uFFFD \uFFFD end",
    );
    expect(htmlTitle("<title>Acme &#1114112;</title>")).toBe("Acme \uFFFD");
  });

  it("keeps a site name whole text: a long name is not cut inside an emoji, and a lone surrogate is U+FFFD", () => {
    // Half an emoji cannot be saved in PostgreSQL's JSON settings: the connect failed there.
    expect(siteName("🌸".repeat(70))).toBe(`${"🌸".repeat(59)}…`);
    expect(htmlTitle(`<title>${"🌸".repeat(70)}</title>`)).toBe(`${"🌸".repeat(59)}…`);
    // The REST index is JSON, and JSON may spell half a pair ("\ud83c").
    expect(siteName(JSON.parse('"Acme \\ud83c Co \\udf38"') as string)).toBe("Acme \uFFFD Co \uFFFD");
    expect(siteName("Acme 🌸 Co")).toBe("Acme 🌸 Co");
  });
});

describe("connection test over https when the store's web server drops the Authorization header", () => {
  let woo: WooEmulator;
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      tls: true,
      stripsAuthorizationHeader: true,
      autoDeliver: false,
    });
  });
  afterAll(() => woo.close());

  it("falls back from HTTP Basic to query parameters once, and says so in the store's facts", async () => {
    const platform = testPlatform({ extraCa: CERT });
    const store = await platform.connector.discover(woo.url);
    const key = woo.createKey("read_write");
    const facts = await platform.connector.testKey(store, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    expect(facts).toMatchObject({ wooCommerceVersion: "11.0.1", authInQuery: true });
    platform.close();
  });

  it("says the key is unknown when the store knows it no way (its OAuth check names it), and keeps Basic", async () => {
    const platform = testPlatform({ extraCa: CERT });
    const client = platform.connector.client(woo.url, {
      consumerKey: "ck_0123456789abcdef0123456789abcdef01234567",
      consumerSecret: "cs_0123456789abcdef0123456789abcdef01234567",
    });
    await expect(client.get("system_status")).rejects.toMatchObject({
      code: "woocommerce_auth",
      wooCode: "woocommerce_rest_authentication_error",
      message: expect.stringContaining("Consumer key is invalid."),
    });
    expect([client.authInQuery, client.oauthOverHttps]).toEqual([false, false]);
    platform.close();
  });
});

// WooCommerce reads Basic and query keys only when WordPress's is_ssl() is true; behind a TLS-terminating proxy that
// does not set HTTPS it is false, and WooCommerce checks OAuth 1.0a signed over the site's http:// address instead.
describe("connection test over https when WordPress does not know it is served over https (a proxy ends TLS)", () => {
  let woo: WooEmulator;
  beforeAll(async () => {
    woo = await startWooEmulator({
      counts: { customers: 2, orders: 2, products: 1 },
      tls: true,
      tlsHiddenFromWordPress: true,
      autoDeliver: false,
    });
  });
  afterAll(() => woo.close());

  it("falls back to OAuth 1.0a signed over the http:// address, sent over https, and says so in the facts", async () => {
    const platform = testPlatform({ extraCa: CERT });
    const store = await platform.connector.discover(woo.url);
    const key = woo.createKey("read_write");
    const facts = await platform.connector.testKey(store, {
      consumerKey: key.consumer_key,
      consumerSecret: key.consumer_secret,
    });
    expect(facts).toMatchObject({ wooCommerceVersion: "11.0.1", oauthOverHttps: true });
    expect(facts.authInQuery).toBeUndefined();
    // A client told so from the start signs at once: one request, no refused attempt first.
    const client = platform.connector.client(
      facts.url,
      { consumerKey: key.consumer_key, consumerSecret: key.consumer_secret },
      undefined,
      { oauthOverHttps: true },
    );
    woo.context.load.clearRequests();
    const response = await client.get<unknown[]>("customers", { per_page: 1 });
    expect(response.data).toHaveLength(1);
    const [sent, ...more] = woo.context.load.requestLog();
    expect([sent.path, more.length]).toEqual(["/wp-json/wc/v3/customers", 0]);
    platform.close();
  });
});
