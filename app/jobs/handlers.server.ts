/**
 * Job handlers: the only layer above the sync engine. Each handler is idempotent (a job may run again after a crash)
 * and turns "cannot succeed" into PermanentJobError so the queue does not retry it for nothing. Lock, dedupe and
 * retry policies live in enqueue.server.ts.
 */
import type { AppDb } from "../db/client.server";
import type { Logger } from "../lib/logger";
import { runSync } from "../sync/engine.server";
import { errorMessage, SyncAlreadyRunningError } from "../sync/errors";
import type { Platforms } from "../sync/platform";
import { findInterruptedRuns } from "../sync/run-records.server";
import { RESOURCES, type Resource, type SyncKind, type SyncRunSummary } from "../sync/types";
import { complianceHandlers, type ComplianceOperations } from "./compliance-handlers.server";
import { isPermanentFailure } from "./enqueue.server";
import type { JobQueue } from "./queue.server";
import { flagWebhookProblems, maintainWebhooks, problemsToFlag } from "./reconcile.server";
import {
  DeferJobError,
  PermanentJobError,
  type JobContext,
  type JobHandlers,
  type SyncJobPayload,
} from "./types";
import { drainWebhookEvents } from "./webhook-drain.server";
import { processWebhookJob } from "./webhook-job.server";

/** What the handlers need, passed once by the job runtime (or a test). */
export interface JobDeps {
  db: AppDb;
  queue: JobQueue;
  platforms: Platforms;
  /** Where customer data exports are written (DATA_EXPORT_DIR). */
  exportDir: string;
  logger?: Logger;
  /** Redaction/export operations; defaults to the sync engine's compliance module. */
  compliance?: ComplianceOperations;
  /** How long a sync waits when the engine reports another live run of the same store. */
  busyRetryDelayMs?: number;
}

type SyncOutcome = { runId: string; status: string } | { skipped: string };

/** The handlers of every job kind, for `queue.work(createJobHandlers(...), …)`. */
export function createJobHandlers(deps: JobDeps): JobHandlers {
  return {
    "sync.full": (payload, ctx) => runSyncJob(deps, "full", payload, ctx),
    "sync.incremental": (payload, ctx) => runSyncJob(deps, "incremental", payload, ctx),
    reconcile: (payload, ctx) => runReconcileJob(deps, payload, ctx),
    "webhook.process": (payload, ctx) => processWebhookJob(deps, payload, ctx),
    "webhook.drain": (payload, ctx) => drainWebhookEvents(deps, payload, ctx),
    ...complianceHandlers({ ...deps, emailDigestKeys: deps.platforms.emailDigestKeys }),
  };
}

/** One sync run through the engine, with the integration's platform building the source. */
async function runSyncJob(
  deps: JobDeps,
  kind: SyncKind,
  payload: SyncJobPayload,
  ctx: JobContext,
): Promise<SyncOutcome> {
  const { db } = deps;
  if (!payload?.integrationId) throw new PermanentJobError("The job names no integration.");
  const integration = await db.integration.findUnique({
    where: { id: payload.integrationId },
    select: { id: true, status: true },
  });
  if (!integration) throw new PermanentJobError(`Integration ${payload.integrationId} no longer exists.`);
  if (integration.status === "disconnected") return { skipped: "the store is disconnected" };
  if (!payload.runId && ctx.attempt > 1) {
    // This job is running again after its worker died (its lease expired): the run its first attempt opened was
    // left `running`. Resume that run rather than read the whole store a second time.
    // Of this store's interrupted runs, the newest one of this job's kind (another kind's run — e.g. an older
    // interrupted incremental — is resumed by its own job or the interrupted-run scan).
    const interrupted = (await findInterruptedRuns(db, {})).filter(
      (r) => r.integrationId === payload.integrationId,
    );
    const mine = interrupted.length
      ? await db.syncRun.findFirst({
          where: { id: { in: interrupted.map((r) => r.id) }, kind },
          orderBy: { startedAt: "desc" },
          select: { id: true },
        })
      : null;
    if (mine) payload = { ...payload, runId: mine.id };
  }
  if (payload.runId) {
    const run = await db.syncRun.findUnique({ where: { id: payload.runId }, select: { status: true } });
    // Someone already finished it (or it never existed): nothing to resume.
    if (!run || run.status !== "running")
      return { skipped: `run ${payload.runId} is ${run?.status ?? "gone"}` };
  }
  const resources = payload.resources?.filter((r): r is Resource =>
    (RESOURCES as readonly string[]).includes(r),
  );
  let summary: SyncRunSummary;
  try {
    summary = await runSync(db, {
      integrationId: payload.integrationId,
      kind,
      ...(resources?.length ? { resources } : {}),
      ...(payload.runId ? { runId: payload.runId } : {}),
      sources: deps.platforms,
      workerId: ctx.workerId,
      signal: ctx.signal,
      triggeredBy: payload.triggeredBy ?? "system",
    });
  } catch (error) {
    if (error instanceof SyncAlreadyRunningError)
      throw new DeferJobError(error.message, deps.busyRetryDelayMs ?? 15_000);
    if (isPermanentFailure(error)) throw new PermanentJobError(errorMessage(error), { cause: error });
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
}

/**
 * The scheduled reconcile: webhook maintenance first (a deleted subscription is recreated before the sync reads
 * what it missed), then an incremental sync; maintenance problems are flagged on the integration afterwards.
 */
async function runReconcileJob(deps: JobDeps, payload: SyncJobPayload, ctx: JobContext): Promise<unknown> {
  const { db } = deps;
  if (!payload?.integrationId) throw new PermanentJobError("The job names no integration.");
  const integration = await db.integration.findUnique({ where: { id: payload.integrationId } });
  const report = integration && !payload.runId ? await maintainWebhooks(deps, integration, ctx.signal) : null;
  try {
    const outcome = await runSyncJob(
      deps,
      "reconcile",
      { ...payload, triggeredBy: payload.triggeredBy ?? "schedule" },
      ctx,
    );
    return report
      ? { ...outcome, webhooks: { repaired: report.repaired.length, problems: report.problems } }
      : outcome;
  } finally {
    if (report)
      await flagWebhookProblems(db, payload.integrationId, problemsToFlag(report), report.problemCodes);
  }
}
