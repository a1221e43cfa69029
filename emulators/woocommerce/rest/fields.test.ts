import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWooEmulator, type WooEmulator } from "../server";
import { failure, signUrl, wooClient } from "../test-helpers";
import { filterFields, parseFieldList } from "./fields";

// PLATFORM_FACTS ✔ "_fields=id,email,billing.email is honoured (smaller pages)".
describe("WooCommerce emulator _fields", () => {
  let emulator: WooEmulator;
  let key: { consumer_key: string; consumer_secret: string };

  beforeAll(async () => {
    emulator = await startWooEmulator({
      counts: { customers: 4, orders: 4, products: 2 },
      autoDeliver: false,
    });
    key = emulator.createKey("read_write");
  });
  afterAll(() => emulator.close());

  it("keeps only the named fields of each listed item, nested ones included, in the body's own key order", async () => {
    const response = await wooClient(emulator.url, key).get("customers", {
      _fields: "billing.email,email,id",
      per_page: 2,
    });
    expect(response.data).toHaveLength(2);
    for (const customer of response.data) {
      expect(Object.keys(customer)).toEqual(["id", "email", "billing"]);
      expect(Object.keys(customer.billing)).toEqual(["email"]);
    }
    expect(response.headers["x-wp-total"]).toBe("4");
  });

  it("makes pages smaller", async () => {
    const sign = (query: string) =>
      signUrl("GET", `${emulator.url}/wp-json/wc/v3/orders?per_page=4${query}`, key, {
        timestampSeconds: Math.floor(Date.now() / 1000),
      });
    const full = await (await fetch(sign(""))).text();
    const slim = await (await fetch(sign("&_fields=id,date_modified_gmt,line_items"))).text();
    expect(slim.length).toBeLessThan(full.length / 2);
    expect(JSON.parse(slim)[0]).not.toHaveProperty("_links");
  });

  it("keeps _links on a single object, leaves errors alone and accepts _fields as an array", async () => {
    const client = wooClient(emulator.url, key);
    const one = await client.get("customers/2", { _fields: "id" });
    expect(Object.keys(one.data)).toEqual(["id", "_links"]);
    const error = await failure(client.get("customers/999999", { _fields: "id" }));
    expect(error.data).toMatchObject({ code: "wc_user_invalid_id" });
    const url = signUrl(
      "GET",
      `${emulator.url}/wp-json/wc/v3/orders?per_page=1&_fields[0]=id&_fields[1]=status`,
      key,
      {
        timestampSeconds: Math.floor(Date.now() / 1000),
      },
    );
    const list = (await (await fetch(url)).json()) as Record<string, unknown>[];
    expect(Object.keys(list[0])).toEqual(["id", "status"]);
  });

  it("filters like WordPress does: a nested filter on a list keeps nothing, an empty match is []", () => {
    const body = {
      id: 1,
      line_items: [{ id: 7 }],
      billing: { email: "a@b.c", phone: "1" },
      _links: { self: [] },
    };
    expect(filterFields(body, parseFieldList("line_items.id, billing.phone"))).toEqual({
      line_items: [],
      billing: { phone: "1" },
      _links: { self: [] },
    });
    expect(filterFields([body], ["billing.nothing"])).toEqual([{ billing: [] }]);
    expect(filterFields([body], ["billing", "billing.email"])).toEqual([{ billing: body.billing }]);
    expect(filterFields(body, [])).toBe(body);
  });
});
