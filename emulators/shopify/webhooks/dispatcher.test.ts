import "@shopify/shopify-api/adapters/node";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SHOP, type EmuShop } from "../model";
import {
  makeShop,
  startHarness,
  startReceiver,
  TEST_API_KEY,
  TEST_API_SECRET,
  TEST_SCOPES,
  type Harness,
  type HarnessOptions,
  type Receiver,
} from "../testing/harness";
import { SHOPIFY_RETRY_SCHEDULE_MS } from "./dispatcher";
import { defaultTomlPath, loadTomlWebhooks } from "./toml";
import { customerToRest } from "./rest-bodies";

const shopify = shopifyApi({
  apiKey: TEST_API_KEY,
  apiSecretKey: TEST_API_SECRET,
  scopes: TEST_SCOPES,
  hostName: "127.0.0.1",
  apiVersion: ApiVersion.April25,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: async () => undefined },
});

let receiver: Receiver;
let h: Harness;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<HarnessOptions> = {}): Promise<EmuShop> {
  receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  h = await startHarness({ appUrl: receiver.url, ...options });
  cleanups.push(() => h.close());
  return h.ctx.shops.get(DEFAULT_SHOP) as EmuShop;
}

function subscribe(shop: EmuShop, topic: string, path: string): void {
  const id = shop.nextId++;
  shop.webhookSubscriptions.set(id, {
    id,
    topic,
    uri: `${receiver.url}${path}`,
    format: "JSON",
    source: "graphql",
    apiVersion: "2025-04",
    createdAt: new Date(),
    updatedAt: new Date(),
  });
}

function emitCustomerUpdate(shop: EmuShop, eventId?: string): void {
  const customer = [...shop.customers.values()][0];
  h.webhooks.emit({
    shop: shop.domain,
    topic: "customers/update",
    body: customerToRest(shop, customer),
    eventId,
  });
}

describe("webhook delivery", () => {
  it("GIVEN a GraphQL subscription WHEN a customer changes THEN the real shopify.webhooks.validate accepts the delivery and a tampered body fails", async () => {
    const shop = await setup();
    subscribe(shop, "CUSTOMERS_UPDATE", "/webhooks/customers/update");
    const results: { valid: boolean; tampered: boolean; topic?: string; domain?: string }[] = [];
    receiver.inspect = async (req, res, rawBody) => {
      const ok = await shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res });
      const tampered = await shopify.webhooks.validate({
        rawBody: rawBody.replace("Ada", "Eve"),
        rawRequest: req,
        rawResponse: res,
      });
      results.push({
        valid: ok.valid,
        tampered: tampered.valid,
        topic: ok.valid ? ok.topic : undefined,
        domain: ok.valid ? ok.domain : undefined,
      });
    };
    emitCustomerUpdate(shop);
    await h.webhooks.flush();

    expect(results).toEqual([
      { valid: true, tampered: false, topic: "CUSTOMERS_UPDATE", domain: DEFAULT_SHOP },
    ]);
    const [request] = receiver.requests;
    expect(request.path).toBe("/webhooks/customers/update");
    expect(request.headers["x-shopify-topic"]).toBe("customers/update");
    expect(request.headers["x-shopify-api-version"]).toBe("2025-04");
    expect(request.headers["x-shopify-shop-domain"]).toBe(DEFAULT_SHOP);
    expect(request.headers["user-agent"]).toBe("Shopify-Captain-Hook");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(request.headers["x-shopify-triggered-at"])))).toBe(false);
    // The id is above 2^53 and must arrive as the exact integer literal.
    const customerId = [...shop.customers.keys()][0];
    expect(customerId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(request.rawBody).toContain(`"id":${customerId.toString()},`);

    const log = h.webhooks.deliveries();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      topic: "customers/update",
      attempt: 1,
      status: 200,
      outcome: "delivered",
    });
  });

  it("does not deliver to subscriptions of other topics or shops", async () => {
    const other = makeShop("other.myshopify.com", 500n);
    const shop = await setup({ shops: [makeShop(DEFAULT_SHOP, 9_007_199_254_740_993n), other] });
    subscribe(shop, "ORDERS_CREATE", "/orders");
    subscribe(other, "CUSTOMERS_UPDATE", "/other");
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(0);
  });

  it("GIVEN an endpoint that always fails THEN it retries 8 times with the same webhook and event id, then stops", async () => {
    const shop = await setup();
    subscribe(shop, "CUSTOMERS_UPDATE", "/fail");
    receiver.respond = () => 500;
    emitCustomerUpdate(shop);
    await h.webhooks.flush();

    expect(receiver.requests).toHaveLength(1 + SHOPIFY_RETRY_SCHEDULE_MS.length);
    expect(SHOPIFY_RETRY_SCHEDULE_MS).toHaveLength(8);
    expect(SHOPIFY_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0)).toBe(4 * 3_600_000);
    expect(new Set(receiver.requests.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.rawBody)).size).toBe(1);
    const log = h.webhooks.deliveries();
    expect(log.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(log.slice(0, 8).every((e) => e.outcome === "failed" && e.status === 500)).toBe(true);
    expect(log[8].outcome).toBe("gave_up");
    expect(h.webhooks.pendingCount()).toBe(0);
  });

  it("stops retrying once the endpoint answers 2xx", async () => {
    const shop = await setup();
    subscribe(shop, "CUSTOMERS_UPDATE", "/flaky");
    receiver.respond = (_path, index) => (index < 2 ? 503 : 200);
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(3);
    expect(h.webhooks.deliveries().map((e) => e.outcome)).toEqual(["failed", "failed", "delivered"]);
  });

  it("keeps later retries scheduled in real time and lets flush send only what is due", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 1 } });
    subscribe(shop, "CUSTOMERS_UPDATE", "/fail");
    receiver.respond = () => 500;
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(h.webhooks.pendingCount()).toBe(1);
    const [entry] = h.webhooks.deliveries();
    // 10 s after the failed attempt; the two times are read from the clock a moment apart (±1 ms).
    const delay = Date.parse(entry.nextAttemptAt as string) - Date.parse(entry.completedAt);
    expect(Math.abs(delay - 10_000)).toBeLessThanOrEqual(1);
  });

  it("treats a hanging endpoint as failed after the timeout", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, timeoutMs: 50, retryScheduleMs: [] } });
    subscribe(shop, "CUSTOMERS_UPDATE", "/hang");
    receiver.inspect = () => new Promise(() => undefined);
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    const [entry] = h.webhooks.deliveries();
    expect(entry).toMatchObject({ outcome: "gave_up", status: null, error: "timed out after 50 ms" });
  });
});

describe("fault injection", () => {
  it("delivers duplicates with the same event id and a different webhook id", async () => {
    const shop = await setup();
    subscribe(shop, "CUSTOMERS_UPDATE", "/dup");
    h.webhooks.setFaults({ duplicateNext: 1 });
    emitCustomerUpdate(shop, "event-1");
    emitCustomerUpdate(shop, "event-2");
    await h.webhooks.flush();
    const events = receiver.requests.map((r) => r.headers["x-shopify-event-id"]);
    expect(events.sort()).toEqual(["event-1", "event-1", "event-2"]);
    const dupes = receiver.requests.filter((r) => r.headers["x-shopify-event-id"] === "event-1");
    expect(dupes[0].headers["x-shopify-webhook-id"]).not.toBe(dupes[1].headers["x-shopify-webhook-id"]);
    expect(h.webhooks.deliveries().filter((e) => e.duplicate)).toHaveLength(1);
  });

  it("reorders a window of deliveries and drops the requested ones (through the control API)", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, concurrency: 1 } });
    subscribe(shop, "CUSTOMERS_UPDATE", "/order");
    const set = await fetch(`${h.baseUrl}/_emulator/webhooks/faults`, {
      method: "POST",
      body: JSON.stringify({ reorderWindow: 3, dropNext: 1 }),
    });
    expect(await set.json()).toMatchObject({ reorderWindow: 3, dropNext: 1 });
    for (const id of ["e1", "e2", "e3", "e4"]) emitCustomerUpdate(shop, id);
    const flushed = await fetch(`${h.baseUrl}/_emulator/webhooks/flush`, { method: "POST" });
    expect(await flushed.json()).toEqual({ ok: true, pending: 0 });

    // e1 dropped; e2..e4 held as a window of three and released newest first.
    expect(receiver.requests.map((r) => r.headers["x-shopify-event-id"])).toEqual(["e4", "e3", "e2"]);
    const deliveries = (await (await fetch(`${h.baseUrl}/_emulator/deliveries`)).json()) as {
      eventId: string;
      outcome: string;
    }[];
    expect(deliveries.find((d) => d.eventId === "e1")?.outcome).toBe("dropped");

    const bad = await fetch(`${h.baseUrl}/_emulator/webhooks/faults`, {
      method: "POST",
      body: '{"dropRate": 2}',
    });
    expect(bad.status).toBe(400);
    const cleared = await fetch(`${h.baseUrl}/_emulator/webhooks/faults`, { method: "DELETE" });
    expect(await cleared.json()).toMatchObject({ reorderWindow: 0, dropNext: 0, duplicateRate: 0 });
  });

  it("delays deliveries by the injected (scaled) delay", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 1, faults: { delayMs: 3_600_000 } } });
    subscribe(shop, "CUSTOMERS_UPDATE", "/late");
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(0);
    expect(h.webhooks.pendingCount()).toBe(1);
  });
});

describe("shopify.app.toml subscriptions, uninstall and compliance", () => {
  function writeToml(appTomlBody: string): string {
    const dir = mkdtempSync(join(tmpdir(), "emu-toml-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "shopify.app.toml");
    writeFileSync(path, appTomlBody);
    return path;
  }

  const TOML = `
client_id = "x"
[webhooks]
api_version = "2026-04"

[[webhooks.subscriptions]]
topics = ["app/uninstalled"]
uri = "/webhooks/app/uninstalled"

[[webhooks.subscriptions]]
topics = ["customers/update", "customers/create"]
uri = "/webhooks/customers"

[[webhooks.subscriptions]]
compliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]
uri = "/webhooks/compliance"
`;

  it("delivers to TOML subscriptions relative to the app URL with the TOML api_version", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, tomlPath: writeToml(TOML) } });
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests.map((r) => r.path)).toEqual(["/webhooks/customers"]);
    expect(receiver.requests[0].headers["x-shopify-api-version"]).toBe("2026-04");
    const subs = (await (
      await fetch(`${h.baseUrl}/_emulator/webhooks/subscriptions?shop=${DEFAULT_SHOP}`)
    ).json()) as {
      subscriptions: { toml: { topic: string; url: string; compliance: boolean }[] };
    };
    expect(subs.subscriptions.toml).toContainEqual({
      topic: "shop/redact",
      url: `${receiver.url}/webhooks/compliance`,
      apiVersion: "2026-04",
      source: "toml",
      compliance: true,
    });
  });

  it("reads the repository's own shopify.app.toml by default", () => {
    expect(defaultTomlPath()).toMatch(/\/shopify\.app\.toml$/);
    expect(loadTomlWebhooks(defaultTomlPath()).apiVersion).toMatch(/^\d{4}-\d{2}$/);
  });

  it("has no TOML subscriptions when the file is missing", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, tomlPath: "/nonexistent/shopify.app.toml" } });
    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(0);
  });

  it("GIVEN an installed app WHEN the shop uninstalls it THEN tokens are revoked, app/uninstalled is sent and data webhooks stop", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, tomlPath: writeToml(TOML) } });
    const { accessToken } = h.tokens.issue({ shop: DEFAULT_SHOP, scopes: TEST_SCOPES });
    const res = await fetch(`${h.baseUrl}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, { method: "POST" });
    expect(await res.json()).toEqual({ shop: DEFAULT_SHOP, installed: false, webhooksQueued: 1 });
    await h.webhooks.flush();

    expect(shop.installed).toBe(false);
    expect(h.tokens.verify(accessToken)).toBeNull();
    expect(receiver.requests.map((r) => r.path)).toEqual(["/webhooks/app/uninstalled"]);
    const body = receiver.requests[0].rawBody;
    expect(body).toContain(`"id":${shop.id.toString()},`);
    expect(JSON.parse(body)).toMatchObject({ myshopify_domain: DEFAULT_SHOP, email: shop.email });

    emitCustomerUpdate(shop);
    await h.webhooks.flush();
    expect(receiver.requests).toHaveLength(1);
  });

  it("sends shop/redact 48 h after an uninstall when asked (compressed time)", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, tomlPath: writeToml(TOML) } });
    const res = await fetch(`${h.baseUrl}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, {
      method: "POST",
      body: JSON.stringify({ shopRedact: true }),
    });
    expect(await res.json()).toMatchObject({ webhooksQueued: 2 });
    await h.webhooks.flush();
    expect(receiver.requests.map((r) => r.headers["x-shopify-topic"])).toEqual([
      "app/uninstalled",
      "shop/redact",
    ]);
    expect(receiver.requests[1].rawBody).toBe(`{"shop_id":${shop.id},"shop_domain":"${DEFAULT_SHOP}"}`);
  });

  it("keeps shop/redact back for 48 h at real time scale", async () => {
    await setup({ webhookOptions: { timeScale: 1, tomlPath: writeToml(TOML) } });
    await fetch(`${h.baseUrl}/_emulator/shops/${DEFAULT_SHOP}/uninstall`, {
      method: "POST",
      body: '{"shopRedact":true}',
    });
    await h.webhooks.flush();
    expect(receiver.requests.map((r) => r.headers["x-shopify-topic"])).toEqual(["app/uninstalled"]);
    expect(h.webhooks.pendingCount()).toBe(1);
  });

  it("triggers compliance webhooks with the real shop domain and the customer's orders", async () => {
    const shop = await setup({ webhookOptions: { timeScale: 0, tomlPath: writeToml(TOML) } });
    const customerId = [...shop.customers.keys()][0];
    const orderId = [...shop.orders.keys()][0];
    for (const topic of ["customers/redact", "customers/data_request", "shop/redact"]) {
      const res = await fetch(`${h.baseUrl}/_emulator/webhooks/compliance`, {
        method: "POST",
        body: JSON.stringify({
          shop: DEFAULT_SHOP,
          topic,
          customerId: `gid://shopify/Customer/${customerId}`,
        }),
      });
      expect(await res.json()).toEqual({ ok: true, webhooksQueued: 1 });
    }
    await h.webhooks.flush();
    const byTopic = new Map(receiver.requests.map((r) => [r.headers["x-shopify-topic"], r.rawBody]));
    expect(byTopic.get("customers/redact")).toBe(
      `{"shop_id":${shop.id},"shop_domain":"${DEFAULT_SHOP}","customer":{"id":${customerId},"email":"ada@${DEFAULT_SHOP}","phone":"+15555550100"},"orders_to_redact":[${orderId}]}`,
    );
    expect(JSON.parse(byTopic.get("customers/data_request") as string)).toMatchObject({
      shop_domain: DEFAULT_SHOP,
      data_request: { id: expect.any(Number) },
    });
    expect(byTopic.get("shop/redact")).toBe(`{"shop_id":${shop.id},"shop_domain":"${DEFAULT_SHOP}"}`);

    const bad = await fetch(`${h.baseUrl}/_emulator/webhooks/compliance`, {
      method: "POST",
      body: JSON.stringify({ shop: DEFAULT_SHOP, topic: "orders/create" }),
    });
    expect(bad.status).toBe(400);
  });

  it("triggers any data topic from a stored record through the control API", async () => {
    const shop = await setup();
    subscribe(shop, "PRODUCTS_UPDATE", "/products");
    const productId = [...shop.products.keys()][0];
    const res = await fetch(`${h.baseUrl}/_emulator/webhooks/trigger`, {
      method: "POST",
      body: JSON.stringify({ shop: DEFAULT_SHOP, topic: "products/update", id: productId.toString() }),
    });
    expect(await res.json()).toEqual({ ok: true, webhooksQueued: 1 });
    await h.webhooks.flush();
    expect(JSON.parse(receiver.requests[0].rawBody)).toMatchObject({
      title: "Example T-Shirt",
      status: "active",
    });
  });
});
