/**
 * Webhook rules a connector must survive on real Shopify: subscriptions that disappear (uninstall, 8 consecutive
 * failures), https:// only, the app's configured API version and its body shape, protected customer data, the
 * bulk_operations/finish topic, and shop/redact "48 h later" on demand.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SHOP } from "../model";
import type { RunningShopifyEmulator } from "../server";
import { startReceiver, type Receiver } from "../testing/harness";
import { gql, issueToken } from "../testing/client";
import { startTestEmulator } from "../testing/fixtures";
import { MAX_CONSECUTIVE_FAILURES } from "./subscriptions";

let emu: RunningShopifyEmulator;
let receiver: Receiver;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function writeToml(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "emu-fidelity-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "shopify.app.toml");
  writeFileSync(path, body);
  return path;
}

const tomlWith = (apiVersion: string) => `
client_id = "x"
[webhooks]
api_version = "${apiVersion}"

[[webhooks.subscriptions]]
topics = ["app/uninstalled", "bulk_operations/finish"]
uri = "/webhooks/app"

[[webhooks.subscriptions]]
topics = ["customers/update"]
uri = "/webhooks/customers"

[[webhooks.subscriptions]]
compliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]
uri = "/webhooks/compliance"
`;

async function start(options: { apiVersion?: string; approved?: boolean; timeScale?: number } = {}) {
  receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  emu = await startTestEmulator({
    customers: 20,
    orders: 30,
    products: 5,
    app: { appUrl: receiver.url, protectedCustomerDataApproved: options.approved ?? true },
    webhooks: {
      tomlPath: writeToml(tomlWith(options.apiVersion ?? "2026-04")),
      timeScale: options.timeScale ?? 0,
    },
  });
  cleanups.push(() => emu.close());
  const token = await issueToken(emu.url, [
    "read_customers",
    "write_customers",
    "read_orders",
    "write_orders",
    "read_all_orders",
  ]);
  return { token, shop: emu.context.shops.get(DEFAULT_SHOP)! };
}

/** Creates a subscription over GraphQL on `apiVersion`; returns the userErrors. */
async function subscribe(token: string, topic: string, uri: string, apiVersion = "2026-10") {
  const res = await gql<{
    webhookSubscriptionCreate: {
      webhookSubscription: { id: string } | null;
      userErrors: Array<{ message: string }>;
    };
  }>(
    emu.url,
    token,
    `mutation($topic: WebhookSubscriptionTopic!, $uri: String!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) { webhookSubscription { id } userErrors { field message } } }`,
    { variables: { topic, uri }, apiVersion },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.webhookSubscriptionCreate;
}

const httpsReceiver = (path: string) => `${receiver.url.replace("http://", "https://")}${path}`;

async function touchCustomer(token: string, id: bigint, note: string) {
  await gql(
    emu.url,
    token,
    `mutation { customerUpdate(input: { id: "gid://shopify/Customer/${id}", note: "${note}" }) { userErrors { message } } }`,
  );
}

describe("webhook subscriptions as Shopify keeps them", () => {
  it("GIVEN an http:// address WHEN subscribing THEN Shopify's refusal; https:// is accepted", async () => {
    const { token } = await start();
    const refused = await subscribe(token, "ORDERS_CREATE", "http://app.example.com/webhooks");
    expect(refused.webhookSubscription).toBeNull();
    expect(refused.userErrors).toEqual([
      { field: ["webhookSubscription", "uri"], message: "Address protocol http:// is not supported" },
    ]);
    expect((await subscribe(token, "ORDERS_CREATE", "https://app.example.com/webhooks")).userErrors).toEqual(
      [],
    );
  });

  it("GIVEN an API-created subscription WHEN its endpoint fails 8 times in a row THEN Shopify deletes it; TOML ones stay", async () => {
    const { token, shop } = await start();
    expect((await subscribe(token, "CUSTOMERS_UPDATE", httpsReceiver("/api-sub"))).userErrors).toEqual([]);
    receiver.respond = () => 500;
    const customer = [...shop.customers.values()][0];
    await touchCustomer(token, customer.id, "one");
    await emu.context.webhooks.flush();
    expect(shop.webhookSubscriptions.size).toBe(0);
    const apiAttempts = receiver.requests.filter((r) => r.path === "/api-sub");
    // The retries already scheduled still go out (9 attempts), the subscription is gone after the 8th failure.
    expect(apiAttempts).toHaveLength(9);
    expect(MAX_CONSECUTIVE_FAILURES).toBe(8);

    receiver.requests.length = 0;
    receiver.respond = () => 200;
    await touchCustomer(token, customer.id, "two");
    await emu.context.webhooks.flush();
    expect(receiver.requests.map((r) => r.path)).toEqual(["/webhooks/customers"]);
  });

  it("GIVEN failures interrupted by a success WHEN counted THEN the subscription survives", async () => {
    const { token, shop } = await start();
    await subscribe(token, "CUSTOMERS_UPDATE", httpsReceiver("/flaky"));
    let calls = 0;
    receiver.respond = (path) => (path === "/flaky" && ++calls % 5 !== 0 ? 500 : 200);
    const customer = [...shop.customers.values()][0];
    for (const note of ["a", "b", "c"]) {
      await touchCustomer(token, customer.id, note);
      await emu.context.webhooks.flush();
    }
    expect(shop.webhookSubscriptions.size).toBe(1);
  });

  it("GIVEN an uninstall WHEN the app is reinstalled THEN its API-created subscriptions are gone and app/uninstalled was delivered", async () => {
    const { token, shop } = await start();
    await subscribe(token, "ORDERS_UPDATED", "https://app.example.com/orders");
    const res = await fetch(`${emu.url}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, { method: "POST" });
    expect(await res.json()).toMatchObject({ installed: false, webhooksQueued: 1 });
    await emu.context.webhooks.flush();
    expect(shop.webhookSubscriptions.size).toBe(0);
    expect(receiver.requests.map((r) => r.headers["x-shopify-topic"])).toEqual(["app/uninstalled"]);
    await fetch(`${emu.url}/_emulator/shops/${DEFAULT_SHOP}/install`, { method: "POST" });
    const again = await issueToken(emu.url, ["read_customers"]);
    const listed = await gql<{ webhookSubscriptions: { nodes: unknown[] } }>(
      emu.url,
      again,
      "{ webhookSubscriptions(first: 10) { nodes { id } } }",
      { apiVersion: "2026-10" },
    );
    expect(listed.body.data?.webhookSubscriptions.nodes).toEqual([]);
  });
});

describe("what a delivery carries", () => {
  it("GIVEN a subscription created on 2026-10 and an app configured for 2026-04 WHEN delivered THEN the header and body are 2026-04's", async () => {
    const { token, shop } = await start({ apiVersion: "2026-04" });
    await subscribe(token, "ORDERS_UPDATED", httpsReceiver("/orders"), "2026-10");
    const order = [...shop.orders.values()][0];
    await gql(
      emu.url,
      token,
      `mutation { orderUpdate(input: { id: "gid://shopify/Order/${order.id}", note: "x" }) { userErrors { message } } }`,
    );
    await emu.context.webhooks.flush();
    const delivery = receiver.requests.find((r) => r.path === "/orders")!;
    expect(delivery.headers["x-shopify-api-version"]).toBe("2026-04");
    const body = JSON.parse(delivery.rawBody) as Record<string, unknown>;
    expect(body).toHaveProperty("line_item_groups");
    expect(body).not.toHaveProperty("checkout_id");
  });

  it("GIVEN an app configured for 2025-04 WHEN an order is delivered THEN the body has 2025-04's shape (checkout_id, no line_item_groups)", async () => {
    const { token, shop } = await start({ apiVersion: "2025-04" });
    await subscribe(token, "ORDERS_UPDATED", httpsReceiver("/orders"), "2026-10");
    const order = [...shop.orders.values()][0];
    await gql(
      emu.url,
      token,
      `mutation { orderUpdate(input: { id: "gid://shopify/Order/${order.id}", note: "y" }) { userErrors { message } } }`,
    );
    await emu.context.webhooks.flush();
    const delivery = receiver.requests.find((r) => r.path === "/orders")!;
    expect(delivery.headers["x-shopify-api-version"]).toBe("2025-04");
    const keys = Object.keys(JSON.parse(delivery.rawBody) as Record<string, unknown>);
    expect(keys).not.toContain("line_item_groups");
    expect(keys.indexOf("checkout_id")).toBe(keys.indexOf("cart_token") + 1);
  });

  it("GIVEN a customer update WHEN delivered THEN the body carries neither tags nor marketing consent (since 2025-01)", async () => {
    const { token, shop } = await start();
    const customer = [...shop.customers.values()].find((c) => c.tags.length > 0 && c.emailConsent)!;
    await touchCustomer(token, customer.id, "z");
    await emu.context.webhooks.flush();
    const body = JSON.parse(
      receiver.requests.find((r) => r.path === "/webhooks/customers")!.rawBody,
    ) as object;
    expect(body).not.toHaveProperty("tags");
    expect(body).not.toHaveProperty("email_marketing_consent");
    expect(body).not.toHaveProperty("sms_marketing_consent");
  });

  it("GIVEN bulk_operations/finish in the TOML WHEN a bulk query completes THEN the finish webhook arrives", async () => {
    const { token } = await start();
    const started = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      emu.url,
      token,
      `mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") { bulkOperation { id } userErrors { message } } }`,
    );
    const id = started.body.data!.bulkOperationRunQuery.bulkOperation.id;
    for (
      let i = 0;
      i < 200 && !receiver.requests.some((r) => r.headers["x-shopify-topic"] === "bulk_operations/finish");
      i++
    ) {
      await emu.context.webhooks.flush();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const finish = receiver.requests.find((r) => r.headers["x-shopify-topic"] === "bulk_operations/finish")!;
    expect(finish.path).toBe("/webhooks/app");
    expect(JSON.parse(finish.rawBody)).toMatchObject({
      admin_graphql_api_id: id,
      status: "completed",
      error_code: null,
    });
  });

  it("GIVEN an uninstall that schedules shop/redact 48 h later WHEN the control endpoint asks for it now THEN it arrives now", async () => {
    await start({ timeScale: 1 });
    await fetch(`${emu.url}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, {
      method: "POST",
      body: '{"shopRedact":true}',
    });
    await emu.context.webhooks.flush();
    expect(receiver.requests.map((r) => r.headers["x-shopify-topic"])).toEqual(["app/uninstalled"]);
    const now = await fetch(`${emu.url}/_emulator/webhooks/shop-redact`, {
      method: "POST",
      body: JSON.stringify({ shop: DEFAULT_SHOP }),
    });
    expect(await now.json()).toEqual({ ok: true, webhooksQueued: 1 });
    await emu.context.webhooks.flush();
    expect(receiver.requests.map((r) => r.headers["x-shopify-topic"])).toEqual([
      "app/uninstalled",
      "shop/redact",
    ]);
    expect(receiver.requests[1].path).toBe("/webhooks/compliance");
  });
});

describe("protected customer data", () => {
  const PII =
    "{ customers(first: 3) { nodes { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } numberOfOrders } } }";

  it("GIVEN an unapproved app WHEN customer fields are read THEN name, email and phone are null with ACCESS_DENIED errors; the rest resolves", async () => {
    const { token } = await start({ approved: false });
    const res = await gql<{ customers: { nodes: Array<Record<string, unknown>> } }>(emu.url, token, PII);
    const [first] = res.body.data!.customers.nodes;
    expect(first).toMatchObject({
      firstName: null,
      lastName: null,
      defaultEmailAddress: null,
      defaultPhoneNumber: null,
    });
    expect(first.id).toMatch(/^gid:\/\/shopify\/Customer\//);
    expect(first.numberOfOrders).toEqual(expect.any(String));
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining("This app is not approved to use the"),
      extensions: { code: "ACCESS_DENIED" },
    });
  });

  it("GIVEN an unapproved app WHEN subscribing to customers or orders topics THEN Shopify's refusal; TOML customer topics are not delivered", async () => {
    const { token, shop } = await start({ approved: false });
    const refused = await subscribe(token, "ORDERS_CREATE", "https://app.example.com/orders");
    expect(refused.userErrors[0].message).toMatch(
      /^This app is not approved to subscribe to webhook topics containing protected customer data/,
    );
    expect(
      (await subscribe(token, "PRODUCTS_UPDATE", "https://app.example.com/products")).userErrors,
    ).toEqual([]);
    await touchCustomer(token, [...shop.customers.keys()][0], "n");
    await emu.context.webhooks.flush();
    expect(receiver.requests.filter((r) => r.path === "/webhooks/customers")).toEqual([]);
    // The compliance topics are mandatory for every public app, approved or not.
    for (const topic of ["customers/redact", "customers/data_request"]) {
      const res = await fetch(`${emu.url}/_emulator/webhooks/compliance`, {
        method: "POST",
        body: JSON.stringify({
          shop: DEFAULT_SHOP,
          topic,
          customerId: String([...shop.customers.keys()][0]),
        }),
      });
      expect(res.status).toBe(200);
    }
    await emu.context.webhooks.flush();
    expect(
      receiver.requests
        .filter((r) => r.path === "/webhooks/compliance")
        .map((r) => r.headers["x-shopify-topic"]),
    ).toEqual(["customers/redact", "customers/data_request"]);
  });

  it("GIVEN the switch flipped at runtime WHEN a bulk export runs THEN protected fields are null in the file and the rest is there", async () => {
    const { token } = await start();
    const flipped = await fetch(`${emu.url}/_emulator/app`, {
      method: "POST",
      body: JSON.stringify({ protectedCustomerDataApproved: false }),
    });
    expect(await flipped.json()).toMatchObject({ protectedCustomerDataApproved: false });
    const started = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
      emu.url,
      token,
      `mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id email firstName tags } } } }") { bulkOperation { id } } }`,
    );
    const id = started.body.data!.bulkOperationRunQuery.bulkOperation.id;
    let url: string | null = null;
    while (!url) {
      const res = await gql<{ node: { url: string | null; status: string } }>(
        emu.url,
        token,
        `{ node(id: "${id}") { ... on BulkOperation { url status } } }`,
      );
      expect(res.body.data!.node.status).not.toBe("FAILED");
      url = res.body.data!.node.url;
      if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines = (await (await fetch(url)).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.email === null && l.firstName === null && Array.isArray(l.tags))).toBe(true);
  });
});
