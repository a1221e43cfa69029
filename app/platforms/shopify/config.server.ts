/**
 * Shopify settings derived from the validated environment (shared by the platform and the authorization-code grant).
 */
import type { Env } from "../../env.server";
import { emulatorRedirectFetch } from "./emulator-fetch.server";

/** The fetch every Shopify call goes through: the emulator redirect when SHOPIFY_EMULATOR_URL is set. */
export function shopifyFetch(env: Pick<Env, "SHOPIFY_EMULATOR_URL">): typeof fetch {
  return env.SHOPIFY_EMULATOR_URL ? emulatorRedirectFetch(env.SHOPIFY_EMULATOR_URL) : globalThis.fetch;
}

/** Where a browser reaches a shop's admin: the emulator's mini admin in dev, demo and e2e. */
export function adminUrlFor(env: Pick<Env, "SHOPIFY_EMULATOR_URL">): (shop: string) => string {
  return (shop) =>
    env.SHOPIFY_EMULATOR_URL
      ? `${env.SHOPIFY_EMULATOR_URL.replace(/\/$/, "")}/admin`
      : `https://${shop}/admin`;
}
