import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { INDEX_NAMESPACES } from "./rest-index";

const INDEX_KEYS = [
  "name",
  "description",
  "url",
  "home",
  "gmt_offset",
  "timezone_string",
  "page_for_posts",
  "page_on_front",
  "show_on_front",
  "namespaces",
  "authentication",
  "routes",
  "site_logo",
  "site_icon",
  "site_icon_url",
  "_links",
];

type Index = Record<string, unknown> & {
  namespaces: string[];
  routes: Record<string, { namespace: string; methods: string[]; endpoints: { methods: string[] }[] }>;
};

/** A concrete path for a route pattern: every `(?P<name>[\d]+)` becomes an id. */
function concrete(pattern: string, id: number): string {
  return pattern.replace(/\(\?P<\w+>[^)]*\)/g, String(id));
}

describe("WooCommerce emulator: WordPress's REST index (GET /wp-json/)", () => {
  let woo: WooEmulator;

  beforeAll(async () => {
    woo = await startWooEmulator({ counts: { customers: 3, orders: 3, products: 2 }, autoDeliver: false });
  });
  afterAll(() => woo.close());

  it("answers anonymously with the site, its namespaces and routes, in get_index's key order", async () => {
    const response = await fetch(`${woo.url}/wp-json/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(response.headers.get("link")).toBe(`<${woo.url}/wp-json/>; rel="https://api.w.org/"`);
    expect(response.headers.get("allow")).toBe("GET");
    expect(response.headers.get("x-wp-total")).toBeNull();
    const text = await response.text();
    expect(text).toContain('"url":"http:\\/\\/127.0.0.1'); // wp_json_encode bytes
    const index = JSON.parse(text) as Index;
    expect(Object.keys(index)).toEqual(INDEX_KEYS);
    expect(index).toMatchObject({
      name: "Commerce Sync Emulator Store",
      description: "",
      url: woo.url,
      home: woo.url,
      gmt_offset: "0",
      timezone_string: "",
      authentication: [],
      site_logo: 0,
      site_icon: 0,
      site_icon_url: "",
      _links: { help: [{ href: "https://developer.wordpress.org/rest-api/" }] },
    });
    for (const ns of ["oembed/1.0", "wc/v1", "wc/v2", "wc/v3", "wc/store/v1", "wc-analytics", "wp/v2"])
      expect(index.namespaces).toContain(ns);
    expect(index.routes["/"]).toMatchObject({ namespace: "", methods: ["GET"] });
    expect(index.routes["/wc/v3/orders/(?P<id>[\\d]+)"]).toEqual({
      namespace: "wc/v3",
      methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      endpoints: [
        {
          methods: ["GET"],
          args: expect.objectContaining({ id: expect.any(Object), context: expect.any(Object) }),
        },
        { methods: ["POST", "PUT", "PATCH"], args: { id: expect.any(Object) } },
        { methods: ["DELETE"], args: { id: expect.any(Object), force: expect.any(Object) } },
      ],
    });
    // A route without variables links to itself; one with variables does not.
    expect(index.routes["/wc/v3/customers"]).toHaveProperty(
      "_links.self.0.href",
      `${woo.url}/wp-json/wc/v3/customers`,
    );
    expect(index.routes["/wc/v3/customers/(?P<id>[\\d]+)"]).not.toHaveProperty("_links");
  });

  it("lists only routes the emulator serves: each listed route and method is answered, never rest_no_route", async () => {
    const index = (await (await fetch(`${woo.url}/wp-json/`)).json()) as Index;
    const v3 = Object.entries(index.routes).filter(([route]) => route.startsWith("/wc/v3/"));
    expect(v3.length).toBeGreaterThanOrEqual(18);
    const orderId = [...woo.store.orders.keys()][0];
    for (const [route, data] of v3) {
      expect(data.namespace).toBe("wc/v3");
      for (const method of data.methods) {
        const response = await fetch(`${woo.url}/wp-json${concrete(route, orderId)}`, { method });
        const body = (await response.json()) as { code?: string };
        expect(`${method} ${route} → ${body.code ?? response.status}`).not.toContain("rest_no_route");
      }
    }
  });

  it("is the same at /wp-json, at ?rest_route=/ and with _fields keeps only the named fields (no _links)", async () => {
    const full = await (await fetch(`${woo.url}/wp-json/`)).text();
    expect(await (await fetch(`${woo.url}/wp-json`)).text()).toBe(full);
    expect(await (await fetch(`${woo.url}/?rest_route=/`)).text()).toBe(full);
    const trimmed = await fetch(`${woo.url}/wp-json/?_fields=name,description,home,namespaces`);
    const body = (await trimmed.json()) as Index;
    expect(Object.keys(body)).toEqual(["name", "description", "home", "namespaces"]);
    expect(body.namespaces).toEqual([...INDEX_NAMESPACES]);
  });

  it("answers other methods with rest_no_route", async () => {
    const post = await fetch(`${woo.url}/wp-json/`, { method: "POST" });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { code: string }).code).toBe("rest_no_route");
  });

  it("carries PHP notices like every REST answer (php-notice fault)", async () => {
    woo.addFault({ type: "php-notice", format: "text" });
    const text = await (await fetch(`${woo.url}/wp-json/?_fields=name`)).text();
    expect(text).toMatch(/^\nDeprecated: .* on line 48\n\{"name":"Commerce Sync Emulator Store"\}$/);
  });

  it("is named on the home page by a Link header and the head's link tag", async () => {
    const home = await fetch(`${woo.url}/`);
    expect(home.headers.get("link")).toBe(`<${woo.url}/wp-json/>; rel="https://api.w.org/"`);
    expect(await home.text()).toContain(`<link rel="https://api.w.org/" href="${woo.url}/wp-json/">`);
  });
});

describe("WooCommerce emulator: the REST index of other sites", () => {
  it("names the site as WordPress saved it (HTML entities), under a sub-directory install, in its UTC offset", async () => {
    const woo = await startWooEmulator({
      siteName: "Bob's Tools & Co",
      installPath: "/shop",
      utcOffsetMinutes: 330,
      autoDeliver: false,
    });
    try {
      expect((await fetch(`${woo.url}/wp-json/`)).status).toBe(404);
      const index = (await (await fetch(`${woo.url}/shop/wp-json/`)).json()) as Index;
      expect(index).toMatchObject({
        name: "Bob&#039;s Tools &amp; Co",
        url: `${woo.url}/shop`,
        home: `${woo.url}/shop`,
        gmt_offset: "5.5",
      });
      expect(index.routes["/"]).toHaveProperty("_links.self.0.href", `${woo.url}/shop/wp-json/`);
      const plain = (await (await fetch(`${woo.url}/shop/?rest_route=/`)).json()) as Index;
      expect(plain.home).toBe(`${woo.url}/shop`);
    } finally {
      await woo.close();
    }
  });

  it("offers application passwords when WordPress sees https", async () => {
    const woo = await startWooEmulator({ trustForwardedProto: true, autoDeliver: false });
    try {
      const response = await fetch(`${woo.url}/wp-json/?_fields=authentication`, {
        headers: { "X-Forwarded-Proto": "https" },
      });
      expect(await response.json()).toEqual({
        authentication: {
          "application-passwords": {
            endpoints: { authorization: `${woo.url}/wp-admin/authorize-application.php` },
          },
        },
      });
    } finally {
      await woo.close();
    }
  });

  it("is refused to anonymous callers behind a security plugin, while a valid key still reads", async () => {
    const woo = await startWooEmulator({ anonymousRest: "not-logged-in", autoDeliver: false, tls: true });
    const tls = await import("node:https");
    const get = (path: string, auth?: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = tls.get(
          `${woo.url}${path}`,
          { rejectUnauthorized: false, headers: auth ? { Authorization: auth } : {} },
          (res) => {
            let text = "";
            res.on("data", (chunk: Buffer) => (text += chunk.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on("error", reject);
      });
    try {
      expect(await get("/wp-json/")).toEqual({
        status: 401,
        body: {
          code: "rest_not_logged_in",
          message: "You are not currently logged in.",
          data: { status: 401 },
        },
      });
      expect((await get("/wp-json/wc/v3/customers")).status).toBe(401);
      const key = woo.createKey("read");
      const basic = `Basic ${Buffer.from(`${key.consumer_key}:${key.consumer_secret}`).toString("base64")}`;
      expect((await get("/wp-json/wc/v3/customers?per_page=1", basic)).status).toBe(200);

      woo.context.anonymousRest = "disabled";
      expect(await get("/?rest_route=/")).toEqual({
        status: 404,
        body: {
          code: "rest_disabled",
          message: "The REST API is disabled on this site.",
          data: { status: 404 },
        },
      });
    } finally {
      await woo.close();
    }
  });

  it("switches anonymous access through the control API", async () => {
    const woo = await startWooEmulator({ autoDeliver: false });
    try {
      const set = (anonymous: string) =>
        fetch(`${woo.url}/_emulator/rest-access`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ anonymous }),
        });
      expect((await set("disabled")).status).toBe(200);
      expect((await fetch(`${woo.url}/wp-json/`)).status).toBe(404);
      expect(await (await fetch(`${woo.url}/_emulator/rest-access`)).json()).toEqual({
        anonymous: "disabled",
      });
      expect((await set("open")).status).toBe(200);
      expect((await fetch(`${woo.url}/wp-json/`)).status).toBe(200);
      expect((await set("sometimes")).status).toBe(400);
    } finally {
      await woo.close();
    }
  });
});
