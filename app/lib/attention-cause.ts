/**
 * Why a store needs attention, as its status knows it (app/integrations/display-status.ts), and what that allows the
 * store's page to offer. Shared with the browser (no server imports).
 */

/**
 * Why a store needs attention, as far as the status knows it without reading its words:
 * - `worker_stopped`: a run whose worker stopped (stale heartbeat) has not resumed, or a sync job failed because the
 *   worker running it stopped on its last attempt (`job_worker_lost`);
 * - `no_worker`: work is due and no background worker runs jobs;
 * - `webhooks_unreachable`: the store cannot deliver its webhooks to Commerce Sync;
 * - `records_skipped`: the last sync saved everything it read but some records (a partial run);
 * - `store_unavailable`: the store's site did not answer properly (down, a server error, a timeout, a PHP fatal
 *   error, not JSON, rate limits, a clock minutes off), known by the failure's code (`STORE_UNAVAILABLE_CODES`);
 * - `change_not_applied`: a change the store sent (a webhook) could not be applied for good: the data, not the
 *   store's access, is at fault;
 * - `app_setup`: the app's own setup stands in the way (its public URL is not https, Shopify has not approved it for
 *   protected customer data): whoever runs Commerce Sync fixes it, then a sync reads what was missed;
 * - `store`: any other failure of the store's own (a refused or revoked key, missing permissions, an https or
 *   address problem, or a failure whose code is not known), which connecting the store again may mend.
 * Null when the store does not need attention. Only `store` can be mended by connecting the store again (a new key,
 * a new address): the others are about the deployment, the site or the data, and the reason says what to do.
 */
export type AttentionCause =
  | "worker_stopped"
  | "no_worker"
  | "webhooks_unreachable"
  | "records_skipped"
  | "store_unavailable"
  | "change_not_applied"
  | "app_setup"
  | "store";

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

/**
 * The app's own codes for `Integration.statusCode`, written where a status has no AppError to take its code from.
 * The cause each one has, and so whether Reconnect is offered:
 * - `sync_failed`: a sync failed with an error that has no code. Not known, so `store` as before (Reconnect offered).
 * - `sync_start_failed`: a sync could not start (credentials missing or unreadable): new keys mend it, `store`.
 * - `install_incomplete`: a Shopify install failed in a way that has no code; installing (reconnecting) again
 *   finishes it, `store`.
 * - `shopify_scopes_missing`: Shopify did not grant access scopes the sync needs; approving the app's access again
 *   (Reconnect sends the merchant through it) mends it, `store`.
 * - `webhooks_unregistered`: the store refused to create a webhook subscription (Shopify's userErrors, e.g. a topic
 *   whose access scope was not granted); reinstalling with the access approved mends it, `store`.
 * - `webhook_secret_missing`: no webhook secret is stored for a WooCommerce store; connecting it again writes one,
 *   `store`.
 * - `webhooks_check_failed`: the webhook check failed with an error that has no code: not known, `store`.
 * - `webhook_problem`: a webhook problem its platform gave no code: not known, `store`.
 * - `webhooks_unreachable`: the store cannot deliver webhooks to the app's address (the deployment's public URL or
 *   a firewall, not the key): `webhooks_unreachable`, no Reconnect.
 * - `webhook_address_refused`: Shopify refused the app's webhook address (not https): the deployment's URL, not
 *   the shop's access: `app_setup`, no Reconnect.
 * - `shopify_protected_customer_data` (an AppError code): Shopify has not approved the app for protected customer
 *   data; the developer requests it in the Partner Dashboard, reinstalling cannot grant it: `app_setup`.
 * - `webhook_change_failed`: a change the store sent could not be applied for good (its data): `change_not_applied`,
 *   no Reconnect (the next scheduled check reads the record again).
 * - `job_worker_lost` (the queue's `JOB_WORKER_LOST`, app/jobs/types.ts, on a failed job): the background worker
 *   running the job stopped (crash, kill, out of memory) on its last attempt and its lease expired. The deployment's
 *   worker, not the store's access: `worker_stopped`, no Reconnect (Sync now runs it again; whoever runs Commerce
 *   Sync checks the worker).
 * Any other code is an AppError `code` (`storeFailureCause`).
 */
export const STATUS_CODE_CAUSES: Readonly<Record<string, AttentionCause>> = {
  sync_failed: "store",
  sync_start_failed: "store",
  install_incomplete: "store",
  shopify_scopes_missing: "store",
  webhooks_unregistered: "store",
  webhook_secret_missing: "store",
  webhooks_check_failed: "store",
  webhook_problem: "store",
  webhooks_unreachable: "webhooks_unreachable",
  webhook_address_refused: "app_setup",
  shopify_protected_customer_data: "app_setup",
  webhook_change_failed: "change_not_applied",
  job_worker_lost: "worker_stopped",
};

/** The cause of a stored status code (`Integration.statusCode`; null or undefined: not known, so `store`). */
export function statusCodeCause(code: string | null | undefined): AttentionCause {
  return (
    (code && Object.hasOwn(STATUS_CODE_CAUSES, code) ? STATUS_CODE_CAUSES[code] : undefined) ??
    storeFailureCause(code)
  );
}

/**
 * The one code of a status that joins several problems (a failed sync and webhook problems, an install's scopes and
 * webhooks): the first one Reconnect may mend, so the page still offers it, else the first one. Null when none.
 */
export function leadingStatusCode(codes: ReadonlyArray<string | null | undefined>): string | null {
  const known = codes.filter((code): code is string => !!code);
  return known.find((code) => reconnectMayHelp(statusCodeCause(code))) ?? known[0] ?? null;
}

/** Whether connecting the store again (new keys, new access) can mend what the status says. */
export function reconnectMayHelp(cause: AttentionCause | null): boolean {
  return cause === "store";
}
