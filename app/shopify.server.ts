import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import prisma from "./db.server";
import { loadEnv } from "./env.server";
import { appKeyring } from "./crypto/keyring.server";
import { recordShopifyInstall } from "./integrations/shopify-install.server";
import { SHOPIFY_API_VERSION } from "./platforms/shopify/api-version";
import { routeShopifyToEmulator } from "./platforms/shopify/emulator-fetch.server";
import { EncryptedSessionStorage } from "./platforms/shopify/session-storage.server";

const env = loadEnv();

if (env.SHOPIFY_EMULATOR_URL) {
  // Dev, demo and e2e only: the local Shopify emulator stands in for Shopify (see emulators/shopify/README.md).
  routeShopifyToEmulator(env.SHOPIFY_EMULATOR_URL);
}

/** The app's only shopifyApp(): everything Shopify-related is configured here. */
const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: SHOPIFY_API_VERSION,
  scopes: env.SCOPES.split(",").map((s) => s.trim()),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new EncryptedSessionStorage(prisma, appKeyring()),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordShopifyInstall(prisma, { shop: session.shop, scope: session.scope });
    },
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
