/**
 * WooCommerce ids are MySQL `BIGINT UNSIGNED` and PHP prints them as 64-bit integers, so a store can send an id a
 * JavaScript number cannot hold (above 2^53). Such ids must reach the database exactly: through the REST client (a
 * real order body served as raw text by a local server) and through webhook bodies.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WooClient } from "./client.server";
import { mapOrder } from "./mapping";
import { NO_ROUTE, startLoopbackStore, type LoopbackStore } from "./testing/loopback-store";
import type { WooOrder } from "./types";
import { losslessBody, resourceIdOf } from "./webhook-events.server";

const ORDER_ID = "9007199254740993"; // 2^53 + 1: Number() would make it …992
const CUSTOMER_ID = "18446744073709551615"; // the largest BIGINT UNSIGNED
const ITEM_ID = "9223372036854775807";
const PRODUCT_ID = "9007199254741001";

/** A real WooCommerce 11.0.1 order body (fixtures/real-11.0.1), its ids replaced by large ones in the JSON text. */
function orderText(): string {
  const url = new URL("./fixtures/real-11.0.1/orders-list.json", import.meta.url);
  const order = (JSON.parse(readFileSync(url, "utf8")) as { body: WooOrder[] }).body[0];
  const marked = {
    ...order,
    id: -1,
    customer_id: -2,
    line_items: (order.line_items ?? []).slice(0, 1).map((item) => ({ ...item, id: -3, product_id: -4 })),
  };
  return JSON.stringify(marked)
    .replace('"id":-1', `"id":${ORDER_ID}`)
    .replace('"customer_id":-2', `"customer_id":${CUSTOMER_ID}`)
    .replace('"id":-3', `"id":${ITEM_ID}`)
    .replace('"product_id":-4', `"product_id":${PRODUCT_ID}`);
}

describe("ids above 2^53 from a WooCommerce store", () => {
  let store: LoopbackStore;
  let client: WooClient;
  const bodies: Record<string, string> = {};

  beforeAll(async () => {
    bodies["/wp-json/wc/v3/orders"] = `[${orderText()}]`;
    // A PHP notice printed before JSON that was cut short: no whole JSON to read after the notice (ADR 0058).
    bodies["/wp-json/wc/v3/customers"] =
      `<br />\n<b>Notice</b>:  Undefined index: zone in <b>/var/www/x.php</b> on line <b>3</b><br />\n[{"id":`;
    store = await startLoopbackStore((req, res) => {
      const body = bodies[new URL(req.url ?? "/", "http://x").pathname];
      res.writeHead(body ? 200 : 404, { "Content-Type": "application/json; charset=UTF-8" });
      res.end(body ?? NO_ROUTE);
    });
    client = store.client();
  });
  afterAll(() => store.close());

  it("GIVEN an order list with 64-bit ids WHEN read and mapped THEN every id is exact", async () => {
    const { data } = await client.get<WooOrder[]>("orders");
    expect(data[0].id).toBe(ORDER_ID);
    const order = mapOrder(data[0]);
    expect(order.externalId).toBe(ORDER_ID);
    expect(order.customerExternalId).toBe(CUSTOMER_ID);
    expect(order.items[0].externalId).toBe(ITEM_ID);
    expect(order.items[0].productExternalId).toBe(PRODUCT_ID);
    // Everything else parses as JSON.parse would: small numbers stay numbers, money stays a decimal string.
    expect(typeof data[0].line_items?.[0].quantity).toBe("number");
    expect(order.totalMinor).toBe(mapOrder(JSON.parse(orderText()) as WooOrder).totalMinor);
  });

  it("GIVEN a 200 answer that is not JSON WHEN read THEN it fails saying what was printed, never reads as empty", async () => {
    await expect(client.get<unknown>("customers")).rejects.toMatchObject({
      code: "woocommerce_not_json",
      status: 200,
      message: expect.stringMatching(
        /^The store's answer was not readable JSON while reading customers: PHP printed "Notice: Undefined index: zone in \/var\/www\/x\.php on line 3" into it, and what followed was not whole JSON\./,
      ),
    });
  });

  it("GIVEN a webhook body with a 64-bit id WHEN read for processing THEN the id and the record are exact", () => {
    const raw = orderText();
    const rounded = JSON.parse(raw) as WooOrder;
    expect(String(rounded.id)).not.toBe(ORDER_ID); // what a plain parse would have stored
    const body = losslessBody(raw, rounded) as WooOrder;
    expect(resourceIdOf(body)).toBe(ORDER_ID);
    expect(mapOrder(body).customerExternalId).toBe(CUSTOMER_ID);
  });

  it("GIVEN a body without large integers WHEN read THEN the parsed object is reused as it is", () => {
    const raw = '{"id":42,"status":"processing"}';
    const parsed = JSON.parse(raw) as unknown;
    expect(losslessBody(raw, parsed)).toBe(parsed);
  });
});
