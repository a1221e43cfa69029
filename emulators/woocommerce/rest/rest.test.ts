import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { ManualClock, failure, fixture, signUrl, wooClient } from "../test-helpers";

type Listing = { headers: Record<string, string>; body: Record<string, unknown>[] };

/** Every key path of a JSON value ("line_items.[].price"), to compare body shapes. */
function keyPaths(value: unknown, prefix = ""): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) for (const p of keyPaths(item, `${prefix}[].`)) out.add(p);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(prefix + k);
      for (const p of keyPaths(v, `${prefix}${k}.`)) out.add(p);
    }
  }
  return out;
}

function stripOAuth(link: string): string {
  const url = new URL(link);
  for (const name of [...url.searchParams.keys()])
    if (name.startsWith("oauth_")) url.searchParams.delete(name);
  return url.toString();
}

function nextLink(header: string | undefined): string | null {
  const match = /<([^>]+)>; rel="next"/.exec(header ?? "");
  return match ? match[1] : null;
}

describe("WooCommerce emulator REST v3: pagination, filters and bodies", () => {
  let emulator: WooEmulator;
  const clock = new ManualClock(Date.now());
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      seed: 7,
      counts: { customers: 23, orders: 31, products: 12 },
      clock,
      autoDeliver: false,
      utcOffsetMinutes: 120,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("reports X-WP-Total / X-WP-TotalPages and a Link rel=next that repeats the request's oauth_* parameters", async () => {
    const response = await wooClient(emulator.url, key).get("customers", { per_page: 5 });
    expect(response.headers["x-wp-total"]).toBe("23");
    expect(response.headers["x-wp-totalpages"]).toBe("5");
    const link = response.headers.link as string;
    expect(link).toMatch(/; rel="next"$/);
    const next = new URL(nextLink(link)!);
    expect(next.pathname).toBe("/wp-json/wc/v3/customers");
    expect([...next.searchParams.keys()]).toEqual([
      "per_page",
      "oauth_consumer_key",
      "oauth_nonce",
      "oauth_signature_method",
      "oauth_timestamp",
      "oauth_version",
      "oauth_signature",
      "page",
    ]);
    expect(next.searchParams.get("oauth_consumer_key")).toBe(key.consumer_key);
    expect(next.searchParams.get("page")).toBe("2");
    // Same shape as the captured real header (values elided there).
    const captured = fixture<Listing>("real-11.0.1/customers-list.json").headers.link;
    const elide = (h: string) => h.replace(/=[^&>]*/g, "=…").replace(/^<http:\/\/[^/]+/, "<");
    expect(elide(link)).toBe(elide(captured));
  });

  it("re-sending the Link as is fails (spent nonce); stripping oauth_* and signing afresh walks every page once", async () => {
    const first = await wooClient(emulator.url, key).get("orders", { per_page: 10 });
    const replay = await fetch(nextLink(first.headers.link)!);
    expect(replay.status).toBe(401);

    const seen: number[] = first.data.map((o: { id: number }) => o.id);
    let link = nextLink(first.headers.link);
    while (link) {
      const response = await fetch(
        signUrl("GET", stripOAuth(link), key, { timestampSeconds: Math.floor(clock.now() / 1000) }),
      );
      expect(response.status).toBe(200);
      seen.push(...((await response.json()) as { id: number }[]).map((o) => o.id));
      link = nextLink(response.headers.get("link") ?? undefined);
    }
    expect(seen).toHaveLength(emulator.store.orders.size);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("adds the orders controller's normalised defaults (status[0]=any, dp, context) to the Link, like the real store", async () => {
    const response = await wooClient(emulator.url, key).get("orders", { per_page: 2 });
    const captured = fixture<Listing>("real-11.0.1/orders-list.json").headers.link;
    const elide = (h: string) =>
      h.replace(/oauth_([a-z_]+)=[^&>]*/g, "oauth_$1=…").replace(/^<http:\/\/[^/]+/, "<");
    expect(elide(response.headers.link)).toBe(elide(captured));
  });

  it("answers a page past the end of orders with 200 [] and X-WP-Total: 0 (HPOS)", async () => {
    const response = await wooClient(emulator.url, key).get("orders", { per_page: 10, page: 99 });
    expect(response.status).toBe(200);
    expect(response.data).toEqual([]);
    expect(response.headers["x-wp-total"]).toBe("0");
    expect(response.headers["x-wp-totalpages"]).toBe("0");
  });

  it("keeps the real total past the end for customers and products", async () => {
    const customers = await wooClient(emulator.url, key).get("customers", { per_page: 10, page: 99 });
    expect(customers.data).toEqual([]);
    expect(customers.headers["x-wp-total"]).toBe("23");
  });

  it("supports offset and rel=prev", async () => {
    const all = await wooClient(emulator.url, key).get("customers", {
      per_page: 100,
      orderby: "id",
      order: "asc",
    });
    const byOffset = await wooClient(emulator.url, key).get("customers", {
      per_page: 3,
      offset: 4,
      orderby: "id",
      order: "asc",
    });
    expect(byOffset.data.map((c: { id: number }) => c.id)).toEqual(
      all.data.slice(4, 7).map((c: { id: number }) => c.id),
    );
    const page3 = await wooClient(emulator.url, key).get("customers", { per_page: 5, page: 3 });
    const [prev, next] = (page3.headers.link as string).split(", ");
    expect(prev).toMatch(/; rel="prev"$/);
    expect(next).toMatch(/; rel="next"$/);
    // add_query_arg replaces page where the request had it.
    expect(new URL(prev.slice(1, prev.indexOf(">"))).searchParams.get("page")).toBe("2");
    expect(new URL(next.slice(1, next.indexOf(">"))).searchParams.get("page")).toBe("4");
  });

  it("filters orders and products by modified_after (GMT) but /customers silently ignores it", async () => {
    const client = wooClient(emulator.url, key);
    const orders = [...emulator.store.orders.values()].sort((a, b) => a.modifiedMs - b.modifiedMs);
    const cutMs = orders[Math.floor(orders.length / 2)].modifiedMs;
    const iso = new Date(cutMs).toISOString().slice(0, 19);
    const expected = orders.filter((o) => o.modifiedMs > cutMs && o.status !== "trash").length;
    const filtered = await client.get("orders", { modified_after: iso, dates_are_gmt: true, per_page: 100 });
    expect(Number(filtered.headers["x-wp-total"])).toBe(expected);
    expect(expected).toBeLessThan(orders.length);
    for (const order of filtered.data)
      expect(Date.parse(`${order.date_modified_gmt}Z`)).toBeGreaterThan(cutMs);

    // Without dates_are_gmt the same wall time is read as site time (UTC+2 here): two hours earlier in GMT.
    const siteTime = await client.get("orders", { modified_after: iso, per_page: 100 });
    expect(Number(siteTime.headers["x-wp-total"])).toBe(
      orders.filter((o) => o.modifiedMs > cutMs - 7_200_000).length,
    );

    const products = [...emulator.store.products.values()].sort((a, b) => a.modifiedMs - b.modifiedMs);
    const productCut = products[3].modifiedMs;
    const productResponse = await client.get("products", {
      modified_after: new Date(productCut).toISOString().slice(0, 19),
      dates_are_gmt: true,
      per_page: 100,
    });
    expect(Number(productResponse.headers["x-wp-total"])).toBe(
      products.filter((p) => p.modifiedMs > productCut && p.status !== "trash").length,
    );

    const customers = await client.get("customers", {
      modified_after: "2099-01-01T00:00:00",
      dates_are_gmt: true,
      per_page: 100,
    });
    expect(customers.headers["x-wp-total"]).toBe("23");
  });

  it("filters orders by status, customer and search, and customers by email", async () => {
    const client = wooClient(emulator.url, key);
    const completed = await client.get("orders", { status: "completed", per_page: 100 });
    expect(completed.data.length).toBeGreaterThan(0);
    for (const order of completed.data) expect(order.status).toBe("completed");
    const registered = [...emulator.store.orders.values()].find((o) => o.customerId > 0)!;
    const byCustomer = await client.get("orders", { customer: registered.customerId, per_page: 100 });
    for (const order of byCustomer.data) expect(order.customer_id).toBe(registered.customerId);
    const customer = [...emulator.store.customers.values()][4];
    const byEmail = await client.get("customers", { email: customer.email });
    expect(byEmail.data.map((c: { id: number }) => c.id)).toEqual([customer.id]);
    const bySearch = await client.get("customers", { search: customer.username });
    expect(bySearch.data.map((c: { id: number }) => c.id)).toContain(customer.id);
    const invalid = await failure(client.get("orders", { orderby: "price" }));
    expect(invalid.status).toBe(400);
    expect((invalid.data as { message: string }).message).toBe("Invalid parameter(s): orderby");
  });

  it("returns bodies that are a superset of the real 11.0.1 captures: money strings, line item price a number, site time and _gmt", async () => {
    const client = wooClient(emulator.url, key);
    const order = (await client.get("orders", { per_page: 1 })).data[0];
    const realOrder = fixture<Listing>("real-11.0.1/orders-list.json").body[0];
    const missing = [...keyPaths(realOrder)].filter(
      (p) => !keyPaths(order).has(p) && !p.startsWith("line_items.[].meta_data"),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(order).slice(0, 10)).toEqual(Object.keys(realOrder).slice(0, 10));
    expect(order.total).toMatch(/^\d+\.\d{2}$/);
    expect(typeof order.line_items[0].price).toBe("number");
    expect(order.line_items[0].total).toMatch(/^\d+\.\d{2}$/);
    const createdGmt = Date.parse(`${order.date_created_gmt}Z`);
    expect(Date.parse(`${order.date_created}Z`) - createdGmt).toBe(120 * 60_000);

    const customer = (await client.get("customers", { per_page: 1 })).data[0];
    const realCustomer = fixture<Listing>("real-11.0.1/customers-list.json").body[0];
    expect(Object.keys(customer)).toEqual(Object.keys(realCustomer));
    expect([...keyPaths(realCustomer)].filter((p) => !keyPaths(customer).has(p))).toEqual([]);

    const product = (await client.get("products", { per_page: 1 })).data[0];
    const realProduct = fixture<Listing>("real-11.0.1/products-list.json").body[0];
    expect(Object.keys(product)).toEqual(Object.keys(realProduct));
    expect(product.price).toMatch(/^(\d+\.\d{2})?$/);
  });

  it("writes JSON the way WordPress does (escaped slashes)", async () => {
    const url = signUrl("GET", `${emulator.url}/wp-json/wc/v3/customers?per_page=1`, key, {
      timestampSeconds: Math.floor(clock.now() / 1000),
    });
    const text = await (await fetch(url)).text();
    expect(text).toContain('"href":"http:\\/\\/127.0.0.1');
  });

  it("serves variable products with their variations", async () => {
    const client = wooClient(emulator.url, key);
    const variable = (await client.get("products", { type: "variable", per_page: 100 })).data;
    expect(variable.length).toBeGreaterThan(0);
    const parent = variable[0];
    const variations = await client.get(`products/${parent.id}/variations`, { per_page: 100 });
    expect(variations.data.map((v: { id: number }) => v.id).sort()).toEqual([...parent.variations].sort());
    expect(variations.data[0].parent_id).toBe(parent.id);
    expect(variations.data[0].type).toBe("variation");
  });

  it("creates, updates, trashes and force-deletes through REST", async () => {
    const client = wooClient(emulator.url, key);
    const created = await client.post("customers", { email: "rest.person@example.test", first_name: "Rest" });
    expect(created.status).toBe(201);
    const duplicate = await failure(client.post("customers", { email: "REST.person@example.test" }));
    expect(duplicate.status).toBe(400);
    expect((duplicate.data as { code: string }).code).toBe("registration-error-email-exists");
    const updated = await client.put(`customers/${created.data.id}`, { last_name: "Person" });
    expect(updated.data.last_name).toBe("Person");
    const noTrash = await failure(client.delete(`customers/${created.data.id}`));
    expect(noTrash.status).toBe(501);
    expect((await client.delete(`customers/${created.data.id}`, { force: true })).data.id).toBe(
      created.data.id,
    );
    expect((await failure(client.get(`customers/${created.data.id}`))).status).toBe(404);

    const product = [...emulator.store.products.values()].find(
      (p) => p.type === "simple" && p.regularPriceCents !== null,
    )!;
    const order = await client.post("orders", {
      customer_id: 0,
      billing: { email: "guest@example.test" },
      line_items: [{ product_id: product.id, quantity: 2 }],
      set_paid: true,
    });
    expect(order.status).toBe(201);
    expect(order.data.status).toBe("processing");
    expect(order.data.customer_id).toBe(0);
    expect(order.data.created_via).toBe("rest-api");
    // PLATFORM_FACTS ✔ "DELETE without force (trash) returns the record as it was before trashing".
    const trashed = await client.delete(`orders/${order.data.id}`);
    expect(trashed.data.status).toBe("processing");
    expect((await client.get(`orders/${order.data.id}`)).data.status).toBe("trash");
    const again = await failure(client.delete(`orders/${order.data.id}`));
    expect(again.status).toBe(410);
    await client.delete(`orders/${order.data.id}`, { force: true });
    const gone = await failure(client.get(`orders/${order.data.id}`));
    expect(gone.data).toEqual({
      code: "woocommerce_rest_shop_order_invalid_id",
      message: "Invalid ID.",
      data: { status: 404 },
    });
  });

  it("honours POST with _method=DELETE, signed as the POST it is on the wire", async () => {
    const customer = emulator.store.createCustomer({ email: "override@example.test" });
    const url = signUrl(
      "POST",
      `${emulator.url}/wp-json/wc/v3/customers/${customer.id}?_method=DELETE&force=true`,
      key,
      {
        timestampSeconds: Math.floor(clock.now() / 1000),
      },
    );
    const response = await fetch(url, { method: "POST" });
    expect(response.status).toBe(200);
    expect(emulator.store.customers.has(customer.id)).toBe(false);
  });

  it("answers unknown routes with rest_no_route", async () => {
    const error = await failure(wooClient(emulator.url, key).get("coupons-nope"));
    expect(error.status).toBe(404);
    expect((error.data as { code: string }).code).toBe("rest_no_route");
  });
});
