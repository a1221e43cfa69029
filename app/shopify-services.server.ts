/**
 * The Shopify services of this process, built once on first use: the Shopify platform (from the process's
 * `getPlatforms()`), the install bookkeeping (afterAuth and the authorization-code grant) and the grant's settings.
 * Routes and shopify.server.ts call these; nothing here runs at import.
 */
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { appKeyring } from "./crypto/keyring.server";
import { appSessionStorage } from "./shopify-sessions.server";
import { getJobQueue } from "./queue.server";
import { getPlatforms } from "./platforms.server";
import { enqueueSync } from "./jobs/enqueue.server";
import type { ShopifyPlatform } from "./platforms/shopify/index.server";
import { adminUrlFor, shopifyFetch } from "./platforms/shopify/config.server";
import { completeShopifyInstall, type InstallOutcome } from "./integrations/shopify-install.server";
import type { ShopifyOAuthDeps } from "./integrations/shopify-oauth.server";
import { shopInstalls } from "./shop-installs.server";

export interface ShopifyServices {
  platform: ShopifyPlatform;
  /** Install bookkeeping for a shop whose offline token was just stored. */
  install(input: {
    shop: string;
    scope: string | null;
    organizationId?: string;
    actor?: string;
    calls?: Parameters<ShopifyOAuthDeps["install"]>[0]["calls"];
    /** Who the full sync it queues is shown as started by (default "install"). */
    syncTriggeredBy?: string;
    /** A reconnect: a disconnected store stays disconnected unless Shopify accepts its kept token. */
    requireWorkingAccess?: boolean;
  }): Promise<InstallOutcome>;
  /** Settings of the authorization-code grant (beginShopifyAuthorization / completeShopifyAuthorization). */
  oauth: ShopifyOAuthDeps;
}

declare global {
  var __commerceSyncShopifyServices: ShopifyServices | undefined;
}

export function shopifyServices(): ShopifyServices {
  if (global.__commerceSyncShopifyServices) return global.__commerceSyncShopifyServices;
  const env = loadEnv();
  const sessions = appSessionStorage();
  const platform = getPlatforms().get("shopify") as ShopifyPlatform;
  // Registered as the shop's install in flight: the shop's other requests wait for it (shop-installs.server.ts).
  const install: ShopifyServices["install"] = (input) =>
    shopInstalls().run(input.shop, () =>
      completeShopifyInstall(
        {
          db: prisma,
          platform,
          enqueueFullSync: async (integrationId, triggeredBy) =>
            enqueueSync(await getJobQueue(), {
              integrationId,
              kind: "full",
              triggeredBy: triggeredBy ?? "install",
            }),
          enqueueCatchUpSync: async (integrationId) =>
            enqueueSync(await getJobQueue(), { integrationId, kind: "incremental", triggeredBy: "install" }),
        },
        input,
      ),
    );
  const services: ShopifyServices = {
    platform,
    install,
    oauth: {
      db: prisma,
      apiKey: env.SHOPIFY_API_KEY,
      apiSecret: env.SHOPIFY_API_SECRET,
      appUrl: env.SHOPIFY_APP_URL,
      scopes: env.SCOPES.split(",").map((s) => s.trim()),
      keyring: appKeyring(),
      fetch: shopifyFetch(env),
      sessions,
      install,
      adminUrlFor: adminUrlFor(env),
      customShopDomain: env.SHOP_CUSTOM_DOMAIN,
    },
  };
  global.__commerceSyncShopifyServices = services;
  return services;
}
