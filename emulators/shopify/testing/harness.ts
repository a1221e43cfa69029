/**
 * Test harness for the auth, webhook and admin parts of the Shopify emulator: a small node:http server that mounts
 * their route handlers over a hand-made EmulatorContext (with a movable clock) and a fetch that sends
 * `https://{shop}/...` to the emulator as `@shopify/shopify-api` would with `setAbstractFetchFunc`. Used by tests only.
 */
import { createServer } from "node:http";
import { DEFAULT_SHOP, type EmulatorContext, type EmuShop } from "../model";
import { handleAdminRoute } from "../admin/routes";
import { handleAuthRoute } from "../auth/routes";
import { TokenStore, type TokenStoreOptions } from "../auth/token-store";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "../webhooks/dispatcher";
import { handleWebhookControlRoute } from "../webhooks/routes";
import { closeWithSockets, listen, sendJson } from "../../shared/http";
import { makeShop } from "./sample-shop";

export { makeShop } from "./sample-shop";
export { startReceiver, type Receiver } from "./receiver";

export const TEST_API_KEY = "emu-test-api-key";
export const TEST_API_SECRET = "emu-test-api-secret";
export const TEST_SCOPES = ["read_customers", "read_orders", "read_products"];

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
  const closeServer = closeWithSockets(server);
  context.baseUrl = `http://127.0.0.1:${await listen(server)}`;
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
      await closeServer();
    },
  };
}
