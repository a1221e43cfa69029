/**
 * Job handlers: the only layer above the sync engine. Each handler is idempotent (a job may run again after a crash)
 * and turns "cannot succeed" into PermanentJobError so the queue does not retry it for nothing.
 *
 * Concurrency keys used here:
 * - `sync:<integrationId>`: every job that writes a store's data in bulk (full, incremental, reconcile, compliance
 *   purges) and the `npm run sync` CLI. One at a time per integration, on every backend.
 * - `webhook:<integrationId>`: webhook events of one store are processed one at a time, in order of receipt.
 */
import {
  applyDeletions,
  applyRecords,
  findInterruptedRuns,
  runSync,
  SyncAlreadyRunningError,
} from "../sync/engine.server";
import { UnknownPlatformError } from "../sync/sources.server";
import { RESOURCES, type Resource, type SyncKind, type SyncRunSummary } from "../sync/types";
import type { JobQueue, QueueDb } from "./queue.server";
import { DeferJobError, PermanentJobError, describeError, type JobContext, type JobHandlers } from "./types";
import { webhookHandlerFor, type StoredWebhookEvent, type WebhookDecision } from "./webhook-registry.server";
import { complianceHandlers, type ComplianceOperations } from "./compliance-handlers.server";

export { registerWebhookHandler, unregisterWebhookHandler } from "./webhook-registry.server";
export type { WebhookDecision, WebhookHandler, WebhookHandlerContext } from "./webhook-registry.server";

export interface SyncJobPayload {
  integrationId: string;
  resources?: Resource[];
  /** Resume this interrupted run from its checkpoint. */
  runId?: string;
  triggeredBy?: string;
}

export interface WebhookJobPayload {
  webhookEventId: string;
}

export interface ReconcileJobPayload {
  integrationId: string;
}

/** The concurrency key of everything that bulk-writes an integration's data. */
export function syncLockKey(integrationId: string): string {
  return `sync:${integrationId}`;
}

export function webhookLockKey(integrationId: string): string {
  return `webhook:${integrationId}`;
}

/** Retry policy of sync jobs: a failed run is retried a few times, minutes apart (the store may be down). */
const SYNC_RETRY = {
  maxAttempts: 4,
  backoff: { initialDelayMs: 60_000, factor: 4, maxDelayMs: 60 * 60_000 },
};
const WEBHOOK_RETRY = {
  maxAttempts: 6,
  backoff: { initialDelayMs: 5_000, factor: 3, maxDelayMs: 30 * 60_000 },
};

/** Enqueues a full or incremental sync of one integration (deduplicated: one waiting job per kind). */
export function enqueueSync(
  queue: JobQueue,
  integrationId: string,
  options: { full?: boolean; resources?: Resource[]; triggeredBy?: string; runAt?: Date } = {},
) {
  const kind = options.full ? "sync.full" : "sync.incremental";
  const payload: SyncJobPayload = {
    integrationId,
    ...(options.resources ? { resources: options.resources } : {}),
    ...(options.triggeredBy ? { triggeredBy: options.triggeredBy } : {}),
  };
  return queue.enqueue(kind, payload, {
    concurrencyKey: syncLockKey(integrationId),
    // Resource-limited requests get their own key so they never swallow a whole-store request.
    dedupeKey: `${kind}:${integrationId}${options.resources ? `:${[...options.resources].sort().join(",")}` : ""}`,
    runAt: options.runAt,
    ...SYNC_RETRY,
  });
}

/** Enqueues processing of a stored WebhookEvent (call right after inserting it). */
export function enqueueWebhookEvent(queue: JobQueue, event: { id: string; integrationId: string | null }) {
  const payload: WebhookJobPayload = { webhookEventId: event.id };
  return queue.enqueue("webhook.process", payload, {
    ...(event.integrationId ? { concurrencyKey: webhookLockKey(event.integrationId) } : {}),
    dedupeKey: `webhook:${event.id}`,
    ...WEBHOOK_RETRY,
  });
}

export interface HandlerDeps {
  db: QueueDb;
  queue: JobQueue;
  /** Redaction/export operations; defaults to the sync engine's compliance module. */
  compliance?: ComplianceOperations;
  /** How long a sync waits when the engine reports another live run of the same store. */
  busyRetryDelayMs?: number;
}

/** The handlers of every job kind, for `queue.work(createJobHandlers(...), …)`. */
export function createJobHandlers(deps: HandlerDeps): JobHandlers {
  const { db, queue } = deps;
  const busyRetryDelayMs = deps.busyRetryDelayMs ?? 15_000;

  const sync = (kind: SyncKind) => async (payload: SyncJobPayload, ctx: JobContext) => {
    if (!payload?.integrationId) throw new PermanentJobError("The job names no integration.");
    const integration = await db.integration.findUnique({
      where: { id: payload.integrationId },
      select: { id: true, status: true },
    });
    if (!integration) throw new PermanentJobError(`Integration ${payload.integrationId} no longer exists.`);
    if (integration.status === "disconnected") return { skipped: "the store is disconnected" };
    if (payload.runId) {
      const run = await db.syncRun.findUnique({ where: { id: payload.runId }, select: { status: true } });
      // Someone already finished it (or it never existed): nothing to resume.
      if (!run || run.status !== "running")
        return { skipped: `run ${payload.runId} is ${run?.status ?? "gone"}` };
    }
    const resources = payload.resources?.filter((r) => (RESOURCES as readonly string[]).includes(r));
    let summary: SyncRunSummary;
    try {
      summary = await runSync(db, {
        integrationId: payload.integrationId,
        kind,
        ...(resources?.length ? { resources } : {}),
        ...(payload.runId ? { runId: payload.runId } : {}),
        workerId: ctx.workerId,
        signal: ctx.signal,
        triggeredBy: payload.triggeredBy ?? "system",
      });
    } catch (error) {
      if (error instanceof SyncAlreadyRunningError) throw new DeferJobError(error.message, busyRetryDelayMs);
      if (error instanceof UnknownPlatformError) throw new PermanentJobError(error.message);
      throw error;
    }
    if (summary.status === "running") {
      // Stopped for shutdown or a lost lease (a resumable abort): the run kept its checkpoint and is due at once for
      // the interrupted-run scan (worker start, every scheduler tick), which resumes it under the store's lock.
      return { runId: summary.runId, status: "interrupted" };
    }
    if (summary.status === "failed") {
      throw new Error(`Sync run ${summary.runId} failed: ${summary.errorMessage ?? "see the run's errors"}`);
    }
    return { runId: summary.runId, status: summary.status };
  };

  return {
    "sync.full": sync("full") as never,
    "sync.incremental": sync("incremental") as never,
    reconcile: (async (payload: ReconcileJobPayload, ctx: JobContext) =>
      sync("reconcile")({ integrationId: payload.integrationId, triggeredBy: "schedule" }, ctx)) as never,
    "webhook.process": ((payload: WebhookJobPayload) => processWebhookJob(deps, payload)) as never,
    ...complianceHandlers({ db, queue, compliance: deps.compliance }),
  };
}

type WebhookRow = StoredWebhookEvent & { status: string; attempts: number };

/**
 * Processes one webhook event. Events of the same record received earlier and still waiting are applied first, so
 * a job that runs late (retry, deferral) can never apply an older state after a newer one; the engine's newest-wins
 * rule covers the remaining case of an earlier event that failed and is retried later.
 */
export async function processWebhookJob(deps: HandlerDeps, payload: WebhookJobPayload): Promise<unknown> {
  const { db } = deps;
  if (!payload?.webhookEventId) throw new PermanentJobError("The job names no webhook event.");
  const event = await db.webhookEvent.findUnique({ where: { id: payload.webhookEventId } });
  if (!event) throw new PermanentJobError(`Webhook event ${payload.webhookEventId} no longer exists.`);
  if (event.status === "processed" || event.status === "ignored") return { status: event.status };

  if (event.integrationId && event.resourceId) {
    const earlier = await db.webhookEvent.findMany({
      where: {
        integrationId: event.integrationId,
        resourceId: event.resourceId,
        status: { in: ["received", "processing"] },
        id: { not: event.id },
        OR: [
          { receivedAt: { lt: event.receivedAt } },
          { receivedAt: event.receivedAt, id: { lt: event.id } },
        ],
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: 100,
    });
    // Their own jobs will find them processed; a failure here is recorded on the event and retried by its job.
    for (const e of earlier) await applyWebhookEvent(deps, e).catch(() => undefined);
  }
  return applyWebhookEvent(deps, event);
}

async function applyWebhookEvent(
  deps: HandlerDeps,
  event: WebhookRow,
): Promise<{ status: string; reason?: string }> {
  const { db, queue } = deps;
  await db.webhookEvent.update({
    where: { id: event.id },
    data: { status: "processing", attempts: { increment: 1 } },
  });
  const finish = async (status: "processed" | "ignored" | "failed", reason: string | null) => {
    await db.webhookEvent.update({
      where: { id: event.id },
      data: { status, lastError: reason, processedAt: status === "failed" ? null : new Date() },
    });
    return { status, ...(reason ? { reason } : {}) };
  };

  try {
    const integration = event.integrationId
      ? await db.integration.findUnique({
          where: { id: event.integrationId },
          select: { id: true, organizationId: true, platform: true, storeKey: true, status: true },
        })
      : null;
    const handler = webhookHandlerFor(event.platform);
    if (!handler)
      return finish("ignored", `No webhook handler is registered for platform "${event.platform}".`);
    let body: unknown;
    try {
      body = JSON.parse(event.payload);
    } catch {
      return finish("failed", "The webhook body is not valid JSON.");
    }
    const decision: WebhookDecision = await handler({ db, queue, event, integration, body });
    if (decision.action === "ignore") return finish("ignored", decision.reason);
    if (decision.action === "done") return finish("processed", decision.note ?? null);
    if (!integration) return finish("ignored", `No connected store matches ${event.storeKey}.`);
    if (decision.action === "delete") {
      const changed = await applyDeletions(db, {
        integrationId: integration.id,
        resource: decision.resource,
        externalIds: decision.externalIds,
        deletedAt: decision.deletedAt,
      });
      return finish("processed", changed === 0 ? "Nothing to delete (unknown or already deleted)" : null);
    }
    const outcomes = await applyRecords(db, {
      integrationId: integration.id,
      resource: decision.resource,
      remote: decision.remote,
      map: decision.map,
    });
    const failures = outcomes.filter((o) => o.status === "failed");
    if (failures.length > 0) {
      // The record itself was rejected (bad data): retrying the job cannot help, so the event ends failed.
      return finish(
        "failed",
        failures.map((f) => `${f.externalId ?? "record"}: ${"error" in f ? f.error : ""}`).join("; "),
      );
    }
    return finish("processed", null);
  } catch (error) {
    await finish("failed", describeError(error));
    throw error;
  }
}

/**
 * Re-enqueues runs left `running` by a dead worker as resume jobs under the integration's sync lock (so a resume
 * never races a new sync of the same store). Called at worker start and on every scheduler tick; idempotent.
 */
export async function enqueueInterruptedRuns(
  db: QueueDb,
  queue: JobQueue,
  options: { staleAfterMs?: number; now?: Date } = {},
): Promise<string[]> {
  const runs = await findInterruptedRuns(db, options);
  const enqueued: string[] = [];
  for (const run of runs) {
    const row = await db.syncRun.findUnique({ where: { id: run.id }, select: { kind: true } });
    const payload: SyncJobPayload = {
      integrationId: run.integrationId,
      runId: run.id,
      triggeredBy: "resume",
    };
    const result = await queue.enqueue(row?.kind === "full" ? "sync.full" : "sync.incremental", payload, {
      concurrencyKey: syncLockKey(run.integrationId),
      dedupeKey: `resume:${run.id}`,
      ...SYNC_RETRY,
    });
    if (result.created) enqueued.push(run.id);
  }
  return enqueued;
}
