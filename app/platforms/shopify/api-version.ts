import { ApiVersion } from "@shopify/shopify-api";

/**
 * The one Admin API version of the app. `[webhooks] api_version` in shopify.app.toml must equal it (a test checks).
 * Bump both together each quarter after reading the changelog.
 */
export const SHOPIFY_API_VERSION = ApiVersion.October26;
