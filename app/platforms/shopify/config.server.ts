/**
 * The Shopify platform's settings from the validated environment: what `buildPlatforms` passes to
 * `createShopifyPlatform`, and what the authorization-code grant needs.
 */
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Env } from "../../env.server";
import { emulatorRedirectFetch } from "./emulator-fetch.server";
import type { ShopifyPlatformDeps } from "./index.server";

/** The fetch every Shopify call goes through: the emulator redirect when SHOPIFY_EMULATOR_URL is set. */
export function shopifyFetch(env: Pick<Env, "SHOPIFY_EMULATOR_URL">): typeof fetch {
  return env.SHOPIFY_EMULATOR_URL ? emulatorRedirectFetch(env.SHOPIFY_EMULATOR_URL) : globalThis.fetch;
}

/** Deps of `createShopifyPlatform` for this process. */
export function shopifyPlatformDeps(
  env: Pick<Env, "SHOPIFY_API_KEY" | "SHOPIFY_API_SECRET" | "SHOPIFY_APP_URL" | "SHOPIFY_EMULATOR_URL">,
  sessions: SessionStorage,
): ShopifyPlatformDeps {
  return {
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    appUrl: env.SHOPIFY_APP_URL,
    sessions,
    fetch: shopifyFetch(env),
  };
}

/** Where a browser reaches a shop's admin: the emulator's mini admin in dev, demo and e2e. */
export function adminUrlFor(env: Pick<Env, "SHOPIFY_EMULATOR_URL">): (shop: string) => string {
  return (shop) =>
    env.SHOPIFY_EMULATOR_URL
      ? `${env.SHOPIFY_EMULATOR_URL.replace(/\/$/, "")}/admin`
      : `https://${shop}/admin`;
}
