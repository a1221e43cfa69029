/**
 * Fidelity audit 5 (ADR 0061): `OPTIONS` on REST routes, answered as WordPress 7.1 +
 * WooCommerce 11.0.1 answer them. No capture covers either; the facts come from WordPress's and WooCommerce's own
 * code, named in each test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, signUrl } from "../test-helpers";

const clock = new ManualClock(Date.UTC(2026, 11, 3, 16, 0, 0));
let woo: WooEmulator;
let key: { consumer_key: string; consumer_secret: string };

beforeAll(async () => {
  woo = await startWooEmulator({
    seed: 5,
    counts: { customers: 14, orders: 3, products: 3 },
    clock,
    autoDeliver: false,
  });
  key = woo.createKey("read_write");
});
afterAll(() => woo.close());

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One OAuth-signed request over plain http, as the official client sends it. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  signer: { consumer_key: string; consumer_secret: string } = key,
): Promise<Answer> {
  const url = signUrl(method, `${woo.url}/wp-json/wc/v3/${path}`, signer, {
    timestampSeconds: Math.floor(clock.now() / 1000),
  });
  const response = await fetch(url, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function anonymous(method: string, path: string): Promise<Answer> {
  const response = await fetch(`${woo.url}${path}`, { method });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

type Routes = Record<string, Record<string, unknown>>;

async function indexRoutes(): Promise<Routes> {
  return ((await anonymous("GET", "/wp-json/")).body as { routes: Routes }).routes;
}

// wp-includes/rest-api.php rest_handle_options_request() (a rest_pre_dispatch filter) and rest_send_allow_header().
describe("OPTIONS on a REST route", () => {
  it("answers a keyed request with the route's data and the methods it allows", async () => {
    const routes = await indexRoutes();
    const list = await call("OPTIONS", "orders");
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    expect(list.headers.get("allow")).toBe("GET, POST");
    expect(Object.keys(list.body as object)).toEqual(["namespace", "methods", "endpoints", "_links"]);
    expect(list.body).toEqual(routes["/wc/v3/orders"]);
    expect(list.body).toMatchObject({ namespace: "wc/v3", methods: ["GET", "POST"] });

    const item = await call("OPTIONS", "orders/987654");
    expect(item.status).toBe(200);
    expect(item.headers.get("allow")).toBe("GET, POST, PUT, PATCH, DELETE");
    expect(item.body).toEqual(routes["/wc/v3/orders/(?P<id>[\\d]+)"]);
    expect((item.body as { methods: string[] }).methods).toEqual(["GET", "POST", "PUT", "PATCH", "DELETE"]);
    expect(item.body).not.toHaveProperty("_links");

    const batch = await call("OPTIONS", "products/batch");
    expect(batch.headers.get("allow")).toBe("POST, PUT, PATCH");
    expect(batch.body).toEqual(routes["/wc/v3/products/batch"]);
  });

  it("answers an anonymous caller with the same data but no Allow (no permission callback passes)", async () => {
    const routes = await indexRoutes();
    const answer = await anonymous("OPTIONS", "/wp-json/wc/v3/customers");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("allow")).toBeNull();
    expect(answer.body).toEqual(routes["/wc/v3/customers"]);
    const viaQuery = await anonymous("OPTIONS", "/?rest_route=/wc/v3/customers");
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body).toEqual(routes["/wc/v3/customers"]);
  });

  it("answers the index route with its data and Allow: GET (its permission callback is __return_true)", async () => {
    const routes = await indexRoutes();
    const answer = await anonymous("OPTIONS", "/wp-json/");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("allow")).toBe("GET");
    expect(answer.body).toEqual(routes["/"]);
  });

  it("answers 200 with [] and no Allow when no route matches", async () => {
    const answer = await call("OPTIONS", "no-such-route");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([]);
    expect(answer.headers.get("allow")).toBeNull();
  });

  it("still refuses a wrong secret first (authentication runs before dispatch)", async () => {
    const answer = await call("OPTIONS", "orders", undefined, { ...key, consumer_secret: "cs_wrong" });
    expect(answer.status).toBe(401);
    expect((answer.body as { code: string }).code).toBe("woocommerce_rest_authentication_error");
  });
});
