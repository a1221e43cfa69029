/**
 * Test wiring: platform modules built on the in-memory source (app/sync/testing/memory-source.ts), assembled by
 * the real `buildPlatforms`, so tests exercise the same context, credentials and audit path as production.
 */
import { keyringFrom } from "../../crypto/encryption.server";
import { parseEnv } from "../../env.server";
import { silentLogger } from "../../lib/logger";
import type { PlatformContext, PlatformDeps, Platforms, StorePlatform } from "../../sync/platform";
import type { SyncSource } from "../../sync/types";
import { buildPlatforms, type BuildPlatformsOptions } from "../index.server";

/** A complete, valid environment for tests (no real secrets). */
export const TEST_ENV = {
  DATABASE_URL: "file:./data/test.sqlite",
  SHOPIFY_API_KEY: "test-api-key",
  SHOPIFY_API_SECRET: "test-api-secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

/** Platform deps for tests: the test environment, its keyring, no logging. */
export function testPlatformDeps(overrides: Partial<PlatformDeps> = {}): PlatformDeps {
  const env = parseEnv(TEST_ENV);
  return { env, keyring: keyringFrom(env.ENCRYPTION_KEY), logger: silentLogger, ...overrides };
}

/**
 * A platform module whose source comes from `createSource` (e.g. `() => createMemorySource(…)`); its webhooks are
 * ignored unless `handleWebhook` is given.
 */
export function testPlatform(
  platform: string,
  parts: {
    createSource?: (ctx: PlatformContext) => SyncSource | Promise<SyncSource>;
  } & Partial<Omit<StorePlatform, "platform" | "createSource">> = {},
): StorePlatform {
  return {
    platform,
    createSource:
      parts.createSource ??
      (() => {
        throw new Error(`The test platform "${platform}" has no source.`);
      }),
    handleWebhook:
      parts.handleWebhook ??
      (async (event) => ({ action: "ignore", reason: `Topic ${event.topic} is not handled` })),
    ...(parts.maintainWebhooks ? { maintainWebhooks: parts.maintainWebhooks } : {}),
    ...(parts.disconnect ? { disconnect: parts.disconnect } : {}),
  };
}

/** `buildPlatforms` over the given modules with test deps. */
export function testPlatforms(
  modules: StorePlatform[],
  options: Omit<BuildPlatformsOptions, "factories"> & { deps?: Partial<PlatformDeps> } = {},
): Platforms {
  const { deps, ...rest } = options;
  return buildPlatforms(testPlatformDeps(deps), { ...rest, factories: modules.map((m) => () => m) });
}
