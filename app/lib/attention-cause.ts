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
 * - `store`: a failure of the store's own (the stored reason, a failed run or job), which may be its access.
 * Null when the store does not need attention. Only `store` can be mended by connecting the store again (a new key):
 * the others are about the deployment or the data, and the reason says what to do.
 */
export type AttentionCause =
  "worker_stopped" | "no_worker" | "webhooks_unreachable" | "records_skipped" | "store";

/** Whether connecting the store again (new keys, new access) can mend what the status says. */
export function reconnectMayHelp(cause: AttentionCause | null): boolean {
  return cause === "store";
}
