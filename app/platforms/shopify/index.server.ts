/**
 * The Shopify platform module: `createShopifyPlatform(deps)` builds the StorePlatform the engine, the job handlers
 * and the routes use for every Shopify integration of the process (see app/sync/platform.ts).
 *
 * Shopify credentials are not in `Integration.credentials`: the offline token lives in the app's encrypted session
 * storage, where shopify-app-remix stores it at install (token exchange) and our authorization-code grant stores it
 * too. Per shop, one throttle state is shared by every client of the process, so a sync and webhook reads pace
 * against the same bucket.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type {
  AppDb,
  PlatformContext,
  PlatformDeps,
  StoreCallRecorder,
  StorePlatform,
} from "../../sync/platform";
import { SHOPIFY_API_VERSION } from "./api-version";
import { OfflineTokens } from "./access-token.server";
import { BulkOperations } from "./bulk/operation.server";
import { ShopifyGraphqlClient } from "./client.server";
import { shopifyFetch } from "./config.server";
import { createShopifySource } from "./readers/source.server";
import {
  countShopSessions,
  EncryptedSessionStorage,
  readShopSessions,
  removeUnchangedSessions,
} from "./session-storage.server";
import { fetchShopInfo, saveShopInfo, storedShopInfo, type ShopInfo } from "./shop-info.server";
import { ShopifyThrottle } from "./throttle";
import { decideWebhook } from "./webhooks.server";
import { ensureWebhookSubscriptions, removeWebhookSubscriptions } from "./webhook-subscriptions.server";

/** Options beyond the process deps (tests, measurements). */
export interface ShopifyPlatformOptions {
  /**
   * The session storage holding each shop's offline token, per database (default: encrypted Prisma sessions). An
   * app/uninstalled removes sessions from the database's Session table itself (a compare-and-delete), whatever this is.
   */
  sessionsFor?: (db: AppDb) => SessionStorage;
  /** HTTP client for every Shopify call (default: the emulator redirect when SHOPIFY_EMULATOR_URL is set). */
  fetch?: typeof fetch;
  apiVersion?: string;
  /** Folder for bulk spool files; default the system temp folder. */
  spoolDir?: string;
  tuning?: {
    /** 0 = always bulk, Infinity = always pages (default: per resource, see readers/specs.ts). */
    bulkThreshold?: number;
    bulkPollMs?: { initial: number; max: number };
    clientTimeoutMs?: number;
    maxClientAttempts?: number;
    /** Look for records deleted without a webhook after each read (default true; ADR 0046). */
    findDeletions?: boolean;
    /**
     * How that check finds which records (ADR 0046, addendum): up to `listAllUpTo` of ours by listing every id, above
     * by halving id ranges with counts down to `listRangeUpTo`. Defaults in readers/reconcile.server.ts; measurements
     * set `listAllUpTo: Infinity` for the listing alone.
     */
    deletionSearch?: { listAllUpTo?: number; listRangeUpTo?: number };
    /**
     * Emulated time runs this many times faster than the clock (the Shopify emulator's `--time-scale`, for
     * benchmarks): throttle waits are divided by it. Default 1; never set against real Shopify.
     */
    timeScale?: number;
  };
}

/** The Shopify platform plus what install and auth code needs from it. */
export interface ShopifyPlatform extends StorePlatform {
  readonly platform: "shopify";
  /** A GraphQL client acting for the integration's shop. */
  clientFor(ctx: PlatformContext): ShopifyGraphqlClient;
  /** The shop's name, currency and plan (kept in the integration's settings). */
  shopInfo(ctx: PlatformContext, signal?: AbortSignal): Promise<ShopInfo>;
  /** The session storage of `db` (where each shop's offline token is). */
  sessionsFor(db: AppDb): SessionStorage;
}

/**
 * Builds the Shopify platform once per process (a PlatformFactory: `buildPlatforms` passes the validated env and
 * the keyring). The offline tokens live in the app's encrypted session storage, opened per database with `keyring`.
 */
export function createShopifyPlatform(
  deps: PlatformDeps,
  options: ShopifyPlatformOptions = {},
): ShopifyPlatform {
  const { env } = deps;
  const fetchFn = options.fetch ?? shopifyFetch(env);
  const apiVersion = options.apiVersion ?? SHOPIFY_API_VERSION;
  const spoolDir = options.spoolDir ?? join(tmpdir(), "commerce-sync", "shopify-bulk");
  const storages = new WeakMap<AppDb, SessionStorage>();
  const sessionsFor =
    options.sessionsFor ??
    ((db: AppDb) => {
      let storage = storages.get(db);
      if (!storage) storages.set(db, (storage = new EncryptedSessionStorage(db, deps.keyring)));
      return storage;
    });
  const tokens = new WeakMap<AppDb, OfflineTokens>();
  const tokensFor = (db: AppDb) => {
    let t = tokens.get(db);
    if (!t) {
      t = new OfflineTokens({
        sessions: sessionsFor(db),
        apiKey: env.SHOPIFY_API_KEY,
        apiSecret: env.SHOPIFY_API_SECRET,
        fetch: fetchFn,
      });
      tokens.set(db, t);
    }
    return t;
  };
  const throttles = new Map<string, ShopifyThrottle>();
  const throttleFor = (shop: string) => {
    let throttle = throttles.get(shop);
    if (!throttle)
      throttles.set(shop, (throttle = new ShopifyThrottle(Date.now, options.tuning?.timeScale ?? 1)));
    return throttle;
  };

  const clientForShop = (db: AppDb, shop: string, recordCall: StoreCallRecorder) =>
    new ShopifyGraphqlClient({
      shop,
      apiVersion,
      fetch: fetchFn,
      accessToken: tokensFor(db).sourceFor(shop, recordCall),
      recordCall,
      throttle: throttleFor(shop),
      timeoutMs: options.tuning?.clientTimeoutMs ?? env.STORE_REQUEST_TIMEOUT_MS,
      maxAttempts: options.tuning?.maxClientAttempts,
    });
  const clientFor = (ctx: PlatformContext) => clientForShop(ctx.db, ctx.integration.storeKey, ctx.recordCall);

  const shopInfo = async (ctx: PlatformContext, signal?: AbortSignal): Promise<ShopInfo> => {
    const stored = storedShopInfo(ctx.integration.settings);
    if (stored) return stored;
    const info = await fetchShopInfo(clientFor(ctx), signal);
    await saveShopInfo(ctx.db, ctx.integration.id, info);
    return info;
  };

  return {
    platform: "shopify",
    clientFor,
    shopInfo,
    sessionsFor,

    createSource(ctx) {
      const client = clientFor(ctx);
      const shop = ctx.integration.storeKey;
      const bulk = new BulkOperations({
        client,
        fetch: fetchFn,
        recordCall: ctx.recordCall,
        pollIntervalMs: options.tuning?.bulkPollMs,
        finishedSignal: async (operationId) =>
          (await ctx.db.webhookEvent.findFirst({
            where: {
              platform: "shopify",
              topic: "bulk_operations/finish",
              storeKey: shop,
              resourceId: operationId,
            },
            select: { id: true },
          })) !== null,
      });
      return createShopifySource({
        client,
        bulk,
        integrationId: ctx.integration.id,
        spoolDir,
        shopCurrency: async (signal) => (await shopInfo(ctx, signal)).currencyCode,
        bulkThreshold: options.tuning?.bulkThreshold,
        // Several bulk operations per shop at once from 2026-01 (one before).
        prefetch: apiVersion >= "2026-01",
        findDeletions: options.tuning?.findDeletions,
        deletionSearch: options.tuning?.deletionSearch,
      });
    },

    handleWebhook(event, _body, ctx) {
      return decideWebhook(
        {
          clientFor,
          shopCurrency: async (c) => (await shopInfo(c)).currencyCode,
          readSessions: readShopSessions,
          removeSessions: removeUnchangedSessions,
          countSessions: countShopSessions,
        },
        event,
        ctx,
      );
    },

    maintainWebhooks(ctx, signal) {
      return ensureWebhookSubscriptions(clientFor(ctx), env.SHOPIFY_APP_URL, signal);
    },

    async disconnect(ctx, signal) {
      // A shop that uninstalled the app refuses the token: the disconnect service records that and goes on.
      await removeWebhookSubscriptions(clientFor(ctx), signal);
    },
  };
}
