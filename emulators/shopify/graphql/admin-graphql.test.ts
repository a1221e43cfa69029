import {
  ApiVersion,
  GraphqlQueryError,
  LogSeverity,
  RequestedTokenType,
  Session,
  shopifyApi,
} from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_SHOP, parseGid } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator, testClock } from "../testing/fixtures";
import { redirectShopifyFetch } from "../testing/redirect-fetch";
import { signSessionToken } from "../auth/session-token";
import { CUSTOMERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/customers";
import { ORDERS_PAGE_QUERY } from "../../../app/platforms/shopify/queries/orders";

// Starts at the real time: @shopify/shopify-api checks session-token expiry against the real clock.
const clock = testClock(new Date(Math.floor(Date.now() / 1000) * 1000));
const OTHER_SHOP = "second-store.myshopify.com";
const ALL_SCOPES = [
  "read_customers",
  "write_customers",
  "read_orders",
  "write_orders",
  "read_all_orders",
  "read_products",
  "write_products",
];
let emu: RunningShopifyEmulator;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator({ now: clock.now, shops: [OTHER_SHOP] });
  token = await issueToken(emu.url, ALL_SCOPES);
  redirectShopifyFetch(emu.url);
});

afterAll(async () => {
  await emu.close();
});

type Page = {
  edges: Array<{ cursor: string; node: { id: string; updatedAt: string } }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
};

describe("Admin GraphQL through @shopify/shopify-api", () => {
  it("GIVEN an offline session WHEN the library's GraphQL client runs the app's customers query THEN it gets real data and cost", async () => {
    const shopify = shopifyApi({
      apiKey: "emulator-api-key",
      apiSecretKey: "emulator-api-secret",
      scopes: ALL_SCOPES,
      hostName: "127.0.0.1:3999",
      hostScheme: "http",
      apiVersion: ApiVersion.April25,
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: async () => undefined },
    });
    const session = new Session({
      id: `offline_${DEFAULT_SHOP}`,
      shop: DEFAULT_SHOP,
      state: "",
      isOnline: false,
      accessToken: token,
    });
    const client = new shopify.clients.Graphql({ session });
    const res = await client.request<{ customers: { nodes: Array<{ id: string }> } }>(CUSTOMERS_PAGE_QUERY, {
      variables: { first: 5 },
    });
    expect(res.data?.customers.nodes).toHaveLength(5);
    expect(res.data?.customers.nodes[0].id).toMatch(/^gid:\/\/shopify\/Customer\/\d+$/);
    expect(res.extensions?.cost).toMatchObject({
      throttleStatus: { maximumAvailable: 2000, restoreRate: 100 },
    });

    const bad = client.request("{ shop { nope } }");
    await expect(bad).rejects.toBeInstanceOf(GraphqlQueryError);
  });

  it("GIVEN a session token WHEN the library's tokenExchange runs against the emulator THEN the offline token queries GraphQL", async () => {
    const shopify = shopifyApi({
      apiKey: "emulator-api-key",
      apiSecretKey: "emulator-api-secret",
      scopes: ["read_customers"],
      hostName: "127.0.0.1:3000",
      hostScheme: "http",
      apiVersion: ApiVersion.April25,
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error, log: async () => undefined },
    });
    const { session } = await shopify.auth.tokenExchange({
      shop: DEFAULT_SHOP,
      sessionToken: await signSessionToken(emu.context, DEFAULT_SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    const client = new shopify.clients.Graphql({ session });
    const res = await client.request<{ customersCount: { count: number } }>("{ customersCount { count } }");
    expect(res.data?.customersCount.count).toBe(120);
  });
});

describe("Admin GraphQL endpoint", () => {
  it("GIVEN a wrong access token WHEN querying THEN 401 with Shopify's error body", async () => {
    const res = await gql(emu.url, "shpat_wrong", "{ shop { name } }");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
  });

  it("GIVEN a token of one shop WHEN used against another shop THEN 401", async () => {
    const res = await gql(emu.url, token, "{ shop { name } }", { shop: OTHER_SHOP });
    expect(res.status).toBe(401);
  });

  it("GIVEN two shops WHEN each is queried with its own token THEN X-Emulated-Shop selects the shop", async () => {
    const other = await issueToken(emu.url, ["read_customers"], OTHER_SHOP);
    const a = await gql<{ shop: { myshopifyDomain: string } }>(
      emu.url,
      token,
      "{ shop { myshopifyDomain } }",
    );
    const b = await gql<{ shop: { myshopifyDomain: string } }>(
      emu.url,
      other,
      "{ shop { myshopifyDomain } }",
      { shop: OTHER_SHOP },
    );
    expect(a.body.data?.shop.myshopifyDomain).toBe(DEFAULT_SHOP);
    expect(b.body.data?.shop.myshopifyDomain).toBe(OTHER_SHOP);
  });

  it("GIVEN an unknown field WHEN validating THEN a Shopify-worded undefinedField error on HTTP 200", async () => {
    const res = await gql(emu.url, token, "{ customers(first: 1) { nodes { id foo } } }");
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]).toMatchObject({
      message: "Field 'foo' doesn't exist on type 'Customer'",
      locations: [{ line: 1, column: 36 }],
      path: ["query", "customers", "nodes", "foo"],
      extensions: { code: "undefinedField", typeName: "Customer", fieldName: "foo" },
    });
  });

  it("GIVEN an unknown argument or a missing required one WHEN validating THEN graphql-ruby's wording", async () => {
    const unknown = await gql(emu.url, token, "{ customers(first: 1, color: 2) { nodes { id } } }");
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: "Field 'customers' doesn't accept argument 'color'",
      path: ["query", "customers", "color"],
      extensions: { code: "argumentNotAccepted" },
    });
    const missing = await gql(emu.url, token, "{ customer { id } }");
    expect(missing.body.errors?.[0]).toMatchObject({
      message: "Field 'customer' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
  });

  it("GIVEN strict mode WHEN a deprecated field is used THEN it is rejected; without strict mode it resolves", async () => {
    const query = "{ customers(first: 3) { nodes { id email } } }";
    const strict = await gql(emu.url, token, query);
    expect(strict.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining("'email' on type 'Customer' is deprecated"),
      extensions: { code: "deprecatedField", typeName: "Customer", fieldName: "email" },
    });
    await fetch(`${emu.url}/_emulator/strict`, { method: "POST", body: JSON.stringify({ strict: false }) });
    try {
      const lax = await gql<{ customers: { nodes: Array<{ email: string | null }> } }>(emu.url, token, query);
      expect(lax.body.errors).toBeUndefined();
      expect(lax.body.data?.customers.nodes).toHaveLength(3);
    } finally {
      await fetch(`${emu.url}/_emulator/strict`, { method: "POST", body: JSON.stringify({ strict: true }) });
    }
  });

  it("GIVEN a token without read_orders WHEN querying orders THEN ACCESS_DENIED naming the required scope", async () => {
    const limited = await issueToken(emu.url, ["read_customers"]);
    const res = await gql(emu.url, limited, "{ shop { name } orders(first: 1) { nodes { id } } }");
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0]).toMatchObject({
      message: "Access denied for orders field. Required access: `read_orders` access scope.",
      path: ["orders"],
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_orders` access scope." },
    });
  });

  it("GIVEN read_orders without read_customers WHEN an order's customer is selected THEN that field is denied, the order is served", async () => {
    const ordersOnly = await issueToken(emu.url, ["read_orders", "read_all_orders"]);
    const res = await gql<{ orders: { nodes: Array<{ id: string; customer: null }> } }>(
      emu.url,
      ordersOnly,
      "{ orders(first: 1) { nodes { id customer { id } } } }",
    );
    expect(res.body.data?.orders.nodes[0]).toEqual({ id: expect.any(String), customer: null });
    expect(res.body.errors?.[0]).toMatchObject({
      path: ["orders", "nodes", 0, "customer"],
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("GIVEN a write scope WHEN reading the same resource THEN it is allowed (write implies read)", async () => {
    const writer = await issueToken(emu.url, ["write_products"]);
    const res = await gql<{ productsCount: { count: number } }>(
      emu.url,
      writer,
      "{ productsCount { count } }",
    );
    expect(res.body.data?.productsCount.count).toBe(15);
  });
});

async function collect(
  query: string,
  pageSize: number,
  direction: "forward" | "backward",
  filter?: string,
  reverse = false,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const args =
      direction === "forward" ? `first: ${pageSize}, after: $cursor` : `last: ${pageSize}, before: $cursor`;
    const res: Awaited<ReturnType<typeof gql<{ customers: Page }>>> = await gql<{ customers: Page }>(
      emu.url,
      token,
      `query($cursor: String, $q: String) { customers(${args}, sortKey: UPDATED_AT, query: $q, reverse: ${reverse}) { edges { cursor node { id updatedAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      { variables: { cursor, q: filter ?? query } },
    );
    const page = res.body.data!.customers;
    const pageIds = page.edges.map((e) => e.node.id);
    if (direction === "forward") {
      ids.push(...pageIds);
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    } else {
      ids.unshift(...pageIds);
      if (!page.pageInfo.hasPreviousPage) break;
      cursor = page.pageInfo.startCursor;
    }
  }
  return ids;
}

describe("pagination and search", () => {
  it("GIVEN 120 customers WHEN paging forward and backward by UPDATED_AT THEN both walks see every customer once, in the same order", async () => {
    const forward = await collect("", 25, "forward");
    const backward = await collect("", 25, "backward");
    expect(forward).toHaveLength(120);
    expect(new Set(forward).size).toBe(120);
    expect(backward).toEqual(forward);
    const reversed = await collect("", 40, "forward", "", true);
    expect(reversed).toEqual([...forward].reverse());
  });

  it("GIVEN updated_at filters WHEN querying THEN exactly the matching customers are returned", async () => {
    const all = [...emu.context.shops.get(DEFAULT_SHOP)!.customers.values()];
    const sorted = all.map((c) => c.updatedAt.getTime()).sort((a, b) => a - b);
    const pivot = new Date(sorted[60]).toISOString();
    const expectCount = (predicate: (ms: number) => boolean) =>
      all.filter((c) => predicate(c.updatedAt.getTime())).length;
    const pivotMs = Date.parse(pivot);
    expect(await collect("", 50, "forward", `updated_at:>'${pivot}'`)).toHaveLength(
      expectCount((ms) => ms > pivotMs),
    );
    expect(await collect("", 50, "forward", `updated_at:>='${pivot}'`)).toHaveLength(
      expectCount((ms) => ms >= pivotMs),
    );
    expect(await collect("", 50, "forward", `updated_at:<'${pivot}'`)).toHaveLength(
      expectCount((ms) => ms < pivotMs),
    );
    expect(await collect("", 50, "forward", `updated_at:<=${pivot}`)).toHaveLength(
      expectCount((ms) => ms <= pivotMs),
    );
    const counted = await gql<{ customersCount: { count: number } }>(
      emu.url,
      token,
      `{ customersCount(query: "updated_at:>'${pivot}'") { count precision } }`,
    );
    expect(counted.body.data?.customersCount.count).toBe(expectCount((ms) => ms > pivotMs));
  });

  it("GIVEN no first or last WHEN querying a connection THEN Shopify's error", async () => {
    const res = await gql(emu.url, token, "{ customers { nodes { id } } }");
    expect(res.body.errors?.[0].message).toBe("you must provide one of first or last");
  });
});

describe("records", () => {
  it("GIVEN orders older than 60 days WHEN the token lacks read_all_orders THEN they are invisible", async () => {
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const cutoff = clock.now().getTime() - 60 * 86_400_000;
    const recent = [...shop.orders.values()].filter((o) => o.createdAt.getTime() >= cutoff).length;
    const limited = await issueToken(emu.url, ["read_orders"]);
    const q = "{ ordersCount(limit: null) { count } }";
    const withAll = await gql<{ ordersCount: { count: number } }>(emu.url, token, q);
    const withoutAll = await gql<{ ordersCount: { count: number } }>(emu.url, limited, q);
    expect(withAll.body.data?.ordersCount.count).toBe(240);
    expect(withoutAll.body.data?.ordersCount.count).toBe(recent);
    expect(recent).toBeLessThan(240);
  });

  it("GIVEN the app's orders query WHEN run THEN money bags, statuses and line items resolve", async () => {
    // The clock is frozen: let the leaky bucket refill after the pagination tests.
    clock.advanceMs(10_000);
    const res = await gql<{
      orders: { nodes: Array<Record<string, unknown> & { lineItems: { nodes: unknown[] } }> };
    }>(emu.url, token, ORDERS_PAGE_QUERY, {
      variables: { first: 3, lineItems: 5 },
    });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.orders.nodes;
    expect(nodes[0]).toMatchObject({
      displayFinancialStatus: expect.any(String),
      displayFulfillmentStatus: expect.any(String),
      totalPriceSet: { shopMoney: { amount: expect.stringMatching(/^\d+\.\d{1,2}$/), currencyCode: "USD" } },
    });
    expect(nodes.every((n) => n.lineItems.nodes.length > 0)).toBe(true);
    // Guest orders and foreign presentment currencies exist in the seed and come through the same query.
    // 2 + 190 × (order 1 + customer 1 + money bag 3) = 952 points: under the single-query limit.
    clock.advanceMs(10_000);
    const guests = await gql<{
      orders: {
        nodes: Array<{
          customer: unknown;
          email: string | null;
          totalPriceSet: { presentmentMoney: { currencyCode: string } };
        }>;
      };
    }>(
      emu.url,
      token,
      "{ orders(first: 190) { nodes { customer { id } email totalPriceSet { presentmentMoney { amount currencyCode } } } } }",
    );
    const all = guests.body.data!.orders.nodes;
    expect(all.some((n) => n.customer === null && typeof n.email === "string")).toBe(true);
    expect(all.some((n) => n.totalPriceSet.presentmentMoney.currencyCode !== "USD")).toBe(true);
  });

  it("GIVEN an id above 2^53 WHEN fetched through node() THEN its GID and legacyResourceId are exact", async () => {
    const shop = emu.context.shops.get(DEFAULT_SHOP)!;
    const big = [...shop.customers.values(), ...shop.orders.values(), ...shop.products.values()].find(
      (r) => r.id > 2n ** 53n,
    );
    expect(big).toBeDefined();
    const type = "lineItems" in big! ? "Order" : "variants" in big! ? "Product" : "Customer";
    const id = `gid://shopify/${type}/${big!.id}`;
    const res = await gql<{ node: { id: string; legacyResourceId: string } }>(
      emu.url,
      token,
      `query($id: ID!) { node(id: $id) { id ... on ${type} { legacyResourceId } } }`,
      {
        variables: { id },
      },
    );
    expect(res.body.data?.node).toEqual({ id, legacyResourceId: big!.id.toString() });
  });

  it("GIVEN customerCreate/customerUpdate/productCreate/productUpdate/orderUpdate WHEN run THEN data changes, updatedAt moves and webhooks are emitted", async () => {
    const emit = vi.spyOn(emu.context.webhooks, "emit");
    clock.advanceMs(60_000);
    const created = await gql<{
      customerCreate: { customer: { id: string; updatedAt: string }; userErrors: unknown[] };
    }>(
      emu.url,
      token,
      `mutation { customerCreate(input: { email: "new.person@example.com", firstName: "New", emailMarketingConsent: { marketingState: SUBSCRIBED, marketingOptInLevel: SINGLE_OPT_IN } }) { customer { id updatedAt defaultEmailAddress { marketingState } } userErrors { field message } } }`,
    );
    expect(created.body.data?.customerCreate.userErrors).toEqual([]);
    expect(created.body.extensions?.cost.requestedQueryCost).toBe(10);
    const customerId = created.body.data!.customerCreate.customer.id;
    expect(created.body.data?.customerCreate.customer.updatedAt).toBe(
      clock.now().toISOString().replace(".000", ""),
    );
    const dup = await gql<{ customerCreate: { userErrors: Array<{ message: string }> } }>(
      emu.url,
      token,
      `mutation { customerCreate(input: { email: "NEW.person@example.com" }) { userErrors { field message } } }`,
    );
    expect(dup.body.data?.customerCreate.userErrors[0].message).toBe("Email has already been taken");
    clock.advanceMs(1000);
    const updated = await gql<{ customerUpdate: { customer: { firstName: string; updatedAt: string } } }>(
      emu.url,
      token,
      `mutation { customerUpdate(input: { id: "${customerId}", firstName: "Renamed" }) { customer { firstName updatedAt } userErrors { message } } }`,
    );
    expect(updated.body.data?.customerUpdate.customer.firstName).toBe("Renamed");
    const product = await gql<{ productCreate: { product: { id: string } } }>(
      emu.url,
      token,
      `mutation { productCreate(product: { title: "Test Kettle" }) { product { id variants(first: 1) { nodes { title } } } userErrors { message } } }`,
    );
    const productId = product.body.data!.productCreate.product.id;
    await gql(
      emu.url,
      token,
      `mutation { productUpdate(product: { id: "${productId}", title: "Test Kettle 2" }) { product { title } userErrors { message } } }`,
    );
    const order = [...emu.context.shops.get(DEFAULT_SHOP)!.orders.values()][0];
    const orderRes = await gql<{ orderUpdate: { order: { note: string } } }>(
      emu.url,
      token,
      `mutation { orderUpdate(input: { id: "gid://shopify/Order/${order.id}", note: "Gift wrap" }) { order { note } userErrors { message } } }`,
    );
    expect(orderRes.body.data?.orderUpdate.order.note).toBe("Gift wrap");
    expect(emit.mock.calls.map((c) => c[0].topic)).toEqual([
      "customers/create",
      "customers/update",
      "products/create",
      "products/update",
      "orders/updated",
    ]);
    const customerBody = emit.mock.calls[0][0].body as { id: unknown; email: string };
    expect(String(customerBody.id)).toBe(String(parseGid(customerId)!.id));
    expect(customerBody.email).toBe("new.person@example.com");
  });

  it("GIVEN webhookSubscriptionCreate WHEN listing and deleting THEN the subscription is stored on the shop", async () => {
    const created = await gql<{
      webhookSubscriptionCreate: { webhookSubscription: { id: string; topic: string } };
    }>(
      emu.url,
      token,
      `mutation { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { callbackUrl: "https://app.example.com/webhooks", format: JSON }) { webhookSubscription { id topic endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } userErrors { message } } }`,
    );
    const sub = created.body.data!.webhookSubscriptionCreate.webhookSubscription;
    expect(sub.topic).toBe("CUSTOMERS_UPDATE");
    const listed = await gql<{ webhookSubscriptions: { nodes: Array<{ id: string }> } }>(
      emu.url,
      token,
      "{ webhookSubscriptions(first: 10) { nodes { id topic } } }",
    );
    expect(listed.body.data?.webhookSubscriptions.nodes.map((n) => n.id)).toContain(sub.id);
    const deleted = await gql<{ webhookSubscriptionDelete: { deletedWebhookSubscriptionId: string } }>(
      emu.url,
      token,
      `mutation { webhookSubscriptionDelete(id: "${sub.id}") { deletedWebhookSubscriptionId userErrors { message } } }`,
    );
    expect(deleted.body.data?.webhookSubscriptionDelete.deletedWebhookSubscriptionId).toBe(sub.id);
    expect(emu.context.shops.get(DEFAULT_SHOP)!.webhookSubscriptions.size).toBe(0);
  });
});
