/**
 * The store detail page's actions, shared by the embedded app and the WooCommerce owner's pages: "Sync now" / "Full
 * re-sync" (`intent=sync&kind=incremental|full`), the store's automatic syncs (`intent=schedule&interval=…&window=…`)
 * and Disconnect (`intent=disconnect&keepData=true|false`). The
 * answer is a merchant-readable message; a 404 (another organization's store) is thrown as the AppError it is.
 */
import { z } from "zod";
import type { JobQueue } from "../jobs/queue.server";
import { isAppError } from "../lib/errors";
import type { AppDb } from "../sync/platform";
import { disconnectIntegration, type DisconnectDeps } from "./disconnect.server";
import { requestSync } from "./sync-request.server";
import { DEFAULT_CHOICE, updateSyncSchedule } from "./sync-schedule.server";

const detailInput = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sync"), kind: z.enum(["full", "incremental"]) }),
  z.object({ intent: z.literal("disconnect"), keepData: z.enum(["true", "false"]) }),
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

export async function runDetailAction(
  deps: { db: AppDb; queue: JobQueue; cleanupStore: DisconnectDeps["cleanupStore"] },
  input: { organizationId: string; integrationId: string; actor: string; form: FormData },
): Promise<DetailActionResult> {
  const parsed = detailInput.safeParse(Object.fromEntries(input.form));
  if (!parsed.success) return { ok: false, message: "That action is not available.", status: 400 };
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
          ? `${kind === "full" ? "Full" : "Incremental"} sync started`
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
