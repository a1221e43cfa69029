/**
 * Fidelity audit 4 (ADR 0060): every webhook body the emulator sends, against Shopify's documented sample of its
 * topic, at every depth: the keys of each object in order (the first item of a list), and the JSON type of each
 * value both sides set. body-shapes.test.ts checks the order paths a connector reads; this walks everything else.
 * Values that are null on one side only, and lists empty on one side, depend on the record and are not compared.
 * The 2025-04 samples of products and the compliance topics equal the 2026-04 ones key for key, so those are
 * compared with the 2026-04 copies in both versions.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeShop } from "../testing/harness";
import { bodyForVersion } from "./payload-versions";
import {
  customerToRest,
  customersDataRequestBody,
  customersRedactBody,
  orderToRest,
  productToRest,
  shopRedactBody,
  shopToRest,
} from "./rest-bodies";

const sample = (version: string, file: string): unknown =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`./reference-${version}/${file}.json`, import.meta.url)), "utf8"),
  );

const jsonType = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "bigint" ? "number" : typeof v;

/** Every difference of shape between the sample and our body, as readable lines. */
function differences(theirs: unknown, ours: unknown, path = "$", out: string[] = []): string[] {
  const [a, b] = [jsonType(theirs), jsonType(ours)];
  if (a === "null" || b === "null") return out;
  if (a !== b) {
    out.push(`${path}: Shopify ${a}, emulator ${b}`);
    return out;
  }
  if (Array.isArray(theirs) && Array.isArray(ours)) {
    if (theirs.length > 0 && ours.length > 0) differences(theirs[0], ours[0], `${path}[0]`, out);
    return out;
  }
  if (a === "object") {
    const [x, y] = [theirs as Record<string, unknown>, ours as Record<string, unknown>];
    if (Object.keys(x).join() !== Object.keys(y).join())
      out.push(`${path}: keys ${Object.keys(x).join(",")} ≠ ${Object.keys(y).join(",")}`);
    for (const key of Object.keys(x)) if (key in y) differences(x[key], y[key], `${path}.${key}`, out);
  }
  return out;
}

const shop = makeShop("demo.myshopify.com", 9_007_199_254_740_993n);
const order = [...shop.orders.values()].find((o) => o.customerId !== null)!;
const customer = [...shop.customers.values()][0];
const product = [...shop.products.values()][0];

const topics: Array<[topic: string, file: string, body: unknown, versions: string[]]> = [
  ["orders/create", "orders-create", orderToRest(shop, order), ["2025-04", "2026-04"]],
  ["customers/create", "customers-create", customerToRest(shop, customer), ["2025-04", "2026-04"]],
  ["products/create", "products-create", productToRest(shop, product), ["2026-04"]],
  ["customers/redact", "customers-redact", customersRedactBody(shop, customer), ["2026-04"]],
  [
    "customers/data_request",
    "customers-data_request",
    customersDataRequestBody(shop, customer, 5n),
    ["2026-04"],
  ],
  ["shop/redact", "shop-redact", shopRedactBody(shop), ["2026-04"]],
  ["app/uninstalled", "app-uninstalled", shopToRest(shop), ["2026-04"]],
];

describe("every webhook body, at every depth, against Shopify's sample", () => {
  for (const [topic, file, body, versions] of topics) {
    for (const sampleVersion of versions) {
      for (const delivered of sampleVersion === "2026-04" && versions.length === 1
        ? ["2025-04", "2026-04"]
        : [sampleVersion]) {
        it(`${topic} delivered in ${delivered} has the ${sampleVersion} sample's keys, order and types`, () => {
          expect(differences(sample(sampleVersion, file), bodyForVersion(topic, body, delivered))).toEqual(
            [],
          );
        });
      }
    }
  }
});
