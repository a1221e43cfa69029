/**
 * Disconnecting a store, whoever asks (the embedded app, the integrations API, a WooCommerce owner's standalone
 * page): store-side cleanup through the platform (its webhooks), credentials forgotten, the integration marked
 * `disconnected`, synced data kept or deleted as the person chose, one audit entry.
 *
 * The platform cleanup runs first because it needs the store access (the row's credentials for WooCommerce, the
 * shop's offline session for Shopify); it is best effort (a dead store or revoked key must not keep a merchant
 * connected): a platform throws when it could not clean up, and the outcome (done or failed, with why) is recorded;
 * it gets `STORE_CLEANUP_DEADLINE_MS`, since a person is waiting and a slow store's retries would take minutes. Deleting the data goes through the compliance
 * purge under the integration's sync lock, so it never interleaves with a sync page that could write rows back: when
 * a sync holds the lock, the purge is queued behind it as a `compliance.shop_redact` job.
 */
import { enqueueCompliance, syncLockKey } from "../jobs/enqueue.server";
import type { JobQueue } from "../jobs/queue.server";
import { AppError, oneOffMessage } from "../lib/errors";
import { purgeIntegrationData } from "../sync/compliance.server";
import type { AppDb, IntegrationRow, Platforms } from "../sync/platform";

export interface DisconnectDeps {
  db: AppDb;
  /** Without a queue the purge runs at once (CLI, tests); with one it waits for a running sync. */
  queue?: JobQueue;
  /**
   * Removes what the app created on the store (the platform's `disconnect`, e.g. its webhooks), with the
   * integration's credentials still in place. Absent for platforms with nothing to clean up. `signal` aborts at the
   * cleanup's deadline.
   */
  cleanupStore?: (integration: IntegrationRow, signal: AbortSignal) => Promise<void>;
  /** How long the store cleanup may take before the disconnect goes on without it (default `STORE_CLEANUP_DEADLINE_MS`). */
  cleanupDeadlineMs?: number;
}

/**
 * A person waits for the disconnect (a page's modal, an API call), and the store's client retries a dead or slow store
 * for minutes (5 attempts of up to 30 s, Retry-After up to 2 min): the cleanup gets this long, then the disconnect
 * goes on and says the store's webhooks must be removed by hand.
 */
export const STORE_CLEANUP_DEADLINE_MS = 15_000;

export interface DisconnectInput {
  organizationId: string;
  integrationId: string;
  /** True keeps contacts, orders and products; false deletes what only this store fed. */
  keepData: boolean;
  /** Who asked, for the audit trail: "merchant:<shop>", "api-token:<id>", "woo-owner:<id>". */
  actor: string;
}

export interface DisconnectResult {
  integrationId: string;
  status: "disconnected";
  /** "kept"; "deleted" (done now); "deletion_queued" (runs when the current sync stops). */
  data: "kept" | "deleted" | "deletion_queued";
  /** Store-side cleanup: done, skipped (nothing to clean or already disconnected) or failed with its reason. */
  storeCleanup: { outcome: "done" | "skipped" | "failed"; message?: string };
  /** True when the integration was already disconnected (the call still applies a data deletion). */
  alreadyDisconnected: boolean;
}

/** Raised for an integration that does not exist or belongs to another organization (both look the same). */
export class IntegrationNotFoundError extends AppError {
  constructor() {
    super("integration_not_found", "No integration with this id exists in your organization.", {
      httpStatus: 404,
    });
  }
}

/**
 * Store-side cleanup through the integration's platform module (`StorePlatform.disconnect`, e.g. deleting the app's
 * webhooks), with the credentials opened by `Platforms`. Nothing to do for a platform without one.
 */
export function platformCleanup(
  platforms: Platforms,
  db: AppDb,
): NonNullable<DisconnectDeps["cleanupStore"]> {
  return async (integration, signal) => {
    if (!platforms.has(integration.platform)) return;
    const module = platforms.get(integration.platform);
    if (!module.disconnect) return;
    const ctx = await platforms.contextFor(db, integration);
    try {
      await module.disconnect(ctx, signal);
    } finally {
      await ctx.close();
    }
  };
}

/**
 * Disconnects one integration of one organization. Another organization's integration is reported as not found.
 * Idempotent: a second call changes nothing but may still delete the data when asked.
 */
export async function disconnectIntegration(
  deps: DisconnectDeps,
  input: DisconnectInput,
): Promise<DisconnectResult> {
  const { db } = deps;
  const integration = await db.integration.findFirst({
    where: { id: input.integrationId, organizationId: input.organizationId },
  });
  if (!integration) throw new IntegrationNotFoundError();
  const alreadyDisconnected = integration.status === "disconnected";

  const storeCleanup = await cleanUpStore(deps, integration, alreadyDisconnected);
  const left =
    storeCleanup.outcome === "failed"
      ? ` ${cleanupFailedNote(integration.platform, storeCleanup.message)}`
      : "";
  // The store's page keeps saying what was left on the store: a toast is gone before anyone acts on it.
  const reason = input.keepData
    ? `Disconnected. Synced contacts, orders and products were kept.${left}`
    : `Disconnected. Synced data from this store is deleted.${left}`;
  await db.$transaction([
    db.integration.update({
      where: { id: integration.id },
      data: {
        status: "disconnected",
        statusReason: reason,
        statusCode: null,
        credentials: null,
        webhookSecret: null,
        ...(alreadyDisconnected ? {} : { disconnectedAt: new Date() }),
      },
    }),
    db.auditLog.create({
      data: {
        organizationId: integration.organizationId,
        integrationId: integration.id,
        actor: input.actor,
        action: "integration.disconnected",
        detail: {
          platform: integration.platform,
          keepData: input.keepData,
          storeCleanup: storeCleanup.outcome,
          ...(storeCleanup.message ? { storeCleanupMessage: storeCleanup.message } : {}),
          alreadyDisconnected,
        },
      },
    }),
  ]);

  const data = input.keepData ? "kept" : await deleteSyncedData(deps, integration.id, input.actor);
  return { integrationId: integration.id, status: "disconnected", data, storeCleanup, alreadyDisconnected };
}

/** What is left on a store whose cleanup failed, and how its owner removes it (said after the disconnect). */
export function cleanupFailedNote(platform: string, message: string | undefined): string {
  const how =
    platform === "woocommerce"
      ? "Delete them in WooCommerce → Settings → Advanced → Webhooks (their names start with “Commerce Sync”)."
      : "Uninstalling Commerce Sync from the store’s admin removes them.";
  const why = (message ?? "the store did not answer").trim();
  const sentence = `${why.charAt(0).toUpperCase()}${why.slice(1)}${/[.!?]$/.test(why) ? "" : "."}`;
  return `Commerce Sync’s webhooks are still on the store: removing them failed. ${sentence} ${how}`;
}

async function cleanUpStore(
  deps: DisconnectDeps,
  integration: IntegrationRow,
  alreadyDisconnected: boolean,
): Promise<DisconnectResult["storeCleanup"]> {
  // Credentials are not looked at here: a Shopify store's token lives in the session table, not on the row, and
  // the platform module knows where its own access is.
  if (alreadyDisconnected || !deps.cleanupStore) return { outcome: "skipped" };
  const deadlineMs = deps.cleanupDeadlineMs ?? STORE_CLEANUP_DEADLINE_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const took = deadlineMs >= 1_000 ? `${Math.round(deadlineMs / 1_000)} s` : `${deadlineMs} ms`;
      const error = new Error(`the store did not answer within ${took}`);
      controller.abort(error);
      reject(error);
    }, deadlineMs);
  });
  const cleanup = deps.cleanupStore(integration, controller.signal);
  try {
    // The race also ends a cleanup that does not watch its signal; it then finishes (or fails) unobserved.
    await Promise.race([cleanup, deadline]);
    return { outcome: "done" };
  } catch (error) {
    // Never blocks the disconnect: the person asked to stop, and a store that cannot be reached has nothing to clean.
    // Nothing tries the cleanup again once the store is disconnected: no "will try again later".
    return { outcome: "failed", message: oneOffMessage(error).slice(0, 300) };
  } finally {
    clearTimeout(timer);
    cleanup.catch(() => undefined);
  }
}

async function deleteSyncedData(
  deps: DisconnectDeps,
  integrationId: string,
  actor: string,
): Promise<"deleted" | "deletion_queued"> {
  const { db, queue } = deps;
  if (!queue) {
    await purgeIntegrationData(db, integrationId, { actor });
    return "deleted";
  }
  const lock = await queue.acquireLock(syncLockKey(integrationId), `disconnect:${integrationId}`);
  if (!lock) {
    await enqueueCompliance(
      queue,
      "compliance.shop_redact",
      { integrationId, actor },
      { dedupeKey: `disconnect-purge:${integrationId}` },
    );
    return "deletion_queued";
  }
  try {
    await purgeIntegrationData(db, integrationId, { actor });
    return "deleted";
  } finally {
    await lock.release();
  }
}
