/**
 * Pure mapping of Shopify records on Shopify's own reference bodies (fixtures/, emulators/shopify/webhooks/
 * reference-2026-04/) and on hand-made GraphQL nodes covering every consent state.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJsonLossless } from "../../../lib/json-lossless";
import { gidOf, legacyIdOf } from "./ids";
import { mapCustomerNode } from "./customers";
import { fulfillmentStatusOf, mapOrderNode, mapOrderWebhook } from "./orders";
import { mapProductNode, mapProductWebhook } from "./products";
import type { ShopifyCustomerNode, ShopifyOrderNode, ShopifyRestOrder, ShopifyRestProduct } from "./types";

const reference2026 = (name: string) =>
  readFileSync(
    new URL(`../../../../emulators/shopify/webhooks/reference-2026-04/${name}`, import.meta.url),
    "utf8",
  );
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

function customer(overrides: Partial<ShopifyCustomerNode> = {}): ShopifyCustomerNode {
  return {
    id: "gid://shopify/Customer/9007199254740993",
    legacyResourceId: "9007199254740993",
    firstName: "Ada",
    lastName: "Lovelace",
    state: "ENABLED",
    tags: ["vip", " wholesale "],
    verifiedEmail: true,
    numberOfOrders: "3",
    amountSpent: { amount: "120.5", currencyCode: "EUR" },
    defaultEmailAddress: {
      emailAddress: "Ada@Example.com",
      marketingState: "SUBSCRIBED",
      marketingOptInLevel: "CONFIRMED_OPT_IN",
      marketingUpdatedAt: "2026-01-02T03:04:05Z",
    },
    defaultPhoneNumber: { phoneNumber: "+15555550100" },
    createdAt: "2025-01-01T00:00:00Z",
    updatedAt: "2026-02-01T10:00:00-05:00",
    ...overrides,
  };
}

describe("lossless JSON", () => {
  it("GIVEN ids above 2^53 WHEN parsed THEN they stay exact strings while other numbers stay numbers", () => {
    const parsed = parseJsonLossless(
      '{"id": 820982911946154508, "neg": -9007199254740993, "n": 42, "price": 19.99, "s": "820982911946154508 \\" 1"}',
    ) as Record<string, unknown>;
    expect(parsed).toEqual({
      id: "820982911946154508",
      neg: "-9007199254740993",
      n: 42,
      price: 19.99,
      s: '820982911946154508 " 1',
    });
  });

  it("GIVEN a body without big numbers WHEN parsed THEN it equals JSON.parse", () => {
    const text = reference2026("products-create.json");
    expect(parseJsonLossless(text.replace(/\d{16,}/g, "7"))).toEqual(
      JSON.parse(text.replace(/\d{16,}/g, "7")),
    );
  });
});

describe("ids", () => {
  it("GIVEN numeric ids WHEN turned into GIDs THEN they are exact, and a rounded number is refused", () => {
    expect(gidOf("Order", "820982911946154508")).toBe("gid://shopify/Order/820982911946154508");
    expect(gidOf("Order", 450789469)).toBe("gid://shopify/Order/450789469");
    expect(legacyIdOf("gid://shopify/Order/820982911946154508")).toBe("820982911946154508");
    expect(() => gidOf("Order", 820982911946154500)).toThrow(/rounded/);
  });
});

describe("customers", () => {
  it.each([
    ["SUBSCRIBED", "subscribed"],
    ["NOT_SUBSCRIBED", "not_subscribed"],
    ["PENDING", "pending"],
    ["UNSUBSCRIBED", "unsubscribed"],
    ["INVALID", "invalid"],
    ["REDACTED", "redacted"],
  ])("GIVEN email consent %s WHEN mapped THEN the contact is %s", (shopify, ours) => {
    const node = customer();
    node.defaultEmailAddress!.marketingState = shopify;
    expect(mapCustomerNode(node).marketingState).toBe(ours);
  });

  it("GIVEN a customer node WHEN mapped THEN every field is kept exactly", () => {
    expect(mapCustomerNode(customer())).toEqual({
      externalId: "gid://shopify/Customer/9007199254740993",
      email: "Ada@Example.com",
      firstName: "Ada",
      lastName: "Lovelace",
      phone: "+15555550100",
      tags: ["vip", "wholesale"],
      customFields: {
        shopify_id: "9007199254740993",
        orders_count: 3,
        total_spent: "120.5",
        total_spent_currency: "EUR",
        shopify_state: "enabled",
      },
      marketingState: "subscribed",
      marketingOptInLevel: "confirmed_opt_in",
      marketingUpdatedAt: new Date("2026-01-02T03:04:05Z"),
      externalUpdatedAt: new Date("2026-02-01T15:00:00Z"),
    });
  });

  it("GIVEN a customer without an email address WHEN mapped THEN it is not subscribed, with no opt-in level", () => {
    const mapped = mapCustomerNode(customer({ defaultEmailAddress: null, defaultPhoneNumber: null }));
    expect(mapped).toMatchObject({
      email: null,
      phone: null,
      marketingState: "not_subscribed",
      marketingOptInLevel: null,
    });
  });

  it("GIVEN a consent state this app does not know WHEN mapped THEN it is never subscribed and the raw value is kept", () => {
    const node = customer();
    node.defaultEmailAddress!.marketingState = "SOMETHING_NEW";
    const mapped = mapCustomerNode(node);
    expect(mapped.marketingState).toBe("not_subscribed");
    expect(mapped.customFields.shopify_marketing_state).toBe("SOMETHING_NEW");
  });

  it("GIVEN a node without updatedAt WHEN mapped THEN it fails (counted as a failed record, never guessed)", () => {
    expect(() => mapCustomerNode(customer({ updatedAt: "" }))).toThrow(/updatedAt/);
  });
});

describe("orders from webhook bodies", () => {
  it("GIVEN Shopify's 2026-04 orders/create body WHEN mapped THEN the order, its five line items and its money are exact", () => {
    const body = parseJsonLossless(reference2026("orders-create.json")) as ShopifyRestOrder;
    const order = mapOrderWebhook(body);
    expect(order).toMatchObject({
      externalId: "gid://shopify/Order/820982911946154508",
      orderNumber: "#9999",
      customerExternalId: "gid://shopify/Customer/115310627314723954",
      email: "jon@example.com",
      financialStatus: "voided",
      fulfillmentStatus: "unfulfilled",
      totalMinor: 40495n,
      currency: "USD",
      orderDate: new Date("2022-01-01T00:00:00Z"),
      externalUpdatedAt: new Date("2022-01-01T00:00:00Z"),
      cancelledAt: new Date("2022-01-01T00:00:00Z"),
      customerFirstName: "Steve",
    });
    expect(order.items).toHaveLength(5);
    expect(order.items[0]).toEqual({
      externalId: "gid://shopify/LineItem/487817672276298554",
      productExternalId: "gid://shopify/Product/788032119674292900",
      variantExternalId: null,
      title: "Aviator sunglasses",
      sku: "SKU2006-001",
      quantity: 1,
      unitPriceMinor: 8999n,
    });
  });

  it("GIVEN the 2025-04 orders/updated body WHEN mapped THEN it reads the same way (three line items)", () => {
    const order = mapOrderWebhook(
      parseJsonLossless(fixture("orders-updated-2025-04.json")) as ShopifyRestOrder,
    );
    expect(order.items).toHaveLength(3);
    expect(order.totalMinor).toBe(35997n);
  });

  it.each([
    [null, "unfulfilled"],
    ["partial", "partially_fulfilled"],
    ["PARTIALLY_FULFILLED", "partially_fulfilled"],
    ["fulfilled", "fulfilled"],
    ["IN_PROGRESS", "unfulfilled"],
    ["ON_HOLD", "unfulfilled"],
    ["restocked", "restocked"],
  ])("GIVEN fulfillment status %s WHEN mapped THEN both sources say %s", (status, ours) => {
    expect(fulfillmentStatusOf(status)).toBe(ours);
  });
});

describe("orders from GraphQL nodes", () => {
  const node: ShopifyOrderNode = {
    id: "gid://shopify/Order/9007199254740995",
    name: "#1001",
    email: null,
    customer: null,
    billingAddress: { firstName: "Kim", lastName: "Lee", phone: null },
    displayFinancialStatus: "PARTIALLY_REFUNDED",
    displayFulfillmentStatus: "FULFILLED",
    currencyCode: "JPY",
    totalPriceSet: { shopMoney: { amount: "1200.0", currencyCode: "JPY" } },
    processedAt: "2026-03-01T00:00:00Z",
    createdAt: "2026-03-01T00:00:01Z",
    updatedAt: "2026-03-02T00:00:00Z",
    cancelledAt: null,
    lineItems: {
      nodes: [
        {
          id: "gid://shopify/LineItem/1",
          title: "Tea",
          sku: "",
          quantity: 2,
          product: { id: "gid://shopify/Product/2" },
          variant: { id: "gid://shopify/ProductVariant/3" },
          originalUnitPriceSet: { shopMoney: { amount: "600", currencyCode: "JPY" } },
        },
      ],
    },
  };

  it("GIVEN a guest order in a zero-decimal currency WHEN mapped THEN money is in yen and the guest has no customer id", () => {
    expect(mapOrderNode(node)).toEqual({
      externalId: "gid://shopify/Order/9007199254740995",
      orderNumber: "#1001",
      customerExternalId: null,
      email: null,
      customerFirstName: "Kim",
      customerLastName: "Lee",
      customerPhone: null,
      financialStatus: "partially_refunded",
      fulfillmentStatus: "fulfilled",
      totalMinor: 1200n,
      currency: "JPY",
      orderDate: new Date("2026-03-01T00:00:00Z"),
      externalUpdatedAt: new Date("2026-03-02T00:00:00Z"),
      cancelledAt: null,
      items: [
        {
          externalId: "gid://shopify/LineItem/1",
          productExternalId: "gid://shopify/Product/2",
          variantExternalId: "gid://shopify/ProductVariant/3",
          title: "Tea",
          sku: null,
          quantity: 2,
          unitPriceMinor: 600n,
        },
      ],
    });
  });

  it("GIVEN an amount with more decimals than the currency allows WHEN mapped THEN the record fails instead of rounding", () => {
    const bad = { ...node, totalPriceSet: { shopMoney: { amount: "1200.5", currencyCode: "JPY" } } };
    expect(() => mapOrderNode(bad)).toThrow(/more decimals/);
  });
});

describe("products", () => {
  it("GIVEN Shopify's products/create body WHEN mapped THEN variants, prices and range are exact", () => {
    const product = mapProductWebhook(
      parseJsonLossless(reference2026("products-create.json")) as ShopifyRestProduct,
      "USD",
    );
    expect(product).toMatchObject({
      externalId: "gid://shopify/Product/788032119674292922",
      title: "Example T-Shirt",
      status: "active",
      vendor: "Acme",
      productType: "Shirts",
      handle: "example-t-shirt",
      currency: "USD",
      minPriceMinor: 1999n,
      maxPriceMinor: 1999n,
    });
    expect(product.variants.map((v) => [v.externalId, v.title, v.priceMinor])).toEqual([
      ["gid://shopify/ProductVariant/642667041472713922", "Small", 1999n],
      ["gid://shopify/ProductVariant/757650484644203962", "Medium", 1999n],
    ]);
  });

  it("GIVEN the same product as a GraphQL node WHEN mapped THEN the record equals the webhook's", () => {
    const body = parseJsonLossless(fixture("products-update-2025-04.json")) as ShopifyRestProduct;
    const node = {
      id: body.admin_graphql_api_id!,
      title: body.title,
      handle: body.handle,
      status: body.status.toUpperCase(),
      vendor: body.vendor,
      productType: body.product_type,
      updatedAt: body.updated_at,
      variants: {
        nodes: body.variants.map((v) => ({
          id: v.admin_graphql_api_id!,
          title: v.title,
          sku: v.sku,
          price: v.price,
          updatedAt: v.updated_at,
        })),
      },
    };
    expect(mapProductNode(node, "USD")).toEqual(mapProductWebhook(body, "USD"));
  });
});
