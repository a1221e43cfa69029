/**
 * Fidelity audit 4 (ADR 0060): requests a connector can make, answered as WordPress 7.1 + WooCommerce 11.0.1 answer
 * them. Facts are from PLATFORM_FACTS.md and the real captures where they exist, otherwise from WordPress and
 * WooCommerce's own code (named in each test). The first block pins what the audit changed; the second pins what it
 * checked and found faithful, so a later change cannot drift from it unnoticed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, fixture, signedRestCaller, type RestAnswer } from "../test-helpers";

const clock = new ManualClock(Date.UTC(2026, 11, 3, 13, 5, 9));
let woo: WooEmulator;
let key: { consumer_key: string; consumer_secret: string };
/** One OAuth-signed request over plain http, as the official client sends it. */
let call: ReturnType<typeof signedRestCaller>;

beforeAll(async () => {
  woo = await startWooEmulator({
    seed: 3,
    counts: { customers: 12, orders: 20, products: 12 },
    clock,
    autoDeliver: false,
  });
  key = woo.createKey("read_write");
  call = signedRestCaller(woo, clock, key);
});
afterAll(() => woo.close());

const ids = (answer: RestAnswer) => (answer.body as { id: number }[]).map((r) => r.id);

describe("fixed in audit 4", () => {
  // wp-includes/rest-api.php rest_api_loaded(): $route = untrailingslashit( rest_route ).
  it("serves a route with a trailing slash as the route without it, signed over the path as sent", async () => {
    const plain = await call("GET", "orders?per_page=3");
    const slashed = await call("GET", "orders/?per_page=3");
    expect(slashed.status).toBe(200);
    expect(ids(slashed)).toEqual(ids(plain));
    expect(slashed.headers.get("x-wp-total")).toBe(plain.headers.get("x-wp-total"));
    const id = ids(plain)[0];
    const one = await call("GET", `orders/${id}/`);
    expect(one.status).toBe(200);
    expect((one.body as { id: number }).id).toBe(id);
  });

  // WC_REST_Products_V2_Controller::prepare_objects_query: `if ( ! empty( $request['sku'] ) )`, and with more than one
  // SKU "Include the current string as a SKU too".
  it("ignores an empty sku filter and also matches a comma list as one SKU", async () => {
    const all = await call("GET", "products?per_page=100");
    for (const empty of ["", "0"]) {
      const answer = await call("GET", `products?per_page=100&sku=${empty}`);
      expect(answer.headers.get("x-wp-total")).toBe(all.headers.get("x-wp-total"));
    }
    const comma = woo.store.createProduct({ name: "Bundle", sku: "PACK-A,PACK-B", regular_price: "5" });
    const answer = await call("GET", "products?sku=PACK-A,PACK-B");
    expect(ids(answer)).toEqual([comma.id]);
  });

  // WP_REST_Request::has_valid_params: every invalid argument gets `params` and `details`.
  it.each([
    [
      "orders",
      { status: "bogus" },
      "status",
      "pending, processing, on-hold, completed, cancelled, refunded, failed",
    ],
    ["products", { name: "X", type: "bundle" }, "type", "simple, grouped, external, and variable"],
    [
      "webhooks",
      { topic: "order.created", delivery_url: "https://example.test/hooks", status: "asleep" },
      "status",
      "active, paused, and disabled",
    ],
  ])("answers an invalid %s enum in a body with params and details", async (resource, body, name, values) => {
    const answer = await call("POST", resource, body);
    expect(answer.status).toBe(400);
    const error = answer.body as {
      code: string;
      message: string;
      data: { status: number; params: Record<string, string>; details: Record<string, { code: string }> };
    };
    expect(error.code).toBe("rest_invalid_param");
    expect(error.message).toBe(`Invalid parameter(s): ${name}`);
    expect(error.data.params[name]).toContain(`${name} is not one of ${values}`);
    expect(error.data.details[name]).toEqual({
      code: "rest_not_in_enum",
      message: error.data.params[name],
      data: null,
    });
  });

  // ORDER BY FIELD(id, …): HPOS OrdersTableQuery::process_orderby and WP_Query's post__in give it no direction;
  // WP_User_Query appends `order`.
  it("lists orderby=include in the order of the include list", async () => {
    const pick = (map: Map<number, unknown>) => {
      const [a, b, c] = [...map.keys()];
      return [b, c, a];
    };
    const orderIds = pick(woo.store.orders);
    for (const order of ["asc", "desc"]) {
      const answer = await call("GET", `orders?orderby=include&order=${order}&include=${orderIds.join(",")}`);
      expect(ids(answer)).toEqual(orderIds);
    }
    const productIds = pick(woo.store.products);
    const products = await call("GET", `products?orderby=include&order=asc&include=${productIds.join(",")}`);
    expect(ids(products)).toEqual(productIds);
    const customerIds = pick(woo.store.customers);
    const asc = await call("GET", `customers?orderby=include&include=${customerIds.join(",")}`);
    expect(ids(asc)).toEqual(customerIds);
    const desc = await call("GET", `customers?orderby=include&order=desc&include=${customerIds.join(",")}`);
    expect(ids(desc)).toEqual([...customerIds].reverse());
  });

  // rest_validate_{number,integer,boolean}_value_from_schema: a type error carries array( 'param' => $param ); array
  // items are named `include[2]`; a number out of bounds is reported as such before it is found not whole.
  it.each([
    ["orders?per_page=abc", "per_page", "per_page", "per_page is not of type integer."],
    ["orders?dates_are_gmt=maybe", "dates_are_gmt", "dates_are_gmt", "dates_are_gmt is not of type boolean."],
    ["orders?include=1,2,abc", "include", "include[2]", "include[2] is not of type integer."],
    ["customers?exclude=4.5", "exclude", "exclude[0]", "exclude[0] is not of type integer."],
    ["orders?page=1.5", "page", "page", "page is not of type integer."],
  ])("refuses %s with a type error naming the parameter", async (path, name, param, message) => {
    const answer = await call("GET", path);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      code: "rest_invalid_param",
      message: `Invalid parameter(s): ${name}`,
      data: {
        status: 400,
        params: { [name]: message },
        details: { [name]: { code: "rest_invalid_type", message, data: { param } } },
      },
    });
  });

  it("reports a fractional per_page out of bounds before it reports it not whole, and reads 1e1 as 10", async () => {
    const tooBig = await call("GET", "orders?per_page=150.5");
    expect(
      (tooBig.body as { data: { details: { per_page: { code: string } } } }).data.details.per_page.code,
    ).toBe("rest_out_of_bounds");
    const exponent = await call("GET", "orders?per_page=1e1");
    expect(exponent.status).toBe(200);
    expect(ids(exponent)).toHaveLength(10);
  });

  // WP_REST_Server::respond_to_request sets the matched route on errors too, and rest_send_allow_header (on
  // rest_post_dispatch) lists the methods whose permission callback passes.
  it("sends the matched route's Allow on its errors and refund answers, and none without a route or a user", async () => {
    const allow = async (method: string, path: string, body?: unknown) =>
      (await call(method, path, body)).headers.get("allow");
    expect(await allow("GET", "orders/999999")).toBe("GET, POST, PUT, PATCH, DELETE");
    expect(await allow("GET", "orders?page=0")).toBe("GET, POST");
    const tooMany = { create: Array.from({ length: 101 }, () => ({ email: "x@example.test" })) };
    expect(await allow("POST", "customers/batch", tooMany)).toBe("POST, PUT, PATCH");
    const order = [...woo.store.orders.values()][0];
    expect(await allow("GET", `orders/${order.id}/refunds`)).toBe("GET, POST");
    expect(await allow("GET", "coupons")).toBeNull();
    const anonymous = await fetch(`${woo.url}/wp-json/wc/v3/orders/999999`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("allow")).toBeNull();
  });

  // WC_REST_Webhooks_V1_Controller::prepare_item_for_database: ( new DateTime( 'now' ) )->format( 'M d, Y @ h:i A' ).
  it("names a webhook created without a name the way WooCommerce's REST controller does", async () => {
    const answer = await call("POST", "webhooks", {
      topic: "order.updated",
      delivery_url: "https://example.test/hooks",
      secret: "s",
    });
    expect(answer.status).toBe(201);
    expect((answer.body as { name: string }).name).toBe("Webhook created on Dec 03, 2026 @ 01:05 PM");
  });
});

describe("checked in audit 4 and found faithful", () => {
  it.each([
    ["orders?page=0", "page", "rest_out_of_bounds", "page must be greater than or equal to 1"],
    [
      "orders?per_page=0",
      "per_page",
      "rest_out_of_bounds",
      "per_page must be between 1 (inclusive) and 100 (inclusive)",
    ],
    ["orders?modified_after=2026-11-01", "modified_after", "rest_invalid_date", "Invalid date."],
  ])("refuses %s with WordPress's argument error", async (path, name, code, message) => {
    const answer = await call("GET", path);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      code: "rest_invalid_param",
      message: `Invalid parameter(s): ${name}`,
      data: { status: 400, params: { [name]: message }, details: { [name]: { code, message, data: null } } },
    });
  });

  it("keeps the per_page=101 answer byte for byte as captured", async () => {
    const real = fixture<{ status: number; body: unknown }>("real-11.0.1/error-per-page-101.json");
    const answer = await call("GET", "customers?per_page=101");
    expect([answer.status, answer.body]).toEqual([real.status, real.body]);
  });

  it.each([
    ["GET", "orders/999999", 404, "woocommerce_rest_shop_order_invalid_id"],
    ["PUT", "orders/999999", 400, "woocommerce_rest_shop_order_invalid_id"],
    ["GET", "products/999999", 404, "woocommerce_rest_product_invalid_id"],
    ["PUT", "products/999999", 400, "woocommerce_rest_product_invalid_id"],
    ["GET", "customers/999999", 404, "wc_user_invalid_id"],
    ["GET", "orders/abc", 404, "rest_no_route"],
    ["DELETE", "orders", 404, "rest_no_route"],
  ])("answers %s %s with %i %s", async (method, path, status, code) => {
    const answer = await call(method, path, method === "PUT" ? { name: "x" } : undefined);
    expect(answer.status).toBe(status);
    expect((answer.body as { code: string }).code).toBe(code);
    expect(answer.headers.get("content-type")).toBe("application/json; charset=UTF-8");
  });

  // WC_REST_CRUD_Controller::get_items: a page past the end links rel="prev" to the last page, and no rel="next".
  it("links a page past the end of products back to the last page", async () => {
    const answer = await call("GET", "products?per_page=5&page=40");
    expect(answer.body).toEqual([]);
    expect(answer.headers.get("x-wp-totalpages")).toBe("3");
    const link = answer.headers.get("link") ?? "";
    expect(link).toMatch(/^<[^>]+>; rel="prev"$/);
    expect(new URL(link.slice(1, link.indexOf(">"))).searchParams.get("page")).toBe("3");
  });

  it("answers HEAD with the list's headers and no body", async () => {
    const answer = await call("HEAD", "orders?per_page=5");
    expect(answer.status).toBe(200);
    expect(answer.body).toBeNull();
    expect(answer.headers.get("x-wp-total")).toBe("20");
    expect(answer.headers.get("x-wp-totalpages")).toBe("4");
  });
});
