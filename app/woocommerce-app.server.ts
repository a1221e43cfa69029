/**
 * The web process's WooCommerce wiring for routes: the platform module from `getPlatforms()`, the app's database,
 * keyring, job queue and the owner cookies — gathered once so every WooCommerce route stays thin.
 */
import { appKeyring } from "./crypto/keyring.server";
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { AppError } from "./lib/errors";
import { enqueueSync } from "./jobs/enqueue.server";
import { getPlatforms } from "./platforms.server";
import type { WooCommercePlatform } from "./platforms/woocommerce/index.server";
import { getJobQueue } from "./queue.server";
import {
  disconnectIntegration,
  platformCleanup,
  type DisconnectInput,
} from "./integrations/disconnect.server";
import type { ApprovalDeps } from "./integrations/woocommerce-approval.server";
import { wooCookies, type WooCookies } from "./integrations/woocommerce-session.server";

export interface WooApp extends ApprovalDeps {
  platform: WooCommercePlatform;
  cookies: WooCookies;
  /** Disconnects one of the organization's stores (webhooks removed from the store first). */
  disconnect(input: DisconnectInput): ReturnType<typeof disconnectIntegration>;
}

function wooPlatform(): WooCommercePlatform {
  const platform = getPlatforms().get("woocommerce") as Partial<WooCommercePlatform>;
  if (!platform.connector)
    throw new AppError("platform_setup_failed", "The WooCommerce module is not set up.");
  return platform as WooCommercePlatform;
}

/** Everything a WooCommerce route needs. */
export function wooApp(): WooApp {
  const env = loadEnv();
  const keyring = appKeyring();
  const platform = wooPlatform();
  return {
    db: prisma,
    keyring,
    platform,
    connector: platform.connector,
    cookies: wooCookies(keyring, env.SHOPIFY_APP_URL),
    enqueueSync: async (integrationId, options) =>
      enqueueSync(await getJobQueue(), {
        integrationId,
        kind: options.full ? "full" : "incremental",
        triggeredBy: options.triggeredBy,
      }),
    disconnect: async (input) =>
      disconnectIntegration(
        {
          db: prisma,
          queue: await getJobQueue(),
          cleanupStore: platformCleanup(getPlatforms(), prisma),
        },
        input,
      ),
  };
}
