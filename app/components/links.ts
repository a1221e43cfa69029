/** Addresses of the embedded app's pages that several pages link to. */
export const APP_HOME_URL = "/app";
/** The in-app WooCommerce connect flow (built with the WooCommerce bridge). */
export const CONNECT_WOOCOMMERCE_URL = "/app/woocommerce/connect";
/** A store's page in the embedded app (status, history, Sync now, Disconnect). */
export const integrationPageUrl = (integrationId: string) => `/app/integrations/${integrationId}`;
