/** The routes of app/routes, and those that take no id of another organization, with why. */
import { readdirSync } from "node:fs";
import { resolve } from "node:path";

/** Routes whose id parameter is itself the credential: naming another organization's id is not a thing a caller can do. */
export const TOKEN_IS_CREDENTIAL = ["wc-auth.callback.$attemptId", "woocommerce_.sign-in.$token"];

/** Routes that take no id of another organization (nothing to isolate beyond their caller), with the reason. */
export const NO_FOREIGN_ID: Record<string, string> = {
  $: "catch-all 404 page; reads nothing",
  "api.$": "the API's JSON 404 for unknown /api/ addresses; reads nothing",
  _index: "public landing page; reads nothing",
  "auth.$": "Shopify OAuth begin (shopify-app-remix); the shop comes from the signed query",
  "auth.callback": "OAuth callback: Shopify's HMAC and a sealed single-use state (bad-input corpus)",
  "auth.login": "login form; a shop domain, no data",
  healthz: "liveness; no data",
  "api.openapi[.]json": "the API description; no data",
  "api.integrations.shopify.connect":
    "creates an install for the bearer token's own organization (no id taken from input)",
  "api.integrations.woocommerce.connect":
    "connects a store into the bearer token's own organization (no id taken from input)",
  "api.integrations.shopify.callback":
    "Shopify's HMAC and the sealed single-use state name the organization (bad-input corpus)",
  "app._index": "overview of the session's organization; exercised below for foreign data in the body",
  app: "layout: authenticates, reads no data",
  "app.$": "authenticated 404 for unknown /app addresses",
  "app.woocommerce.connect":
    "grant and connect for the session's own organization (organization from the session, not input)",
  "webhooks.app.uninstalled":
    "Shopify-signed; the organization is the signed shop header's (see the shop-header case)",
  "webhooks.bulk_operations.finish":
    "Shopify-signed; stored under the signed shop header's store and processed by that store's id",
  "webhooks.customers.data_request": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  "webhooks.customers.redact": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  "webhooks.shop.redact": "Shopify-signed compliance topic; same ingest as api.webhooks.shopify",
  woocommerce: "layout of the standalone pages; no data",
  "woocommerce.connect":
    "connects into the store's own organization or the one a signed, expiring grant names (bad-input corpus)",
  "woocommerce_.sign-in.$token":
    "a one-time sign-in link minted for one owner (demo); the unguessable single-use token is the credential, no organization is named",
  "wc-auth.callback.$attemptId":
    "server-to-server from the store; the unguessable attempt id is the credential, no organization is named (bad-input corpus)",
};

/** The route ids of app/routes (flat files and folder routes), as Remix names them. */
export function routeIds(): string[] {
  return readdirSync(resolve("app/routes"), { withFileTypes: true })
    .map((e) => (e.isDirectory() ? e.name : e.name.replace(/\.(tsx|ts|jsx|js)$/, "")))
    .sort();
}
