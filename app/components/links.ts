/** Addresses of the embedded app's pages that several pages link to. */
export const APP_HOME_URL = "/app";
/** The in-app WooCommerce connect flow (built with the WooCommerce bridge). */
export const CONNECT_WOOCOMMERCE_URL = "/app/woocommerce/connect";
/** The in-app WooCommerce connect flow with a store's address filled in: connecting it again saves a new key. */
export const reconnectWooCommerceUrl = (storeUrl: string) =>
  `${CONNECT_WOOCOMMERCE_URL}?store=${encodeURIComponent(storeUrl)}`;
/** A store's page in the embedded app (status, history, Sync now, Disconnect). */
export const integrationPageUrl = (integrationId: string) => `/app/integrations/${integrationId}`;
/**
 * A WooCommerce owner's store page after a connect, with what to say on it: a new store (`connected`), a store read
 * again in full (`reconnected`: it was disconnected, or had never synced), or a sign-in to a connected store.
 */
export function ownerStorePageAfterConnect(result: {
  integrationId: string;
  created: boolean;
  initialSync: "full" | "incremental";
}): string {
  const said = result.created ? "connected" : result.initialSync === "full" ? "reconnected" : "signedin";
  return `/woocommerce/stores/${result.integrationId}?${said}=1`;
}
