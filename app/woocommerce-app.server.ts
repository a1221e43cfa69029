/**
 * The web process's WooCommerce wiring for routes: the platform module from `getPlatforms()`, the app's database,
 * keyring, job queue, the owner cookies and the connect limits — gathered once so every WooCommerce route
 * stays thin.
 */
import type { Keyring } from "./crypto/encryption.server";
import { appKeyring } from "./crypto/keyring.server";
import prisma from "./db.server";
import { loadEnv, type Env } from "./env.server";
import { createRateLimitCounters } from "./db/rate-limit-counters.server";
import { createConnectLimits, type ConnectAttempter, type ConnectLimits } from "./lib/connect-limits.server";
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
  /**
   * The `beforeStoreRequest` of a connect or key approval start by this client address and organization: counts the
   * attempt against the connect limits (ADR 0057), refusing it when over one.
   */
  connectLimit(attempter: ConnectAttempter): () => Promise<void>;
  /** Disconnects one of the organization's stores (webhooks removed from the store first). */
  disconnect(input: DisconnectInput): ReturnType<typeof disconnectIntegration>;
}

function wooPlatform(): WooCommercePlatform {
  const platform = getPlatforms().get("woocommerce") as Partial<WooCommercePlatform>;
  if (!platform.connector)
    throw new AppError("platform_setup_failed", "The WooCommerce module is not set up.");
  return platform as WooCommercePlatform;
}

/**
 * The connect limits, sized by the environment. Their counters are rows in the app's database (ADR 0057 addendum):
 * every web process shares them and nothing is kept in this one, so they are built where used.
 */
function connectLimits(env: Env, keyring: Keyring): ConnectLimits {
  return createConnectLimits(
    {
      perIp: { attempts: env.CONNECT_LIMIT_PER_IP, windowSeconds: env.CONNECT_LIMIT_PER_IP_WINDOW_SECONDS },
      perOrganization: {
        attempts: env.CONNECT_LIMIT_PER_ORGANIZATION,
        windowSeconds: env.CONNECT_LIMIT_PER_ORGANIZATION_WINDOW_SECONDS,
      },
    },
    { counters: createRateLimitCounters(prisma), keyring },
  );
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
    connectLimit: (attempter) => () => connectLimits(env, keyring).take(attempter),
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
