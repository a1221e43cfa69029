/**
 * Why a store needs attention, as its status knows it (app/integrations/display-status.ts), and what that allows the
 * store's page to offer. Shared with the browser (no server imports).
 */

/**
 * Why a store needs attention, as far as the status knows it without reading its words:
 * - `worker_stopped`: a run whose worker stopped (stale heartbeat) has not resumed;
 * - `no_worker`: work is due and no background worker runs jobs;
 * - `webhooks_unreachable`: the store cannot deliver its webhooks to Commerce Sync;
 * - `records_skipped`: the last sync saved everything it read but some records (a partial run);
 * - `store_unavailable`: the store's site did not answer properly (down, a server error, a timeout, a PHP fatal
 *   error, not JSON, rate limits, a clock minutes off), known by the failure's code (`STORE_UNAVAILABLE_CODES`);
 * - `store`: any other failure of the store's own (a refused or revoked key, missing permissions, an https or
 *   address problem, or a failure whose code is not known), which connecting the store again may mend.
 * Null when the store does not need attention. Only `store` can be mended by connecting the store again (a new key,
 * a new address): the others are about the deployment, the site or the data, and the reason says what to do.
 */
export type AttentionCause =
  "worker_stopped" | "no_worker" | "webhooks_unreachable" | "records_skipped" | "store_unavailable" | "store";

/**
 * Failure codes (AppError `code`) of a store that did not answer properly: new keys cannot mend them. Access and
 * address failures (woocommerce_auth, woocommerce_forbidden, woocommerce_read_only, woocommerce_redirect,
 * woocommerce_tls, woocommerce_host_not_found, credentials_unreadable, shopify_access_revoked…) are not here, nor is
 * a failure without a code: Reconnect stays offered for those.
 */
export const STORE_UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  "woocommerce_server",
  "woocommerce_timeout",
  "woocommerce_unreachable",
  "woocommerce_php_error",
  "woocommerce_not_json",
  "woocommerce_rate_limited",
  "woocommerce_clock",
  "shopify_http_error",
  "shopify_timeout",
  "shopify_throttled",
  "database_unavailable",
]);

/** The cause of a store failure with this stable code (null or undefined: not known). */
export function storeFailureCause(code: string | null | undefined): "store_unavailable" | "store" {
  return code && STORE_UNAVAILABLE_CODES.has(code) ? "store_unavailable" : "store";
}

/** Whether connecting the store again (new keys, new access) can mend what the status says. */
export function reconnectMayHelp(cause: AttentionCause | null): boolean {
  return cause === "store";
}
