/**
 * The app's own documents (app/platforms/shopify/queries) run against the emulator at the app's API version (2026-10,
 * served by the 2026-07 schema, strict: deprecated fields refused) without errors and return data: what the sync
 * sends is what the emulator answers. Validation of every document against the schema is in queries.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import { SHOPIFY_API_VERSION } from "../../../app/platforms/shopify/api-version";
import { CUSTOMER_QUERY, CUSTOMERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/customers";
import { ORDER_LINE_ITEMS_QUERY, ORDERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/orders";
import {
  PRODUCT_QUERY,
  PRODUCT_VARIANTS_QUERY,
  PRODUCTS_PAGE_QUERY,
} from "../../../app/platforms/shopify/queries/products";
import { orderToRest } from "../webhooks/rest-bodies";
import { DEFAULT_SHOP } from "../model";
import {
  CUSTOMERS_COUNT_QUERY,
  ORDERS_COUNT_QUERY,
  PRODUCTS_COUNT_QUERY,
} from "../../../app/platforms/shopify/queries/counts";
import { SHOP_QUERY } from "../../../app/platforms/shopify/queries/shop";
import {
  BULK_CUSTOMERS_QUERY,
  BULK_OPERATION_QUERY,
  BULK_OPERATION_RUN_QUERY,
  BULK_ORDERS_QUERY,
  BULK_PRODUCTS_QUERY,
} from "../../../app/platforms/shopify/queries/bulk";
import {
  WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
  WEBHOOK_SUBSCRIPTION_DELETE_MUTATION,
  WEBHOOK_SUBSCRIPTIONS_QUERY,
} from "../../../app/platforms/shopify/queries/webhooks";

const clock = testClock();
let emu: RunningShopifyEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ now: clock.now });
  token = await issueToken(emu.url, ["read_customers", "read_orders", "read_all_orders", "read_products"]);
});
afterAll(async () => {
  await emu.close();
});

async function run<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) {
  clock.advanceMs(30_000); // keep the bucket full: this test is about answers, not throttling
  const res = await gql(emu.url, token, query, { variables, apiVersion: SHOPIFY_API_VERSION });
  expect(res.body.errors).toBeUndefined();
  return res.body.data as T;
}

type Connection<T> = { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

describe("the app's Shopify queries against the emulator", () => {
  it("GIVEN the page queries WHEN run with an updated_at filter THEN they answer at the reader's page sizes", async () => {
    const filter = "updated_at:>'2025-01-01T00:00:00Z'";
    const customers = await run<{ customers: Connection<{ id: string }> }>(CUSTOMERS_PAGE_QUERY, {
      first: 100,
      query: filter,
    });
    expect(customers.customers.nodes.length).toBeGreaterThan(0);
    const orders = await run<{ orders: Connection<{ id: string; lineItems: Connection<unknown> }> }>(
      ORDERS_PAGE_QUERY,
      { first: 30, lineItems: 1, query: filter },
    );
    expect(orders.orders.nodes).toHaveLength(30);
    const withMore = orders.orders.nodes.find((o) => o.lineItems.pageInfo.hasNextPage)!;
    const rest = await run<{ order: { lineItems: Connection<unknown> } }>(ORDER_LINE_ITEMS_QUERY, {
      id: withMore.id,
      first: 150,
      after: withMore.lineItems.pageInfo.endCursor,
    });
    expect(rest.order.lineItems.nodes.length).toBeGreaterThan(0);
    const products = await run<{ products: Connection<{ id: string; variants: Connection<unknown> }> }>(
      PRODUCTS_PAGE_QUERY,
      { first: 5, variants: 1 },
    );
    expect(products.products.nodes).toHaveLength(5);
    const product = products.products.nodes.find((p) => p.variants.pageInfo.hasNextPage)!;
    const variants = await run<{ product: { variants: Connection<unknown> } }>(PRODUCT_VARIANTS_QUERY, {
      id: product.id,
      first: 250,
      after: product.variants.pageInfo.endCursor,
    });
    expect(variants.product.variants.nodes.length).toBeGreaterThan(0);
    const one = await run<{ customer: { id: string } }>(CUSTOMER_QUERY, {
      id: customers.customers.nodes[0].id,
    });
    expect(one.customer.id).toBe(customers.customers.nodes[0].id);
  });

  it("GIVEN an order WHEN read by the page query THEN its billing address is the one its webhook body carries", async () => {
    type Billing = { firstName: string | null; lastName: string | null; phone: string | null } | null;
    // Every order, 30 a page (the reader's page size; 100 would exceed the query cost limit).
    const nodes: Array<{ id: string; billingAddress: Billing }> = [];
    let after: string | null = null;
    do {
      const page: { orders: Connection<{ id: string; billingAddress: Billing }> } = await run(
        ORDERS_PAGE_QUERY,
        { first: 30, lineItems: 1, query: null, after },
      );
      nodes.push(...page.orders.nodes);
      after = page.orders.pageInfo.hasNextPage ? page.orders.pageInfo.endCursor : null;
    } while (after);
    expect(nodes).toHaveLength(240);
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    let withAddress = 0;
    let guests = 0;
    for (const node of nodes) {
      const order = shop.orders.get(BigInt(node.id.split("/").pop()!))!;
      const body = orderToRest(shop, order) as {
        billing_address: { first_name: string | null; last_name: string | null; phone: string | null } | null;
      };
      const expected = body.billing_address
        ? {
            firstName: body.billing_address.first_name,
            lastName: body.billing_address.last_name,
            phone: body.billing_address.phone,
          }
        : null;
      expect(node.billingAddress).toEqual(expected);
      if (expected) withAddress++;
      if (order.customerId === null) guests++;
    }
    expect(withAddress).toBeGreaterThan(50);
    expect(guests).toBeGreaterThan(0);
  });

  it("GIVEN the single-product query WHEN run THEN it answers the product with its first variants", async () => {
    const products = await run<{ products: Connection<{ id: string }> }>(PRODUCTS_PAGE_QUERY, {
      first: 1,
      variants: 1,
    });
    const id = products.products.nodes[0].id;
    const one = await run<{ product: { id: string; variants: Connection<unknown> } }>(PRODUCT_QUERY, {
      id,
      variants: 250,
    });
    expect(one.product.id).toBe(id);
    expect(one.product.variants.nodes.length).toBeGreaterThan(0);
    expect(one.product.variants.pageInfo.hasNextPage).toBe(false);
  });

  it("GIVEN the count and shop queries WHEN run THEN they report the seeded store", async () => {
    expect(await run(CUSTOMERS_COUNT_QUERY)).toEqual({ customersCount: { count: 120, precision: "EXACT" } });
    expect(await run(ORDERS_COUNT_QUERY)).toEqual({ ordersCount: { count: 240, precision: "EXACT" } });
    expect(await run(PRODUCTS_COUNT_QUERY)).toEqual({ productsCount: { count: 15, precision: "EXACT" } });
    expect(await run(SHOP_QUERY)).toMatchObject({
      shop: { myshopifyDomain: "demo.myshopify.com", currencyCode: "USD", plan: { shopifyPlus: false } },
    });
  });

  it.each([
    ["customers", BULK_CUSTOMERS_QUERY, 120],
    ["orders", BULK_ORDERS_QUERY, 240],
    ["products", BULK_PRODUCTS_QUERY, 15],
  ])(
    "GIVEN the bulk %s query WHEN run ungrouped and read by id THEN the JSONL holds every root object",
    async (_name, bulkQuery, roots) => {
      const started = await run<{
        bulkOperationRunQuery: { bulkOperation: { id: string }; userErrors: unknown[] };
      }>(BULK_OPERATION_RUN_QUERY, { query: bulkQuery.replace("{{FILTER}}", ""), groupObjects: false });
      expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
      const id = started.bulkOperationRunQuery.bulkOperation.id;
      let op = { status: "CREATED", url: null as string | null, rootObjectCount: "0" };
      while (op.status === "CREATED" || op.status === "RUNNING") {
        await new Promise((resolve) => setTimeout(resolve, 20));
        op = (await run<{ bulkOperation: typeof op }>(BULK_OPERATION_QUERY, { id })).bulkOperation;
      }
      expect(op.status).toBe("COMPLETED");
      expect(Number(op.rootObjectCount)).toBe(roots);
      const lines = (await (await fetch(op.url!)).text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { __parentId?: string });
      expect(lines.filter((l) => !l.__parentId)).toHaveLength(roots);
    },
  );

  it("GIVEN the webhook subscription documents WHEN run THEN create (by uri), list and delete work", async () => {
    const created = await run<{
      webhookSubscriptionCreate: { webhookSubscription: { id: string; uri: string }; userErrors: unknown[] };
    }>(WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, {
      topic: "ORDERS_UPDATED",
      uri: "https://app.example.com/api/webhooks/shopify",
    });
    const sub = created.webhookSubscriptionCreate.webhookSubscription;
    expect(sub.uri).toBe("https://app.example.com/api/webhooks/shopify");
    const listed = await run<{ webhookSubscriptions: Connection<{ id: string; topic: string }> }>(
      WEBHOOK_SUBSCRIPTIONS_QUERY,
      { first: 10 },
    );
    expect(listed.webhookSubscriptions.nodes.map((n) => [n.id, n.topic])).toEqual([
      [sub.id, "ORDERS_UPDATED"],
    ]);
    await run(WEBHOOK_SUBSCRIPTION_DELETE_MUTATION, { id: sub.id });
    const refused = await gql<{
      webhookSubscriptionCreate: { userErrors: Array<{ message: string }> };
    }>(emu.url, token, WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, {
      variables: { topic: "ORDERS_UPDATED", uri: "http://app.example.com/x" },
      apiVersion: SHOPIFY_API_VERSION,
    });
    expect(refused.body.data?.webhookSubscriptionCreate.userErrors[0].message).toMatch(
      /http:\/\/ is not supported/,
    );
  });
});
