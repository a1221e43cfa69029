import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { loadEnv } from "./env.server";
import { SHOPIFY_API_VERSION } from "./platforms/shopify/api-version";
import { routeShopifyToEmulator } from "./platforms/shopify/emulator-fetch.server";
import { appSessionStorage } from "./shopify-sessions.server";
import { shopifyServices } from "./shopify-services.server";
import { emulatedAdminThrown } from "./emulated-admin.server";
import { shopInstalls } from "./shop-installs.server";
import { installRequestedBy } from "./install-requester.server";

const env = loadEnv();

if (env.SHOPIFY_EMULATOR_URL) {
  // Dev, demo and e2e only: the local Shopify emulator stands in for Shopify (see emulators/shopify/README.md).
  routeShopifyToEmulator(env.SHOPIFY_EMULATOR_URL);
}

/** The one session storage of the process: shopify-app-remix and the Shopify platform share it. */
const sessionStorage = appSessionStorage();

/**
 * The app's only shopifyApp(): everything Shopify-related is configured here. Embedded installs use Shopify-managed
 * install and token exchange, with expiring offline tokens (refreshed by the library during requests and by the
 * Shopify platform in the worker); `afterAuth` runs the install bookkeeping (organization, integration, webhooks,
 * first full sync). Installs started outside the admin use the authorization-code grant of `/auth/login`.
 */
const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: SHOPIFY_API_VERSION,
  scopes: env.SCOPES.split(",").map((s) => s.trim()),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      // The token exchange itself was made (and succeeded) inside shopify-app-remix just before this hook.
      // A reconnect that asked for new access (install-requester.server.ts) shows its full sync as the merchant's.
      await shopifyServices().install({
        shop: session.shop,
        scope: session.scope ?? null,
        syncTriggeredBy: installRequestedBy(session.shop),
      });
    },
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = SHOPIFY_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
/**
 * Against the local Shopify emulator (dev, demo, e2e) a headless browser opening the admin is a person's tool
 * (Playwright, a screenshot script), not a crawler: shopify-app-remix would answer 410 to its "HeadlessChrome" user
 * agent, so it is presented as the browser it is. Against real Shopify the library's bot check is left as it is.
 * See docs/decisions/0033-demo-owner-sign-in-and-headless-browsers.md.
 */
export function allowHeadlessBrowser(
  request: Request,
  emulated = Boolean(env.SHOPIFY_EMULATOR_URL),
): Request {
  const agent = request.headers.get("user-agent") ?? "";
  if (!emulated || !HEADLESS_BROWSER.test(agent)) return request;
  const headers = new Headers(request.headers);
  headers.set("user-agent", agent.replace(HEADLESS_BROWSER, "Chrome/"));
  return new Request(request, { headers });
}
const HEADLESS_BROWSER = /HeadlessChrome\//;

/**
 * shopify-app-remix's `authenticate`, with `admin` waiting for the shop's install in flight (afterAuth run by this
 * request or a concurrent one) before the request reads anything: see shop-installs.server.ts.
 */
export const authenticate: typeof shopify.authenticate = {
  ...shopify.authenticate,
  admin: async (request) => {
    const context = await shopify.authenticate
      .admin(allowHeadlessBrowser(request))
      .catch((thrown: unknown) => {
        throw emulatedAdminThrown(thrown);
      });
    await shopInstalls().settled(context.session.shop);
    return context;
  },
};
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export { sessionStorage };
