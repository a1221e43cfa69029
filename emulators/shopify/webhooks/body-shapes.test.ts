/**
 * The emulator's orders/* bodies against Shopify's documented samples, key for key and in the same order, down into
 * the nested objects a connector reads (addresses, shipping lines, line items, the embedded customer), for the
 * 2026-04 shape and, through payload-versions.ts, the 2025-04 one. rest-bodies.test.ts checks the top-level keys.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeShop } from "../testing/harness";
import { bodyForVersion } from "./payload-versions";
import { customerToRest, orderToRest } from "./rest-bodies";

type Json = Record<string, unknown>;
const sample = (version: string, topic = "orders-create") =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`./reference-${version}/${topic}.json`, import.meta.url)), "utf8"),
  ) as Json;

const shop = makeShop("demo.myshopify.com", 9_007_199_254_740_993n);
const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;

/** Every object's keys, in order, at each path where the sample has an object (first item of a list). */
function shape(value: unknown, path = "$", out: Record<string, string[]> = {}): Record<string, string[]> {
  if (Array.isArray(value)) {
    if (value.length > 0) shape(value[0], `${path}[0]`, out);
  } else if (value && typeof value === "object") {
    out[path] = Object.keys(value);
    for (const [key, child] of Object.entries(value)) shape(child, `${path}.${key}`, out);
  }
  return out;
}

/** The paths a connector reads, with the sample's keys and ours. */
function compare(ours: Json, theirs: Json) {
  const a = shape(ours);
  const b = shape(theirs);
  const paths = [
    "$",
    "$.billing_address",
    "$.shipping_address",
    "$.shipping_lines[0]",
    "$.shipping_lines[0].price_set",
    "$.line_items[0]",
    "$.customer",
    "$.customer.default_address",
  ];
  return {
    ours: Object.fromEntries(paths.map((p) => [p, a[p]])),
    theirs: Object.fromEntries(paths.map((p) => [p, b[p]])),
  };
}

describe("orders/* bodies, key for key", () => {
  it("match the 2026-04 sample: addresses without country_name but with latitude/longitude, full shipping lines", () => {
    const body = bodyForVersion("orders/create", orderToRest(shop, order), "2026-04") as Json;
    const { ours, theirs } = compare(body, sample("2026-04"));
    expect(ours).toEqual(theirs);
    const line = (body.shipping_lines as Json[])[0];
    expect(line).toMatchObject({
      carrier_identifier: null,
      is_removed: false,
      phone: null,
      requested_fulfillment_service_id: null,
    });
    expect(line.current_discounted_price_set).toEqual(line.discounted_price_set);
    const address = body.shipping_address as Json;
    expect(address).toMatchObject({ latitude: null, longitude: null });
  });

  it("match the 2025-04 sample when delivered in 2025-04", () => {
    const body = bodyForVersion("orders/create", orderToRest(shop, order), "2025-04") as Json;
    const { ours, theirs } = compare(body, sample("2025-04"));
    expect(ours).toEqual(theirs);
  });

  it("order a customers/* body as the 2025-04 sample does when delivered in 2025-04", () => {
    const customer = [...shop.customers.values()][0];
    const body = bodyForVersion("customers/create", customerToRest(shop, customer), "2025-04") as Json;
    expect(Object.keys(body)).toEqual(Object.keys(sample("2025-04", "customers-create")));
    expect(Object.keys(customerToRest(shop, customer))).toEqual(
      Object.keys(sample("2026-04", "customers-create")),
    );
  });
});
