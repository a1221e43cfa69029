/**
 * The local Shopify: one node:http server on 127.0.0.1 serving several shops (chosen by `X-Emulated-Shop`,
 * default demo.myshopify.com) — OAuth (auth/), the mini admin (admin/), webhook control (webhooks/), Admin GraphQL
 * (graphql/), bulk operation files (bulk/) and the `/_emulator` control API (control/). See README.md here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeWithSockets, listen, logAnswer, sendJson, type LogLine } from "../shared/http";
import { handleAdminRoute } from "./admin/routes";
import { handleAuthRoute } from "./auth/routes";
import { TokenStore, type TokenStoreOptions } from "./auth/token-store";
import { BulkOperations } from "./bulk/bulk-operations";
import { handleControlRoute } from "./control/routes";
import { createControlState, seedNthShop } from "./control/state";
import { GRAPHQL_PATH, handleGraphqlRequest } from "./graphql/http";
import { loadSchema, SCHEMA_VERSIONS } from "./graphql/schema";
import { DEFAULT_SHOP, type EmuShop, type EmulatorAppConfig, type EmulatorContext } from "./model";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "./webhooks/dispatcher";
import { handleWebhookControlRoute } from "./webhooks/routes";

export interface ShopifyEmulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  host?: string;
  seed?: number;
  customers?: number;
  orders?: number;
  products?: number;
  /** Extra shops besides demo.myshopify.com (seeded with the same counts; about a fifth of their people are shared). */
  shops?: string[];
  app?: Partial<EmulatorAppConfig>;
  /** Reject deprecated fields (default true: the app must not use them). */
  strict?: boolean;
  /** Leaky bucket per shop+app (default 2000 points, as on the Standard plan; restore by plan: Standard 100/s). */
  throttle?: { maximumAvailable?: number; restoreRate?: number };
  /**
   * How `actualQueryCost` is computed (graphql/cost.ts). "observed" (default): an approximation fitted to what real
   * Shopify charges (a 250-node page of scalars: 12). "documented": Shopify's documented upper-bound formula on the
   * page sizes returned (252), for scenarios that need throttle-bound pages. The requested cost is the same in both.
   */
  cost?: { actual?: "observed" | "documented" };
  /** Clock for every time decision (token expiry, throttle restore, updatedAt, URL expiry); default the real clock. */
  now?: () => Date;
  /**
   * Emulated time runs this many times faster than the clock (default 1). At 10, a Standard bucket (2000 points,
   * 100/s) refills 1000 points per real second while still reporting Shopify's numbers, so a minute-long throttle
   * scenario takes six seconds; a client must divide its own waits by the same factor. Webhook delays follow
   * unless `webhooks.timeScale` says otherwise.
   */
  timeScale?: number;
  tokens?: Omit<TokenStoreOptions, "now">;
  webhooks?: Omit<WebhookDispatcherOptions, "getContext">;
  /** Bulk operation settings: result URL lifetime (default 7 days, as Shopify). */
  bulk?: { resultUrlTtlS?: number };
  /** Where to write one line per 404 or 5xx answer (the CLI passes console.log); nothing by default. */
  log?: LogLine;
}

export interface RunningShopifyEmulator {
  url: string;
  port: number;
  context: EmulatorContext;
  bulk: BulkOperations;
  close(): Promise<void>;
}

/** Default app config; the CLI also reads SHOPIFY_API_KEY / SHOPIFY_API_SECRET / SHOPIFY_APP_URL. */
export const DEFAULT_APP: EmulatorAppConfig = {
  apiKey: "emulator-api-key",
  apiSecret: "emulator-api-secret",
  appUrl: "http://127.0.0.1:3000",
  appHandle: "commerce-sync",
  scopes: [
    "read_customers",
    "write_customers",
    "read_orders",
    "write_orders",
    "read_all_orders",
    "read_products",
    "write_products",
  ],
};

/** The emulator's clock: the given one (or the real one), running `timeScale` times faster from now on. */
function scaledClock(base: () => Date, timeScale: number): () => Date {
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  if (timeScale === 1) return base;
  const startMs = base().getTime();
  return () => new Date(startMs + (base().getTime() - startMs) * timeScale);
}

/** Starts the emulator; resolves once seeded and listening (GET /_emulator/health answers 200 from then on). */
export async function startShopifyEmulator(
  options: ShopifyEmulatorOptions = {},
): Promise<RunningShopifyEmulator> {
  const timeScale = options.timeScale ?? 1;
  const now = scaledClock(options.now ?? (() => new Date()), timeScale);
  const seed = options.seed ?? 1;
  const counts = {
    customers: options.customers ?? 50,
    orders: options.orders ?? 100,
    products: options.products ?? 20,
  };
  for (const version of SCHEMA_VERSIONS) loadSchema(version);
  const shops = new Map<string, EmuShop>();
  const domains = [DEFAULT_SHOP, ...(options.shops ?? []).filter((d) => d !== DEFAULT_SHOP)];
  domains.forEach((domain, index) => shops.set(domain, seedNthShop(domain, index, { seed, counts }, now())));

  const tokens = new TokenStore({ ...options.tokens, now });
  const webhooks = new WebhookDispatcher({
    timeScale: 1 / timeScale,
    ...options.webhooks,
    getContext: () => context,
  });
  const context: EmulatorContext = {
    baseUrl: "",
    app: { ...DEFAULT_APP, ...options.app },
    shops,
    tokens,
    webhooks,
    now,
    shopFor(headers) {
      const raw = headers["x-emulated-shop"];
      const domain = (Array.isArray(raw) ? raw[0] : raw)?.trim().toLowerCase() || DEFAULT_SHOP;
      return shops.get(domain);
    },
  };
  const bulk = new BulkOperations(context, { seed, resultUrlTtlS: options.bulk?.resultUrlTtlS });
  const state = createControlState({
    context,
    bulk,
    seed,
    counts,
    strict: options.strict ?? true,
    throttle: options.throttle,
    cost: options.cost,
    timeScale,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", context.baseUrl);
    if (await handleAuthRoute(context, req, res, url)) return;
    if (await handleAdminRoute(context, req, res, url)) return;
    if (await handleWebhookControlRoute(context, req, res, url)) return;
    const graphql = GRAPHQL_PATH.exec(url.pathname);
    if (graphql) return handleGraphqlRequest(context, state, bulk, req, res, graphql[1]);
    if (await handleControlRoute(context, state, req, res, url)) return;
    sendJson(res, 404, { errors: "Not Found" });
  }

  const server = createServer((req, res) => {
    res.once("finish", () => logAnswer(options.log, req, res.statusCode));
    route(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        sendJson(res, 500, { errors: `Internal error in the Shopify emulator: ${message}` });
      else res.destroy();
    });
  });
  const closeServer = closeWithSockets(server);
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${port}`;
  context.baseUrl = url;
  return {
    url,
    port,
    context,
    bulk,
    async close() {
      await webhooks.close();
      bulk.close();
      await closeServer();
    },
  };
}
