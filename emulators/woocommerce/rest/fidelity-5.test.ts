/**
 * Fidelity audit 5 (ADR 0061): `OPTIONS` on REST routes and `/customers?orderby=name`, answered as WordPress 7.1 +
 * WooCommerce 11.0.1 answer them. No capture covers either; the facts come from WordPress's and WooCommerce's own
 * code, named in each test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, signedRestCaller, type RestAnswer } from "../test-helpers";

const clock = new ManualClock(Date.UTC(2026, 11, 3, 16, 0, 0));
let woo: WooEmulator;
let key: { consumer_key: string; consumer_secret: string };
/** One OAuth-signed request over plain http, as the official client sends it. */
let call: ReturnType<typeof signedRestCaller>;

beforeAll(async () => {
  woo = await startWooEmulator({
    seed: 5,
    counts: { customers: 14, orders: 3, products: 3 },
    clock,
    autoDeliver: false,
  });
  key = woo.createKey("read_write");
  call = signedRestCaller(woo, clock, key);
});
afterAll(() => woo.close());

async function anonymous(method: string, path: string): Promise<RestAnswer> {
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

interface Customer {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
}

/**
 * WC_REST_Customers_V2_Controller::get_items maps orderby name to WP_User_Query's `display_name`. A user created
 * with first and last name gets "First Last" from wp_insert_user; a customer created through the REST API gets its
 * login (WC_Customer_Data_Store::create updates it with an empty display_name, which wp_insert_user fills with the
 * login on an update). MySQL compares under a case-insensitive collation.
 */
describe("/customers?orderby=name sorts by display_name", () => {
  let createdId = 0;

  /** The display name WordPress gave each user: the REST-created one its login, the others their names. */
  const display = (c: Customer) =>
    c.id === createdId
      ? c.username
      : c.first_name && c.last_name
        ? `${c.first_name} ${c.last_name}`
        : c.first_name || c.last_name || c.username;
  const byDisplay = (a: Customer, b: Customer) => {
    const [ka, kb] = [display(a).toLowerCase(), display(b).toLowerCase()];
    return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
  };

  beforeAll(async () => {
    const created = await call("POST", "customers", {
      email: "zed.rest@example.test",
      username: "Zed",
      first_name: "Aaron",
      last_name: "Able",
    });
    expect(created.status).toBe(201);
    createdId = (created.body as Customer).id;
  });

  it("sorts seeded customers by 'First Last' and a REST-created one by its login, ignoring letter case", async () => {
    const listed = (await call("GET", "customers?orderby=name&order=asc&per_page=100")).body as Customer[];
    expect(listed.length).toBe(15);
    expect(listed.map((c) => c.id)).toEqual([...listed].sort(byDisplay).map((c) => c.id));
    // By login, "Zed" (capital Z) would sort before every lower-case login; by display name it is "zed", and
    // by its first name "Aaron" it would come first.
    expect(listed[0].id).not.toBe(createdId);

    const byDefault = (await call("GET", "customers?per_page=100")).body as Customer[];
    expect(byDefault.map((c) => c.id)).toEqual(listed.map((c) => c.id));
    const desc = (await call("GET", "customers?orderby=name&order=desc&per_page=100")).body as Customer[];
    expect(desc.map((c) => display(c))).toEqual(listed.map((c) => display(c)).reverse());
  });

  it("sorts staff by their display names too with role=all (admin has no names: its login)", async () => {
    const all = (await call("GET", "customers?role=all&orderby=name&per_page=100")).body as Customer[];
    expect(all.map((c) => c.username)).toEqual(expect.arrayContaining(["admin", "shopmanager"]));
    expect(all.map((c) => c.id)).toEqual([...all].sort(byDisplay).map((c) => c.id));
  });
});
