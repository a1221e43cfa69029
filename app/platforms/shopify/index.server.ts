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
import type { PlatformContext, StorePlatform, StoreCallRecorder } from "../../sync/platform";
import { SHOPIFY_API_VERSION } from "./api-version";
import { OfflineTokens } from "./access-token.server";
import { BulkOperations } from "./bulk/operation.server";
import { ShopifyGraphqlClient } from "./client.server";
import { createShopifySource } from "./readers/source.server";
import { fetchShopInfo, saveShopInfo, storedShopInfo, type ShopInfo } from "./shop-info.server";
import { ShopifyThrottle } from "./throttle";
import { decideWebhook } from "./webhooks.server";
import { ensureWebhookSubscriptions, removeWebhookSubscriptions } from "./webhook-subscriptions.server";

export interface ShopifyPlatformDeps {
  apiKey: string;
  apiSecret: string;
  /** The app's public URL (webhook addresses are built from it). */
  appUrl: string;
  /** The app's session storage (encrypted), holding each shop's offline token. */
  sessions: SessionStorage;
  /** HTTP client for every Shopify call (the emulator redirect in dev, demo and tests). */
  fetch?: typeof fetch;
  apiVersion?: string;
  /** Folder for bulk spool files; default the system temp folder. */
  spoolDir?: string;
  /** Tuning for tests and measurements. */
  tuning?: {
    bulkThreshold?: number;
    bulkPollMs?: { initial: number; max: number };
    clientTimeoutMs?: number;
    maxClientAttempts?: number;
  };
}

/** The Shopify platform plus what install and auth code needs from it. */
export interface ShopifyPlatform extends StorePlatform {
  readonly platform: "shopify";
  /** A GraphQL client acting for the integration's shop. */
  clientFor(ctx: PlatformContext): ShopifyGraphqlClient;
  /** A client for a shop outside any integration context (install), counting calls through `recordCall`. */
  clientForShop(shop: string, recordCall: StoreCallRecorder): ShopifyGraphqlClient;
  /** The shop's name, currency and plan (kept in the integration's settings). */
  shopInfo(ctx: PlatformContext, signal?: AbortSignal): Promise<ShopInfo>;
  readonly deps: Readonly<ShopifyPlatformDeps>;
}

/** Builds the Shopify platform once per process. */
export function createShopifyPlatform(deps: ShopifyPlatformDeps): ShopifyPlatform {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const apiVersion = deps.apiVersion ?? SHOPIFY_API_VERSION;
  const spoolDir = deps.spoolDir ?? join(tmpdir(), "commerce-sync", "shopify-bulk");
  const tokens = new OfflineTokens({
    sessions: deps.sessions,
    apiKey: deps.apiKey,
    apiSecret: deps.apiSecret,
    fetch: fetchFn,
  });
  const throttles = new Map<string, ShopifyThrottle>();
  const throttleFor = (shop: string) => {
    let throttle = throttles.get(shop);
    if (!throttle) throttles.set(shop, (throttle = new ShopifyThrottle()));
    return throttle;
  };

  const clientForShop = (shop: string, recordCall: StoreCallRecorder) =>
    new ShopifyGraphqlClient({
      shop,
      apiVersion,
      fetch: fetchFn,
      accessToken: tokens.sourceFor(shop, recordCall),
      recordCall,
      throttle: throttleFor(shop),
      timeoutMs: deps.tuning?.clientTimeoutMs,
      maxAttempts: deps.tuning?.maxClientAttempts,
    });
  const clientFor = (ctx: PlatformContext) => clientForShop(ctx.integration.storeKey, ctx.recordCall);

  const shopInfo = async (ctx: PlatformContext, signal?: AbortSignal): Promise<ShopInfo> => {
    const stored = storedShopInfo(ctx.integration.settings);
    if (stored) return stored;
    const info = await fetchShopInfo(clientFor(ctx), signal);
    await saveShopInfo(ctx.db, ctx.integration.id, info);
    return info;
  };

  return {
    platform: "shopify",
    deps,
    clientFor,
    clientForShop,
    shopInfo,

    createSource(ctx) {
      const client = clientFor(ctx);
      const shop = ctx.integration.storeKey;
      const bulk = new BulkOperations({
        client,
        fetch: fetchFn,
        recordCall: ctx.recordCall,
        pollIntervalMs: deps.tuning?.bulkPollMs,
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
        bulkThreshold: deps.tuning?.bulkThreshold,
      });
    },

    handleWebhook(event, _body, ctx) {
      return decideWebhook(
        {
          clientFor,
          shopCurrency: async (c) => (await shopInfo(c)).currencyCode,
          removeSessions: async (shop) => {
            const sessions = await deps.sessions.findSessionsByShop(shop);
            if (sessions.length > 0) await deps.sessions.deleteSessions(sessions.map((s) => s.id));
          },
        },
        event,
        ctx,
      );
    },

    maintainWebhooks(ctx, signal) {
      return ensureWebhookSubscriptions(clientFor(ctx), deps.appUrl, signal);
    },

    async disconnect(ctx) {
      // Best effort: a shop that uninstalled the app refuses the token, and that is fine.
      await removeWebhookSubscriptions(clientFor(ctx)).catch(() => undefined);
    },
  };
}
