/**
 * The Shopify integration end to end, on real connections: a test database (SQLite or PostgreSQL), the Shopify
 * emulator on a loopback port, the app's webhook routes served by a small HTTP server (the same service the Remix
 * routes call, behind shopify-app-remix's `authenticate.webhook`), the real platform built by `buildPlatforms`, and
 * optionally the real job runtime. A shop is installed through the authorization-code grant, exactly as a merchant
 * starting from the login page would.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@shopify/shopify-app-remix/adapters/node";
import { LogSeverity } from "@shopify/shopify-api";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { offlineSessionFrom, offlineSessionId } from "../../app/platforms/shopify/access-token.server";
import { keyringFrom } from "../../app/crypto/encryption.server";
import type { DatabaseKind } from "../../app/db/database-url";
import { parseEnv, SHOPIFY_SCOPES } from "../../app/env.server";
import { silentLogger } from "../../app/lib/logger";
import { buildPlatforms } from "../../app/platforms/index.server";
import {
  createShopifyPlatform,
  type ShopifyPlatform,
  type ShopifyPlatformOptions,
} from "../../app/platforms/shopify/index.server";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import { routeShopifyToEmulator } from "../../app/platforms/shopify/emulator-fetch.server";
import { shopifyFetch } from "../../app/platforms/shopify/config.server";
import type { AppDb, Platforms } from "../../app/sync/platform";
import { enqueueSync, enqueueWebhookEvent } from "../../app/jobs/enqueue.server";
import { startJobRuntime, type JobRuntime } from "../../app/jobs/runtime.server";
import { completeShopifyInstall } from "../../app/integrations/shopify-install.server";
import {
  beginShopifyAuthorization,
  completeShopifyAuthorization,
  type ShopifyOAuthDeps,
} from "../../app/integrations/shopify-oauth.server";
import { receiveShopifyWebhook } from "../../app/integrations/shopify-webhooks.server";
import {
  startShopifyEmulator,
  type RunningShopifyEmulator,
  type ShopifyEmulatorOptions,
} from "../../emulators/shopify/server";
import { TEST_ENV } from "../../app/platforms/testing/test-platforms";
import { createTestDatabase, type TestDatabase } from "../setup/db";

export const SHOP = "demo.myshopify.com";

export interface HarnessOptions {
  seed?: number;
  customers?: number;
  orders?: number;
  products?: number;
  emulator?: Partial<ShopifyEmulatorOptions>;
  platform?: ShopifyPlatformOptions;
  /** Run the job runtime (webhook processing, syncs from the queue). */
  jobs?: boolean;
  /** Install the shop through the authorization-code grant at start (default true). */
  install?: boolean;
}

export interface ShopifyHarness {
  t: TestDatabase;
  db: AppDb;
  emu: RunningShopifyEmulator;
  platform: ShopifyPlatform;
  platforms: Platforms;
  appUrl: string;
  oauth: ShopifyOAuthDeps;
  shopify: ReturnType<typeof shopifyApp>;
  runtime: JobRuntime | null;
  /** Where the job runtime writes customer data exports. */
  exportDir: string;
  /** Integration of SHOP (after install). */
  integrationId: string;
  /** Stored webhook events, by status. */
  webhookStatuses(): Promise<Record<string, number>>;
  /** Delivers what the emulator holds, then waits until every stored webhook event is processed. */
  settleWebhooks(timeoutMs?: number): Promise<void>;
  /** Installs `shop` through the authorization-code grant (the login page's flow). */
  installByAuthorizationCode(shop?: string, organizationId?: string): Promise<string>;
  close(): Promise<void>;
}

function toRequest(req: IncomingMessage, body: Buffer, baseUrl: string): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) headers.set(key, value.join(", "));
  }
  return new Request(new URL(req.url ?? "/", baseUrl), {
    method: req.method,
    headers,
    ...(req.method === "GET" || req.method === "HEAD" ? {} : { body: new Uint8Array(body) }),
  });
}

/** The app's webhook routes on a loopback port (every path the toml and the platform use). */
async function startWebhookServer(
  handler: (request: Request) => Promise<Response>,
): Promise<{ server: Server; url: string }> {
  let baseUrl = "";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handler(toRequest(req, Buffer.concat(chunks), baseUrl))
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: baseUrl };
}

export async function startShopifyHarness(
  kind: DatabaseKind,
  options: HarnessOptions = {},
): Promise<ShopifyHarness> {
  const t = await createTestDatabase(kind);
  const db = t.db;
  const spoolDir = mkdtempSync(join(tmpdir(), "shopify-spool-"));
  let route: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const web = await startWebhookServer((request) => route(request));
  const appUrl = web.url;
  const emu = await startShopifyEmulator({
    seed: options.seed ?? 11,
    customers: options.customers ?? 60,
    orders: options.orders ?? 120,
    products: options.products ?? 10,
    app: {
      apiKey: TEST_ENV.SHOPIFY_API_KEY,
      apiSecret: TEST_ENV.SHOPIFY_API_SECRET,
      appUrl,
      scopes: [...SHOPIFY_SCOPES],
    },
    ...options.emulator,
    webhooks: { timeScale: 0, ...options.emulator?.webhooks },
  });
  // shopify-app-remix's own calls (token exchange, refresh inside authenticate.*) go to the emulator too.
  routeShopifyToEmulator(emu.url);
  const env = parseEnv({
    ...TEST_ENV,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_EMULATOR_URL: emu.url,
    DATABASE_URL: t.url,
  });
  const deps = { env, keyring: keyringFrom(env.ENCRYPTION_KEY), logger: silentLogger };
  const platform = createShopifyPlatform(deps, {
    spoolDir,
    ...options.platform,
    tuning: { bulkPollMs: { initial: 20, max: 200 }, ...options.platform?.tuning },
  });
  const platforms = buildPlatforms(deps, { factories: [() => platform] });

  const runtime = options.jobs
    ? await startJobRuntime({
        db,
        platforms,
        logger: silentLogger,
        settings: {
          databaseUrl: t.url,
          workerId: `test-${process.pid}`,
          concurrency: 2,
          pollIntervalMs: 25,
          schedule: false,
          reconcileIntervalMinutes: 0,
          schedulerTickMs: 60_000,
          shutdownTimeoutMs: 5_000,
          exportDir: join(spoolDir, "exports"),
        },
      })
    : null;
  const enqueued: string[] = [];
  const install = (input: Parameters<ShopifyOAuthDeps["install"]>[0]) =>
    completeShopifyInstall(
      {
        db,
        platform,
        enqueueFullSync: async (integrationId) => {
          enqueued.push(integrationId);
          if (runtime)
            await enqueueSync(runtime.queue, { integrationId, kind: "full", triggeredBy: "install" });
        },
      },
      input,
    );
  const shopify = shopifyApp({
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: SHOPIFY_API_VERSION,
    scopes: [...SHOPIFY_SCOPES],
    appUrl,
    authPathPrefix: "/auth",
    sessionStorage: platform.sessionsFor(db),
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    hooks: {
      afterAuth: async ({ session }) => {
        await install({
          shop: session.shop,
          scope: session.scope ?? null,
          actor: `merchant:${session.shop}`,
          calls: [],
        });
      },
    },
    logger: { level: LogSeverity.Error },
  });
  route = async (request) =>
    receiveShopifyWebhook(
      {
        db,
        apiSecret: env.SHOPIFY_API_SECRET,
        enqueue: async (event) => {
          if (runtime) await enqueueWebhookEvent(runtime.queue, event);
        },
      },
      request,
    );
  const oauth: ShopifyOAuthDeps = {
    db,
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    appUrl,
    scopes: [...SHOPIFY_SCOPES],
    keyring: deps.keyring,
    fetch: shopifyFetch(env),
    sessions: platform.sessionsFor(db),
    install,
    adminUrlFor: () => `${emu.url}/admin`,
  };

  const harness: ShopifyHarness = {
    t,
    db,
    emu,
    platform,
    platforms,
    appUrl,
    oauth,
    shopify,
    runtime,
    exportDir: join(spoolDir, "exports"),
    integrationId: "",
    async webhookStatuses() {
      const rows = await db.webhookEvent.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },
    async settleWebhooks(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await emu.context.webhooks.flush();
        const pending = await db.webhookEvent.count({
          where: { status: { in: ["received", "processing"] } },
        });
        if (pending === 0) {
          // Nothing more waiting in the emulator either.
          await emu.context.webhooks.flush();
          if ((await db.webhookEvent.count({ where: { status: { in: ["received", "processing"] } } })) === 0)
            return;
        }
        if (Date.now() > deadline)
          throw new Error(`Webhooks did not settle: ${JSON.stringify(await harness.webhookStatuses())}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async installByAuthorizationCode(shop = SHOP, organizationId?: string) {
      const { authUrl } = beginShopifyAuthorization(oauth, {
        shop,
        organizationId,
        callbackPath: "/auth/callback",
      });
      const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
      const location = new URL(approved.headers.get("Location")!);
      const result = await completeShopifyAuthorization(oauth, Object.fromEntries(location.searchParams));
      return result.integrationId;
    },
    async close() {
      await runtime?.stop();
      await emu.close();
      await new Promise<void>((resolve) => web.server.close(() => resolve()));
      web.server.closeAllConnections();
      await t.cleanup();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
  if (options.install !== false) harness.integrationId = await harness.installByAuthorizationCode();
  return harness;
}

/** A token of the app for `shop` with these scopes, issued by the emulator's control API (for direct reads). */
export async function issueShopToken(
  h: ShopifyHarness,
  scopes = ["read_customers", "read_orders", "read_all_orders", "read_products"],
  shop = SHOP,
): Promise<string> {
  const res = await fetch(`${h.emu.url}/_emulator/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ shop, scopes }),
  });
  if (!res.ok) throw new Error(`The emulator issued no token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * Replaces the shop's stored offline token with one lacking `read_all_orders` (orders created more than 60 days ago
 * then vanish from counts, listings and `nodes`, as on Shopify). Returns what puts the original session back.
 */
export async function withoutReadAllOrders(h: ShopifyHarness, shop = SHOP): Promise<() => Promise<void>> {
  const sessions = h.platform.sessionsFor(h.db);
  const original = await sessions.loadSession(offlineSessionId(shop));
  if (!original) throw new Error(`No offline session stored for ${shop}.`);
  const scopes = ["read_customers", "read_orders", "read_products"];
  await sessions.storeSession(
    offlineSessionFrom(shop, {
      accessToken: await issueShopToken(h, scopes, shop),
      scope: scopes.join(","),
      expiresAt: null,
      refreshToken: null,
      refreshTokenExpiresAt: null,
    }),
  );
  return async () => {
    await sessions.storeSession(original);
  };
}
