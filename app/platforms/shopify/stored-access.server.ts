/**
 * Whether Shopify still accepts the shop's stored offline token, with one 1-point call (`ShopAccess`). Used where a
 * decision hangs on it: an app/uninstalled that may be stale (webhooks.server.ts) and a reconnect from the store's
 * page, which must not turn a store back on with access Shopify refuses (ADR 0059 addendum).
 */
import type { ShopifyGraphqlClient } from "./client.server";
import { ShopifyAuthError, ShopifyNotInstalledError } from "./errors";
import { SHOP_ACCESS_QUERY } from "./queries/shop";

/**
 * Null when Shopify accepts the stored token; the refusal when it refuses it (401/403, after the client's one
 * refresh attempt) or none is stored. Any other failure (network, 5xx, throttling past the retries) is thrown: it says
 * nothing about the token.
 */
export async function storedAccessRefusal(
  client: ShopifyGraphqlClient,
): Promise<ShopifyAuthError | ShopifyNotInstalledError | null> {
  try {
    await client.request("ShopAccess", SHOP_ACCESS_QUERY, {});
    return null;
  } catch (error) {
    if (error instanceof ShopifyAuthError || error instanceof ShopifyNotInstalledError) return error;
    throw error;
  }
}
