import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeShop } from "../testing/harness";
import { stringifyJson } from "../../shared/json";
import { customerToRest, formatShopTime, orderToRest, productToRest, shopToRest } from "./rest-bodies";
import { toPresentment } from "../graphql/objects/common";
import { OrderNode } from "../graphql/objects/customer-order";
import { shopifyDecimal } from "../store/money";

const REFERENCE = fileURLToPath(new URL("./reference-2026-04", import.meta.url));
const reference = (name: string) =>
  JSON.parse(readFileSync(`${REFERENCE}/${name}.json`, "utf8")) as Record<string, unknown>;
const shop = makeShop("demo.myshopify.com", 9_007_199_254_740_993n);
const customer = [...shop.customers.values()][0];
const order = [...shop.orders.values()][0];
const product = [...shop.products.values()][0];

/** Keys of the reference sample that our body must also have, and keys we add that the sample lacks. */
function compareKeys(ours: Record<string, unknown>, theirs: Record<string, unknown>) {
  const ourKeys = new Set(Object.keys(ours));
  const theirKeys = new Set(Object.keys(theirs));
  return {
    missing: [...theirKeys].filter((k) => !ourKeys.has(k)),
    extra: [...ourKeys].filter((k) => !theirKeys.has(k)),
  };
}

describe("REST webhook bodies", () => {
  it("shapes customers like the 2026-04 sample, without tags or consent", () => {
    const body = customerToRest(shop, customer);
    expect(compareKeys(body, reference("customers-create"))).toEqual({ missing: [], extra: [] });
    expect(body).not.toHaveProperty("tags");
    expect(body).not.toHaveProperty("email_marketing_consent");
    expect(body.state).toBe("enabled");
    expect(body.admin_graphql_api_id).toBe(`gid://shopify/Customer/${customer.id}`);
    const address = body.default_address as Record<string, unknown>;
    const sampleAddress = reference("customers-create").default_address as Record<string, unknown>;
    expect(compareKeys(address, sampleAddress)).toEqual({ missing: [], extra: [] });
    expect(address.customer_id).toBe(customer.id);
  });

  it("shapes orders like the 2026-04 sample with exact money arithmetic", () => {
    const body = orderToRest(shop, order);
    expect(compareKeys(body, reference("orders-create"))).toEqual({ missing: [], extra: [] });
    expect(body.total_line_items_price).toBe("39.98");
    expect(body.current_total_price).toBe("44.88");
    expect(body.financial_status).toBe("partially_refunded");
    expect(body.fulfillment_status).toBeNull();
    expect(body.tags).toBe("gift");
    const embedded = body.customer as Record<string, unknown>;
    expect(embedded.id).toBe(customer.id);
    expect(embedded).not.toHaveProperty("tags");
    const lineItem = (body.line_items as Record<string, unknown>[])[0];
    const sampleLine = (reference("orders-create").line_items as Record<string, unknown>[])[0];
    expect(compareKeys(lineItem, sampleLine)).toEqual({ missing: [], extra: [] });
    expect(lineItem.name).toBe("Example T-Shirt - Small");
    expect(body.total_price_set).toEqual({
      shop_money: { amount: "49.98", currency_code: "USD" },
      presentment_money: { amount: "49.98", currency_code: "USD" },
    });
  });

  it("shapes products like the 2026-04 sample", () => {
    const body = productToRest(shop, product);
    expect(compareKeys(body, reference("products-create"))).toEqual({ missing: [], extra: [] });
    const variant = (body.variants as Record<string, unknown>[])[0];
    const sampleVariant = (reference("products-create").variants as Record<string, unknown>[])[0];
    expect(compareKeys(variant, sampleVariant)).toEqual({ missing: [], extra: [] });
    expect(body.tags).toBe("example, mens");
  });

  it("carries the first 100 variants in full and every variant's id in variant_gids, newest update first", () => {
    const base = product.variants[0];
    const variants = Array.from({ length: 130 }, (_, i) => ({
      ...base,
      id: 50_000n + BigInt(i),
      position: i + 1,
      title: `Size ${i + 1}`,
      // Variant 120 was updated last, variant 1 first.
      updatedAt: new Date(Date.UTC(2026, 10, 1, 0, i === 119 ? 200 : i)),
    }));
    const body = productToRest(shop, { ...product, variants: [...variants].reverse() });
    const full = body.variants as Array<{ id: bigint; position: number }>;
    expect(full).toHaveLength(100);
    expect(full.map((v) => v.position)).toEqual(variants.slice(0, 100).map((v) => v.position));
    const gids = (body.variant_gids as Array<{ admin_graphql_api_id: string; updated_at: string }>).map(
      (g) => g.admin_graphql_api_id,
    );
    expect(gids).toHaveLength(130);
    expect(gids[0]).toBe("gid://shopify/ProductVariant/50119");
    expect(gids[1]).toBe("gid://shopify/ProductVariant/50129");
    expect(gids[129]).toBe("gid://shopify/ProductVariant/50000");
  });

  it("converts presentment_money to the buyer's currency as GraphQL's presentmentMoney does", () => {
    const euro = { ...order, presentmentCurrency: "EUR" };
    const body = orderToRest(shop, euro);
    const total = body.total_price_set as {
      shop_money: { amount: string; currency_code: string };
      presentment_money: { amount: string; currency_code: string };
    };
    expect(total.shop_money).toEqual({ amount: "49.98", currency_code: "USD" });
    expect(total.presentment_money).toEqual({ amount: toPresentment("49.98", "EUR"), currency_code: "EUR" });
    expect(total.presentment_money.amount).not.toBe("49.98");
    expect(new OrderNode(shop, euro).totalPriceSet().presentmentMoney.amount).toBe(
      shopifyDecimal(total.presentment_money.amount),
    );
  });

  it("shapes app/uninstalled like the sample shop body", () => {
    expect(compareKeys(shopToRest(shop), reference("app-uninstalled"))).toEqual({ missing: [], extra: [] });
  });

  it("writes times in the shop's zone and ids above 2^53 exactly", () => {
    expect(formatShopTime(new Date("2026-11-20T15:30:00Z"), "America/New_York")).toBe(
      "2026-11-20T10:30:00-05:00",
    );
    expect(formatShopTime(new Date("2026-07-01T00:00:00Z"), "Europe/Berlin")).toBe(
      "2026-07-01T02:00:00+02:00",
    );
    expect(formatShopTime(new Date("2026-07-01T00:00:00Z"), "UTC")).toBe("2026-07-01T00:00:00+00:00");
    const text = stringifyJson(customerToRest(shop, customer));
    expect(text.startsWith(`{"id":9007199254740994,`)).toBe(true);
    expect(stringifyJson({ a: [1n, undefined, null], b: undefined, c: 'x"y' })).toBe(
      '{"a":[1,null,null],"c":"x\\"y"}',
    );
  });
});
