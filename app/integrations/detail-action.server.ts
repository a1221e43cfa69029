/**
 * The store detail page's actions, shared by the embedded app and the WooCommerce owner's pages:
 * - "Sync now" / "Full re-sync": `intent=sync&kind=incremental|full`;
 * - the store's automatic syncs: `intent=schedule&interval=…&window=…`;
 * - Disconnect: `intent=disconnect&keepData=true|false`;
 * - Reconnect a disconnected store: `intent=reconnect`, only where the page supplies the `reconnect` dep (the embedded
 *   app, for a Shopify store: app/integrations/shopify-reconnect.server.ts); elsewhere it is not available (400), as
 *   an unknown intent.
 * The answer is a merchant-readable message; a 404 (another organization's store) is thrown as the AppError it is.
 */
import { z } from "zod";
import type { JobQueue } from "../jobs/queue.server";
import { isAppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import { disconnectIntegration, type DisconnectDeps } from "./disconnect.server";
import { installProblemsInWords } from "./shopify-install.server";
import { requestSync } from "./sync-request.server";
import { DEFAULT_CHOICE, updateSyncSchedule } from "./sync-schedule.server";

const detailInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync"), kind: z.enum(["full", "incremental"]) }),
  z.object({ intent: z.literal("disconnect"), keepData: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("reconnect") }),
  // What the merchant changed: a field not sent stays as it is.
  z.object({
    intent: z.literal("schedule"),
    interval: z.string().max(20).optional(),
    window: z.string().max(20).optional(),
  }),
]);

export interface DetailActionResult {
  ok: boolean;
  message: string;
  status: number;
  /** Set when the store was just disconnected. */
  disconnected?: boolean;
}

/** What a reconnect did (the Shopify install's outcome): whether it flipped the store, its full sync, its problems. */
export interface ReconnectOutcome {
  /** False when another request reconnected the store first. */
  reconnected: boolean;
  fullSyncEnqueued: boolean;
  /** What the store-side steps found wrong (missing scopes, webhooks not registered…): the store needs attention. */
  problems: string[];
  /** The store refused the stored access: nothing can be read from it. */
  accessRefused: boolean;
  /**
   * The store was left disconnected (its kept access refused, or the store could not be asked): `problems` says why
   * and what to do.
   */
  withheld: boolean;
  /** Shopify refused the kept access and gave new access during the reconnect: the store came back with it. */
  renewedAccess: boolean;
}

/** AppErrors a reconnect answers on the page (a 404 is thrown on, as for the other intents). */
const RECONNECT_REFUSALS = [
  "reconnect_not_available",
  "shopify_other_shop",
  "integration_not_disconnected",
  "shopify_shop_claimed",
];

const NOT_AVAILABLE: DetailActionResult = {
  ok: false,
  message: "That action is not available.",
  status: 400,
};

export async function runDetailAction(
  deps: {
    db: AppDb;
    queue: JobQueue;
    cleanupStore: DisconnectDeps["cleanupStore"];
    /** Reconnects this page's disconnected store; absent where the page offers no reconnect (WooCommerce pages). */
    reconnect?: () => Promise<ReconnectOutcome>;
  },
  input: { organizationId: string; integrationId: string; actor: string; form: FormData },
): Promise<DetailActionResult> {
  const parsed = detailInput.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) return NOT_AVAILABLE;
  const base = {
    organizationId: input.organizationId,
    integrationId: input.integrationId,
    actor: input.actor,
  };
  if (parsed.data.intent === "sync") {
    const kind = parsed.data.kind;
    try {
      const result = await requestSync({ db: deps.db, queue: deps.queue }, { ...base, kind });
      return {
        ok: true,
        status: 200,
        message: result.queued
          ? `${kind === "full" ? "Full" : "Incremental"} sync queued`
          : result.startsNow
            ? "The sync that was waiting to retry after a failure starts now"
            : "A sync of this store is already waiting to run",
      };
    } catch (error) {
      // A disconnected store: say so on the page (404s and unexpected errors go to the ErrorBoundary).
      if (isAppError(error, "integration_disconnected"))
        return { ok: false, message: error.message, status: 409 };
      throw error;
    }
  }
  if (parsed.data.intent === "schedule") {
    const { interval, window } = parsed.data;
    if (interval === undefined && window === undefined)
      return { ok: false, message: "Nothing to change.", status: 400 };
    const minutes =
      interval === undefined || interval === DEFAULT_CHOICE
        ? interval
        : /^\d{1,5}$/.test(interval)
          ? Number(interval)
          : NaN;
    try {
      await updateSyncSchedule(deps.db, { ...base, interval: minutes, window });
      return { ok: true, status: 200, message: "Automatic syncs saved" };
    } catch (error) {
      if (
        isAppError(error, "invalid_schedule") ||
        isAppError(error, "integration_disconnected") ||
        // Other writes to the store's settings kept landing first (ADR 0056): said on the page, to try again.
        isAppError(error, "settings_write_conflict")
      )
        return { ok: false, message: error.message, status: error.httpStatus };
      throw error;
    }
  }
  if (parsed.data.intent === "reconnect") {
    if (!deps.reconnect) return NOT_AVAILABLE;
    try {
      return reconnectAnswer(await deps.reconnect());
    } catch (error) {
      if (isAppError(error) && RECONNECT_REFUSALS.includes(error.code))
        return { ok: false, message: error.message, status: error.httpStatus };
      throw error;
    }
  }
  const result = await disconnectIntegration(
    { db: deps.db, queue: deps.queue, cleanupStore: deps.cleanupStore },
    { ...base, keepData: parsed.data.keepData === "true" },
  );
  const data =
    result.data === "kept"
      ? "its data was kept"
      : result.data === "deleted"
        ? "its data was deleted"
        : "its data is deleted when the current sync stops";
  const cleanup =
    result.storeCleanup.outcome === "failed"
      ? " Its webhooks are still on the store: see the page for what to do."
      : "";
  return { ok: true, status: 200, disconnected: true, message: `Store disconnected; ${data}.${cleanup}` };
}

/**
 * The page's answer to a reconnect. The install's problems are said, never a healthy message over them: a store left
 * disconnected (its kept access refused) is a failure whose reason says what to do; a refused access after the store
 * was turned on (it was refused in between) too (nothing can be read: the page shows it as an error); other problems
 * (missing scopes, webhooks Shopify refused) leave the store reconnected but needing attention, which the answer and
 * the reloaded page say.
 */
function reconnectAnswer(outcome: ReconnectOutcome): DetailActionResult {
  const problems = outcome.problems.length > 0 ? installProblemsInWords(outcome.problems) : "";
  if (outcome.withheld) return { ok: false, status: 502, message: problems };
  if (outcome.accessRefused)
    return { ok: false, status: 502, message: `The store could not be reconnected. ${problems}` };
  const sync = outcome.fullSyncEnqueued ? "; a full sync started" : "";
  const done = outcome.renewedAccess
    ? `Store reconnected with new access from Shopify, which no longer accepted the access kept since the disconnect${sync}.`
    : outcome.reconnected
      ? `Store reconnected${sync}.`
      : `The store was already reconnected${sync}.`;
  return { ok: true, status: 200, message: problems ? `${done} It needs attention: ${problems}` : done };
}
