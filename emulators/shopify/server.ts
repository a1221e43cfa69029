/**
 * The local Shopify: one node:http server on 127.0.0.1 serving several shops (chosen by `X-Emulated-Shop`,
 * default demo.myshopify.com) — OAuth (auth/), the mini admin (admin/), webhook control (webhooks/), Admin GraphQL,
 * bulk operation files and the `/_emulator` control API. See README.md in this folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_SHOP, type EmuShop, type EmulatorAppConfig, type EmulatorContext } from "./model";
import { handleAuthRoute } from "./auth/routes";
import { handleAdminRoute } from "./admin/routes";
import { handleWebhookControlRoute } from "./webhooks/routes";
import { TokenStore, type TokenStoreOptions } from "./auth/token-store";
import { WebhookDispatcher, type WebhookDispatcherOptions } from "./webhooks/dispatcher";
import { createEmptyShop, seedShop } from "./seed/seed";
import { BulkOperations } from "./bulk/bulk-operations";
import { runGraphql } from "./graphql/execute";
import { loadSchema, SCHEMA_VERSIONS, schemaVersionFor } from "./graphql/schema";
import { LeakyBucket, RESTORE_RATE_BY_PLAN } from "./graphql/throttle";
import { handleControlRoute, type ControlState } from "./control/routes";
import { readBody, sendJson } from "./control/http";

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
  /** Leaky bucket per shop+app (default 1000 points, restore by plan: Standard 100/s). */
  throttle?: { maximumAvailable?: number; restoreRate?: number };
  /** Clock for every time decision (token expiry, throttle restore, updatedAt); default the real clock. */
  now?: () => Date;
  tokens?: Omit<TokenStoreOptions, "now">;
  webhooks?: Omit<WebhookDispatcherOptions, "getContext">;
  /** Bulk operation settings: result URL lifetime (default 7 days, as Shopify). */
  bulk?: { resultUrlTtlS?: number };
}

export interface RunningShopifyEmulator {
  url: string;
  port: number;
  context: EmulatorContext;
  bulk: BulkOperations;
  close(): Promise<void>;
}

const GRAPHQL_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;

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

/** Starts the emulator; resolves once seeded and listening (GET /_emulator/health answers 200 from then on). */
export async function startShopifyEmulator(
  options: ShopifyEmulatorOptions = {},
): Promise<RunningShopifyEmulator> {
  const now = options.now ?? (() => new Date());
  const seed = options.seed ?? 1;
  const counts = {
    customers: options.customers ?? 50,
    orders: options.orders ?? 100,
    products: options.products ?? 20,
  };
  for (const version of SCHEMA_VERSIONS) loadSchema(version);
  const shops = new Map<string, EmuShop>();
  const seedOne = (domain: string, index: number) =>
    seedShop(
      { domain, seed, ...counts, now: now() },
      index === 0 ? 0 : index * Math.max(1, counts.customers),
    );
  const domains = [DEFAULT_SHOP, ...(options.shops ?? []).filter((d) => d !== DEFAULT_SHOP)];
  domains.forEach((domain, index) => shops.set(domain, seedOne(domain, index)));

  const tokens = new TokenStore({ ...options.tokens, now });
  const webhooks = new WebhookDispatcher({ ...options.webhooks, getContext: () => context });
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
  const buckets = new Map<string, LeakyBucket>();
  const state: ControlState = {
    strict: options.strict ?? true,
    throttle: {
      maximumAvailable: options.throttle?.maximumAvailable ?? 1000,
      restoreRate: options.throttle?.restoreRate,
    },
    http429: new Map(),
    seed,
    counts,
    bucketFor(shop: EmuShop) {
      const key = `${shop.domain} ${context.app.apiKey}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = new LeakyBucket(
          state.throttle.maximumAvailable,
          state.throttle.restoreRate ?? RESTORE_RATE_BY_PLAN[shop.plan],
          () => now().getTime(),
        );
        buckets.set(key, bucket);
      }
      return bucket;
    },
    resetBuckets() {
      buckets.clear();
    },
    createShop(domain: string, seeded: boolean) {
      const shop = seeded ? seedOne(domain, shops.size) : createEmptyShop(domain, seed);
      shops.set(domain, shop);
      return shop;
    },
    bulk,
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { errors: `Internal error in the Shopify emulator: ${(error as Error).message}` });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", context.baseUrl);
    if (await handleAuthRoute(context, req, res, url)) return;
    if (await handleAdminRoute(context, req, res, url)) return;
    if (await handleWebhookControlRoute(context, req, res, url)) return;
    const graphql = GRAPHQL_PATH.exec(url.pathname);
    if (graphql) {
      // The version asked for, and the vendored schema that serves it (the nearest at or below it).
      res.setHeader("X-Shopify-API-Version", graphql[1]);
      res.setHeader("X-Emulator-Schema-Version", schemaVersionFor(graphql[1]));
      return handleGraphql(req, res, graphql[1]);
    }
    if (await handleControlRoute(context, state, req, res, url)) return;
    sendJson(res, 404, { errors: "Not Found" });
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, apiVersion: string): Promise<void> {
    if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
    const shop = context.shopFor(req.headers);
    if (!shop) return sendJson(res, 404, { errors: "Not Found" });
    const header = req.headers["x-shopify-access-token"];
    const access = typeof header === "string" ? context.tokens.verify(header) : null;
    if (!access || access.shop !== shop.domain || !shop.installed) {
      await readBody(req);
      return sendJson(res, 401, {
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      });
    }
    const injected = state.http429.get(shop.domain);
    if (injected && injected.remaining > 0) {
      injected.remaining -= 1;
      await readBody(req);
      res.setHeader("Retry-After", String(injected.retryAfterS));
      return sendJson(res, 429, {
        errors:
          "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
      });
    }
    let body: Record<string, unknown>;
    try {
      const raw = await readBody(req);
      const contentType = String(req.headers["content-type"] ?? "");
      body = contentType.includes("application/graphql")
        ? { query: raw }
        : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return sendJson(res, 400, { errors: "Bad Request: the body is not valid JSON" });
    }
    const result = await runGraphql({
      emu: context,
      shop,
      access,
      apiVersion,
      bulk,
      bucket: state.bucketFor(shop),
      strict: state.strict,
      body,
    });
    sendJson(res, 200, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? "127.0.0.1"}:${port}`;
  context.baseUrl = url;
  return {
    url,
    port,
    context,
    bulk,
    async close() {
      await webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
