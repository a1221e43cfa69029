/** Display helpers shared by the merchant's pages (UTC, en-US, exact strings for money). */
import { utcDateTime } from "../lib/utc-time";

/**
 * What a store's counts mean, named so the two cannot be read as one number: a store's contacts are the people linked
 * to it, guest buyers (known only from an order's email) included; a sync run counts the store's customer records.
 */
export const STORE_CONTACTS_LABEL = "Contacts (incl. guest buyers)";
export const RUN_CUSTOMERS_LABEL = "Customer records";

/** "Nov 30, 2026, 11:42 PM UTC", or the fallback for null. */
export function formatDateTime(iso: string | null, fallback = "Never"): string {
  return iso ? utcDateTime(iso) : fallback;
}

/**
 * A store's "Last sync" line. `lastSyncAt` is when its last run ended, whatever the outcome (the API keeps that
 * meaning); when that run is the newest finished one and it failed, the line calls it an attempt that failed. A store
 * that never synced, with its first sync waiting in the queue, says so rather than only "Never".
 */
export function lastSyncText(
  lastSyncAt: string | null,
  lastRun: { status: string; finishedAt: string | null } | null,
  queuedSync: { kind: string } | null = null,
): string {
  if (!lastSyncAt && !lastRun && queuedSync)
    return "Last sync: Never · the first sync is queued and starts soon";
  const failed =
    !!lastSyncAt &&
    lastRun?.status === "failed" &&
    !!lastRun.finishedAt &&
    Date.parse(lastRun.finishedAt) === Date.parse(lastSyncAt);
  return failed
    ? `Last sync attempt: ${formatDateTime(lastSyncAt)} · failed`
    : `Last sync: ${formatDateTime(lastSyncAt)}`;
}

/**
 * What a connect queued: the store's first sync, a full re-read (reconnected), or a sync of what changed. Said when
 * the connect answers, before a worker has picked the sync up: "starts in a moment", not "is running" (the store's
 * page follows it).
 */
export function connectSyncNote(result: { created: boolean; initialSync: "full" | "incremental" }): string {
  if (result.initialSync === "incremental")
    return "A sync of what changed since the last one starts in a moment";
  return result.created ? "The first sync starts in a moment" : "A full sync starts in a moment";
}

/**
 * The "Your store is connected" banner's line on the new store's page, which stays open after the first sync: what
 * that sync is doing now, so a finished or failed sync is never still called "started".
 */
export function firstSyncNote(store: { activeRun: unknown; lastRun: { status: string } | null }): string {
  if (store.activeRun) return "The first sync is running; the numbers below fill in as it runs.";
  if (!store.lastRun) return "The first sync starts in a moment; the numbers below fill in as it runs.";
  if (store.lastRun.status === "succeeded")
    return "The first sync has finished; the numbers below are your store’s.";
  return "The first sync did not read everything: see what it says below.";
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" });
}

/** "2 min 5 s", "850 ms", "—" for a run still going. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * The status a sync run is shown with in the history: the engine's, except a run still marked running whose worker
 * stopped beating (killed, or stopped before it could finish), which is "stopped" until a worker carries it on: never
 * "running" beside a store status that says it stopped.
 */
export function shownRunStatus(run: { status: string; active: boolean }): string {
  if (run.active) return "running";
  return run.status === "running" ? "stopped" : run.status;
}

/** "needs_attention" → "Needs attention". */
export function humanize(value: string): string {
  return value.replace(/[_.]/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/**
 * Who or what started a sync run, as the sync history shows it beside the kind ("Full · by the merchant"). The
 * stored value is an actor ("merchant:<shop>", "api-token:<id>", "woo-owner:<id>", "webhook:<topic>", "install",
 * "schedule", "resume", "demo", "system"); ids stay out of the page. Null for the engine's own runs ("system").
 */
export function triggerLabel(triggeredBy: string | null | undefined): string | null {
  if (!triggeredBy || triggeredBy === "system") return null;
  const colon = triggeredBy.indexOf(":");
  const who = colon === -1 ? triggeredBy : triggeredBy.slice(0, colon);
  const detail = colon === -1 ? "" : triggeredBy.slice(colon + 1);
  switch (who) {
    case "merchant":
      return "by the merchant";
    case "woo-owner":
      return "by the store owner";
    case "api-token":
      return "through the API";
    case "webhook":
      return detail ? `after webhook ${detail}` : "after a webhook";
    case "install":
      return "on install";
    case "schedule":
      return "scheduled";
    case "resume":
      return "resumed";
    case "demo":
      return "by the demo";
    default:
      return humanize(who).toLowerCase();
  }
}

/**
 * What a run's count for one resource leaves out: what failed and what the store had deleted ("86 deleted in the
 * store"). The deleted ones are records this run found gone from the store and took out of the numbers here (counted
 * by that run only): not part of what it read, and not records the app deleted anywhere.
 */
export function runResourceNotes(r: { failed: number; deleted: number }): string[] {
  return [
    ...(r.failed > 0 ? [`${formatCount(r.failed)} failed`] : []),
    ...(r.deleted > 0 ? [`${formatCount(r.deleted)} deleted in the store`] : []),
  ];
}

/**
 * A run's count for one resource in a sentence ("Customers 57 (86 deleted in the store) · Orders …"): the notes in
 * parentheses, so they do not read as another resource.
 */
export function runResourceText(r: { synced: number; failed: number; deleted: number }): string {
  const notes = runResourceNotes(r);
  return notes.length > 0 ? `${formatCount(r.synced)} (${notes.join(", ")})` : formatCount(r.synced);
}

/**
 * A run note for a narrow table cell that may wrap: at most two lines, "1,500 deleted" over "in the store" (the
 * words of each kept together with no-break spaces). On one line it widened the history past its card.
 */
export function narrowNote(note: string): string {
  return note.replace(/ /g, "\u00a0").replace("deleted\u00a0in", "deleted in");
}

/** Under a sync history that shows deletions: what "deleted in the store" means for the merchant's data. */
export const DELETED_IN_STORE_NOTE =
  "“Deleted in the store”: records a sync found the store no longer has (deleted there, or moved to its trash). " +
  "That sync took them out of your numbers here, and only that sync counts them. A customer’s contact is kept, " +
  "with their orders and other stores.";

/** One resource's line in a running sync's progress: "1,250 of 4,000", "Waiting", "1,273 · done". */
export function resourceProgressText(r: {
  phase: string;
  synced: number;
  failed: number;
  total: number | null;
}): string {
  if (r.phase === "pending") return "Waiting";
  if (r.phase === "failed") return "Could not be read";
  const done = r.synced + r.failed;
  // Once read, the count is what the store had; its estimate (staff users among its customers, records created or
  // deleted meanwhile) would read as records lost.
  if (r.phase === "done") return `${formatCount(done)} · done`;
  return r.total !== null ? `${formatCount(done)} of ${formatCount(r.total)}` : formatCount(done);
}

export function platformLabel(platform: string): string {
  return platform === "shopify" ? "Shopify" : platform === "woocommerce" ? "WooCommerce" : humanize(platform);
}

/** An exact decimal amount with its currency code: "1,234.50 USD" (grouping added to the integer part only). */
export function formatMoney(amount: string, currency: string): string {
  const [whole, fraction] = amount.replace(/^-/, "").split(".");
  const sign = amount.startsWith("-") ? "-" : "";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ""} ${currency}`;
}

/** "9.99 – 12.50 USD" (the currency once), or one amount when both ends are the same. */
export function formatMoneyRange(min: string, max: string, currency: string): string {
  if (min === max) return formatMoney(min, currency);
  const low = formatMoney(min, currency);
  return `${low.slice(0, low.length - currency.length - 1)} – ${formatMoney(max, currency)}`;
}
