/**
 * The app's own documents (app/platforms/shopify/queries) run against the emulator without errors and return data:
 * what the sync engine sends is what the emulator answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import { CUSTOMERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/customers";
import { ORDERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/orders";
import { PRODUCTS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/products";
import { COUNTS_QUERY } from "../../../app/platforms/shopify/queries/counts";
import { SHOP_QUERY } from "../../../app/platforms/shopify/queries/shop";
import {
  BULK_CUSTOMERS_QUERY,
  BULK_OPERATION_RUN_QUERY,
  BULK_OPERATION_STATUS_QUERY,
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

async function run(query: string, variables: Record<string, unknown> = {}) {
  clock.advanceMs(10_000); // keep the bucket full: this test is about answers, not throttling
  const res = await gql(emu.url, token, query, { variables });
  expect(res.body.errors).toBeUndefined();
  return res.body.data as Record<string, unknown>;
}

describe("the app's Shopify queries against the emulator", () => {
  it("GIVEN the page queries WHEN run with an updated_at filter THEN they answer without errors", async () => {
    const filter = "updated_at:>'2025-01-01T00:00:00Z'";
    const customers = (await run(CUSTOMERS_PAGE_QUERY, { first: 100, query: filter })) as {
      customers: { edges: unknown[] };
    };
    expect(customers.customers.edges.length).toBeGreaterThan(0);
    const orders = (await run(ORDERS_PAGE_QUERY, { first: 3, query: filter })) as {
      orders: { edges: unknown[] };
    };
    expect(orders.orders.edges).toHaveLength(3);
    const products = (await run(PRODUCTS_PAGE_QUERY, { first: 5 })) as { products: { edges: unknown[] } };
    expect(products.products.edges).toHaveLength(5);
  });

  it("GIVEN the counts and shop queries WHEN run THEN they report the seeded store", async () => {
    expect(await run(COUNTS_QUERY)).toEqual({
      customersCount: { count: 120, precision: "EXACT" },
      ordersCount: { count: 240, precision: "EXACT" },
      productsCount: { count: 15, precision: "EXACT" },
    });
    expect(await run(SHOP_QUERY)).toMatchObject({
      shop: { myshopifyDomain: "demo.myshopify.com", currencyCode: "USD" },
    });
  });

  it.each([
    ["customers", BULK_CUSTOMERS_QUERY, 120],
    ["orders", BULK_ORDERS_QUERY, 240],
    ["products", BULK_PRODUCTS_QUERY, 15],
  ])(
    "GIVEN the bulk %s query WHEN run THEN the JSONL holds every root object",
    async (_name, bulkQuery, roots) => {
      const started = (await run(BULK_OPERATION_RUN_QUERY, {
        query: bulkQuery.replace("{{FILTER}}", ""),
      })) as {
        bulkOperationRunQuery: { bulkOperation: { id: string }; userErrors: unknown[] };
      };
      expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
      const id = started.bulkOperationRunQuery.bulkOperation.id;
      let op = { status: "CREATED", url: null as string | null, rootObjectCount: "0" };
      while (op.status === "CREATED" || op.status === "RUNNING") {
        await new Promise((resolve) => setTimeout(resolve, 20));
        op = ((await run(BULK_OPERATION_STATUS_QUERY, { id })) as { node: typeof op }).node;
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

  it("GIVEN the webhook subscription documents WHEN run THEN create, list and delete work", async () => {
    const created = (await run(WEBHOOK_SUBSCRIPTION_CREATE_MUTATION, {
      topic: "ORDERS_UPDATED",
      callbackUrl: "https://app.example.com/webhooks/orders/updated",
    })) as {
      webhookSubscriptionCreate: { webhookSubscription: { id: string; endpoint: { callbackUrl: string } } };
    };
    const sub = created.webhookSubscriptionCreate.webhookSubscription;
    expect(sub.endpoint).toEqual({
      __typename: "WebhookHttpEndpoint",
      callbackUrl: "https://app.example.com/webhooks/orders/updated",
    });
    const listed = (await run(WEBHOOK_SUBSCRIPTIONS_QUERY, { first: 10 })) as {
      webhookSubscriptions: { nodes: Array<{ id: string }> };
    };
    expect(listed.webhookSubscriptions.nodes.map((n) => n.id)).toEqual([sub.id]);
    await run(WEBHOOK_SUBSCRIPTION_DELETE_MUTATION, { id: sub.id });
  });
});
