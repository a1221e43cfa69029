/**
 * Test harness for the auth, webhook and admin parts of the Shopify emulator: a small node:http server that mounts
 * their route handlers over a hand-made EmulatorContext (with a movable clock), an app-side receiver that records
 * webhook deliveries, and a fetch that sends `https://{shop}/...` to the emulator as `@shopify/shopify-api` would
 * with `setAbstractFetchFunc`. Used by tests only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_SHOP,
  type EmulatorContext,
  type EmuCustomer,
  type EmuOrder,
  type EmuProduct,
  type EmuShop,
} from "../model";
import { handleAdminRoute } from "../admin/routes";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "../webhooks/dispatcher";
import { handleWebhookControlRoute } from "../webhooks/routes";
import { readBody, sendJson } from "./http-utils";
import { handleAuthRoute } from "./routes";
import { TokenStore, type TokenStoreOptions } from "./token-store";

export const TEST_API_KEY = "emu-test-api-key";
export const TEST_API_SECRET = "emu-test-api-secret";
export const TEST_SCOPES = ["read_customers", "read_orders", "read_products"];

/** A shop with one customer (id above 2^53), one order and one product. */
export function makeShop(domain: string, idBase: bigint): EmuShop {
  const t = new Date("2026-11-20T15:30:00Z");
  const customer: EmuCustomer = {
    id: idBase + 1n,
    firstName: "Ada",
    lastName: "Lovelace",
    email: `ada@${domain}`,
    phone: "+15555550100",
    tags: ["vip"],
    note: null,
    state: "ENABLED",
    verifiedEmail: true,
    emailConsent: {
      marketingState: "SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      marketingUpdatedAt: t,
    },
    defaultAddress: {
      firstName: "Ada",
      lastName: "Lovelace",
      address1: "1 Analytical Way",
      city: "Ottawa",
      province: "Ontario",
      provinceCode: "ON",
      country: "Canada",
      countryCode: "CA",
      zip: "K2P 2L8",
      phone: "+15555550100",
    },
    currency: "USD",
    createdAt: t,
    updatedAt: t,
  };
  const product: EmuProduct = {
    id: idBase + 2n,
    title: "Example T-Shirt",
    handle: "example-t-shirt",
    descriptionHtml: "<p>Soft</p>",
    vendor: "Acme",
    productType: "Shirts",
    status: "ACTIVE",
    tags: ["example", "mens"],
    variants: [
      {
        id: idBase + 3n,
        productId: idBase + 2n,
        title: "Small",
        sku: "TS-S",
        price: "19.99",
        compareAtPrice: "24.99",
        position: 1,
        inventoryQuantity: 75,
        createdAt: t,
        updatedAt: t,
      },
    ],
    createdAt: t,
    updatedAt: t,
    publishedAt: t,
  };
  const order: EmuOrder = {
    id: idBase + 4n,
    name: "#1001",
    number: 1001,
    email: customer.email,
    phone: null,
    customerId: customer.id,
    currency: "USD",
    presentmentCurrency: "USD",
    subtotalPrice: "39.98",
    totalTax: "0.00",
    totalShipping: "10.00",
    totalDiscounts: "0.00",
    totalPrice: "49.98",
    financialStatus: "PARTIALLY_REFUNDED",
    fulfillmentStatus: "UNFULFILLED",
    tags: ["gift"],
    note: null,
    lineItems: [
      {
        id: idBase + 5n,
        title: "Example T-Shirt",
        variantTitle: "Small",
        sku: "TS-S",
        quantity: 2,
        price: "19.99",
        productId: product.id,
        variantId: idBase + 3n,
        vendor: "Acme",
      },
    ],
    refunds: [{ id: idBase + 6n, createdAt: t, amount: "5.10", note: "scratch" }],
    test: false,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    processedAt: t,
    createdAt: t,
    updatedAt: t,
  };
  return {
    domain,
    id: idBase,
    name: domain.split(".")[0],
    email: `owner@${domain}`,
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    plan: "Standard",
    customers: new Map([[customer.id, customer]]),
    orders: new Map([[order.id, order]]),
    products: new Map([[product.id, product]]),
    webhookSubscriptions: new Map(),
    installed: true,
    nextId: idBase + 100n,
  };
}

export interface Receiver {
  url: string;
  /** Every request received: path, headers, raw body. */
  requests: { path: string; headers: IncomingMessage["headers"]; rawBody: string }[];
  /** Decides the status per request (default 200). */
  respond: (path: string, index: number) => number;
  /** Runs inside the request handler with the real node request/response (e.g. shopify.webhooks.validate). */
  inspect?: (req: IncomingMessage, res: ServerResponse, rawBody: string) => Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** An app-side HTTP server that records the webhooks it receives. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    requests: [],
    respond: () => 200,
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const index = receiver.requests.length;
      receiver.requests.push({ path, headers: req.headers, rawBody });
      if (receiver.inspect) await receiver.inspect(req, res, rawBody);
      res.writeHead(receiver.respond(path, index), { "Content-Type": "text/plain" });
      res.end("ok");
    })();
  });
  receiver.url = await listen(server);
  receiver.close = () => closeServer(server);
  return receiver;
}

export interface Harness {
  ctx: EmulatorContext;
  tokens: TokenStore;
  webhooks: WebhookDispatcher;
  baseUrl: string;
  /** Moves the emulator's clock (ctx.now()) forward. */
  advance(ms: number): void;
  /** Puts the emulator's clock back to real time. */
  resetClock(): void;
  /** fetch for `https://{shop}/...` URLs, sent to the emulator with X-Emulated-Shop. */
  shopFetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  appUrl: string;
  tokenOptions?: Omit<TokenStoreOptions, "now">;
  webhookOptions?: Omit<WebhookDispatcherOptions, "getContext">;
  shops?: EmuShop[];
}

/** Starts an emulator that serves only the auth, admin and webhook-control routes. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const shops = new Map<string, EmuShop>();
  for (const shop of options.shops ?? [makeShop(DEFAULT_SHOP, 9_007_199_254_740_993n)])
    shops.set(shop.domain, shop);
  const tokens = new TokenStore({ ...options.tokenOptions, now });
  let ctx: EmulatorContext | null = null;
  const webhooks = new WebhookDispatcher({
    tomlPath: null,
    timeScale: 0,
    ...options.webhookOptions,
    getContext: () => ctx as EmulatorContext,
  });
  ctx = {
    baseUrl: "",
    app: {
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      appUrl: options.appUrl,
      appHandle: "commerce-sync",
      scopes: TEST_SCOPES,
    },
    shops,
    tokens,
    webhooks,
    shopFor(headers) {
      const header = headers["x-emulated-shop"];
      const domain = (Array.isArray(header) ? header[0] : header) ?? DEFAULT_SHOP;
      return shops.get(domain);
    },
    now,
  };
  const context = ctx;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", context.baseUrl);
      try {
        if (await handleAuthRoute(context, req, res, url)) return;
        if (await handleAdminRoute(context, req, res, url)) return;
        if (await handleWebhookControlRoute(context, req, res, url)) return;
        if (url.pathname === "/_emulator/deliveries")
          return sendJson(res, 200, context.webhooks.deliveries());
        sendJson(res, 404, { errors: "Not Found" });
      } catch (err) {
        sendJson(res, 500, { errors: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  context.baseUrl = await listen(server);
  const shopFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const target = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("X-Emulated-Shop", target.host);
    const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
    return fetch(`${context.baseUrl}${target.pathname}${target.search}`, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
    });
  };
  return {
    ctx: context,
    tokens,
    webhooks,
    baseUrl: context.baseUrl,
    advance: (ms) => {
      offsetMs += ms;
    },
    resetClock: () => {
      offsetMs = 0;
    },
    shopFetch,
    close: async () => {
      await webhooks.close();
      await closeServer(server);
    },
  };
}
