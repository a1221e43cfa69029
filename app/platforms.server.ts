/**
 * The web process's platform modules (Shopify, WooCommerce), built once from the validated environment and the
 * keyring. Routes and the in-process job runtime use this instance; the worker and `npm run sync` build their own
 * with the same `buildPlatforms`. entry.server.tsx builds it at boot, so a process that cannot build its platforms
 * refuses to start with one line instead of failing on the first sync.
 */
import { appKeyring } from "./crypto/keyring.server";
import { loadEnv } from "./env.server";
import { appLogger } from "./logger.server";
import { buildPlatforms } from "./platforms/index.server";
import type { Platforms } from "./sync/platform";

declare global {
  var __commerceSyncPlatforms: Platforms | undefined;
}

/** The process's platforms (kept on globalThis across development reloads). Throws PlatformSetupError. */
export function getPlatforms(): Platforms {
  global.__commerceSyncPlatforms ??= buildPlatforms({
    env: loadEnv(),
    keyring: appKeyring(),
    logger: appLogger(),
  });
  return global.__commerceSyncPlatforms;
}
