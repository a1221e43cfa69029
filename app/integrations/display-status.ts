/**
 * The status a merchant sees for a store, from the facts: the stored status, the runs, and what the queue says. It
 * never looks healthier than the facts (a failed or partial last run, a job that failed before it ran, a run whose
 * worker stopped, work no worker picks up), and never worse than them either: a failure from before the store's
 * access came back (`settings.accessRestoredAt`) no longer describes it.
 */
import { settingsObject } from "../jobs/schedule";
import { statusCodeCause, type AttentionCause } from "../lib/attention-cause";
import { withoutRetryNote } from "../lib/errors";
import { utcDateTime } from "../lib/utc-time";
import { unreachableProblemIn } from "../platforms/woocommerce/webhook-pings.server";
import type { SyncRunView } from "./sync-runs.server";

export type DisplayStatus = "connected" | "syncing" | "needs_attention" | "disconnected";

export type { AttentionCause };

/**
 * A job of a store that has been due for a while (WAITING_GRACE_MS) and that no worker picked up, while no job ran
 * anywhere: no worker is running jobs (a separate `npm run worker` that is not running, or one that died).
 */
export interface WaitingJobNotice {
  integrationId: string;
  kind: string;
  dueAt: Date;
}

/** How long a due job may wait, with nothing running, before the store says no worker runs jobs. */
export const WAITING_GRACE_MS = 3 * 60_000;

/** A job that failed for an integration (from the queue), for the status shown. */
export interface FailedJobNotice {
  integrationId: string;
  kind: string;
  error: string | null;
  /**
   * The stable code of the job's error as the queue recorded it (JobInfo.lastErrorCode, both backends): null when the
   * error had none or the job failed before codes were kept.
   */
  errorCode?: string | null;
  finishedAt: Date | null;
}

/** What the status reads of the integration row. */
export interface StatusFacts {
  status: string;
  statusReason: string | null;
  /** `Integration.statusCode`: the stable code of `statusReason` (null before the column existed). */
  statusCode?: string | null;
  /** The last webhook maintenance's report (`Integration.webhookHealth`). */
  webhookHealth?: unknown;
  /** `Integration.settings`: `accessRestoredAt` (ISO) is when the store's access last came back. */
  settings?: unknown;
}

/**
 * When the store's access last came back, or null: a Shopify shop reopened the app after its token was refused, or
 * was installed again (recorded by the install, app/integrations/shopify-install.server.ts); a WooCommerce store that
 * needed attention or was disconnected accepted a new key (the connect page, the key approval, the integrations API:
 * app/integrations/woocommerce-connect.server.ts).
 */
export function accessRestoredAt(settings: unknown): Date | null {
  const value = settingsObject(settings).accessRestoredAt;
  const at = typeof value === "string" ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}

/** What really comes next for a store, for a status reason that promised "Commerce Sync will try again later." */
export interface NextAttempt {
  now: Date;
  /** When the store's earliest queued sync runs (a failed sync's retry waiting out its backoff, a Sync now…). */
  queuedSyncAt: Date | null;
  /** When the next scheduled check is due; null when automatic checks are off for the store. */
  nextCheckAt: Date | null;
  /** The reason is read on the store's own page, where "Sync now" is. */
  onStorePage: boolean;
}

/** The sentence that replaces the retry note: the queued sync, else the next scheduled check, else Sync now. */
export function nextAttemptSentence(next: NextAttempt): string {
  if (next.queuedSyncAt) {
    return next.queuedSyncAt.getTime() <= next.now.getTime()
      ? "A sync is queued to try again now."
      : `Commerce Sync tries again at ${utcDateTime(next.queuedSyncAt)}.`;
  }
  if (next.nextCheckAt)
    return `Commerce Sync tries again at the next scheduled check, ${utcDateTime(next.nextCheckAt)}.`;
  return `Automatic syncs are off for this store, so nothing tries again on its own: use Sync now${next.onStorePage ? "" : " on the store's page"}.`;
}

/**
 * What a job does, as a status reason opens with it; `plural` for the store's webhook deliveries, which wait as one
 * drain job ("Changes sent by the store have").
 */
const JOB_WORK: Record<string, { what: string; plural?: true }> = {
  "sync.full": { what: "A full sync" },
  "sync.incremental": { what: "A sync" },
  reconcile: { what: "A scheduled check for changes" },
  "webhook.process": { what: "A change sent by the store" },
  "webhook.drain": { what: "Changes sent by the store", plural: true },
};

/**
 * The reason for a sync job the queue failed because the worker running it stopped on its last attempt (its error's
 * code `job_worker_lost`): nothing retries it, Sync now runs it again, and a worker that keeps stopping is for whoever
 * runs Commerce Sync to look at. Reconnecting cannot help and is not suggested.
 */
export function workerLostReason(kind: string): string {
  return (
    `${JOB_WORK[kind]?.what ?? "A sync"} stopped before it finished: the background worker running it stopped (it crashed, ` +
    "was killed or ran out of memory) and it had no attempts left. Use Sync now to run it again. If syncs keep " +
    "stopping, whoever runs Commerce Sync should check that the worker runs and stays up (npm run worker, or the " +
    "web app with RUN_JOBS_IN_PROCESS=true) and has enough memory."
  );
}

/**
 * The status a merchant sees. Order of precedence: disconnected; a live run (syncing); a run whose worker stopped;
 * work no worker picks up; the stored needs_attention; a failed last run; a failed job newer than the last finished
 * run; a partial last run; connected.
 */
export function displayStatus(
  row: StatusFacts,
  activeRun: SyncRunView | null,
  lastRun: SyncRunView | null,
  failedJob: FailedJobNotice | null,
  waitingJob: WaitingJobNotice | null = null,
  stalledRun: SyncRunView | null = null,
  next: NextAttempt | null = null,
): Shown {
  const shown = statusOf(row, activeRun, lastRun, failedJob, waitingJob, stalledRun);
  // A store failure that may pass ends "Commerce Sync will try again later.": say when, as things stand (a failed
  // sync's job is retried a few times, minutes apart; a partial one is not: the next scheduled check reads again).
  if (!next || !shown.statusReason) return shown;
  const { text, hadNote } = withoutRetryNote(shown.statusReason);
  return hadNote ? { ...shown, statusReason: `${text} ${nextAttemptSentence(next)}` } : shown;
}

/** The status with its reason and, when it needs attention, why (`AttentionCause`). */
export interface Shown {
  status: DisplayStatus;
  statusReason: string | null;
  attentionCause: AttentionCause | null;
}

function statusOf(
  row: StatusFacts,
  activeRun: SyncRunView | null,
  lastRun: SyncRunView | null,
  failedJob: FailedJobNotice | null,
  waitingJob: WaitingJobNotice | null,
  stalledRun: SyncRunView | null,
): Shown {
  if (row.status === "disconnected")
    return { status: "disconnected", statusReason: row.statusReason, attentionCause: null };
  // What failed while the store's access was gone says nothing about it now (its catch-up sync is queued).
  const restoredAt = accessRestoredAt(row.settings)?.getTime() ?? null;
  const beforeRestore = (at: string | Date | null | undefined) =>
    restoredAt !== null && !!at && new Date(at).getTime() <= restoredAt;
  if (lastRun && lastRun.status !== "succeeded" && beforeRestore(lastRun.finishedAt)) lastRun = null;
  if (failedJob && beforeRestore(failedJob.finishedAt)) failedJob = null;
  if (activeRun) return { status: "syncing", statusReason: null, attentionCause: null };
  // A stopped run a newer finished run has superseded says nothing about the store now.
  if (stalledRun && !(lastRun && lastRun.startedAt > stalledRun.startedAt)) {
    const started = utcDateTime(stalledRun.startedAt);
    return {
      status: "needs_attention",
      statusReason:
        `The sync started ${started} stopped before it finished (its worker stopped, or lost the database) and ` +
        "has not resumed yet. It carries on from where it stopped when a worker picks it up; if this lasts, check " +
        "that a worker runs (npm run worker, or the web app with RUN_JOBS_IN_PROCESS=true).",
      attentionCause: "worker_stopped",
    };
  }
  if (waitingJob) {
    const work = JOB_WORK[waitingJob.kind];
    const what = work ? `${work.what} ${work.plural ? "have" : "has"}` : "A data-protection request has";
    const since = utcDateTime(waitingJob.dueAt);
    return {
      status: "needs_attention",
      statusReason:
        `${what} been waiting since ${since} and no background worker is running jobs, so nothing syncs. ` +
        "Whoever runs Commerce Sync: start the worker (npm run worker), or set RUN_JOBS_IN_PROCESS=true on the web app.",
      attentionCause: "no_worker",
    };
  }
  if (row.status === "needs_attention")
    return {
      status: "needs_attention",
      statusReason: row.statusReason ?? "The last sync could not finish.",
      // The code stored with the reason says what it was. A row flagged before the column existed has none: its
      // reason is the last run's failure when it is that run's message, and that run's code says what it was.
      attentionCause: statusCodeCause(
        row.statusCode ??
          (lastRun && lastRun.errorMessage !== null && lastRun.errorMessage === row.statusReason
            ? lastRun.failureCode
            : null),
      ),
    };
  // Webhooks the store cannot deliver: a sync that succeeded since does not make them work.
  const unreachable = unreachableProblemIn(row.webhookHealth);
  if (unreachable)
    return { status: "needs_attention", statusReason: unreachable, attentionCause: "webhooks_unreachable" };
  if (lastRun?.status === "failed")
    return {
      status: "needs_attention",
      statusReason: `The last sync failed: ${lastRun.errorMessage ?? "see its errors in the sync history."}`,
      attentionCause: statusCodeCause(lastRun.failureCode),
    };
  const lastFinishedAt = lastRun?.finishedAt ? new Date(lastRun.finishedAt).getTime() : 0;
  if (failedJob && (failedJob.finishedAt?.getTime() ?? Date.now()) > lastFinishedAt) {
    const attentionCause = statusCodeCause(failedJob.errorCode);
    // It ran, and what ended it was the worker, not the store: say so, and what helps (the queue's words are not
    // for merchants, and pg-boss's are its own).
    if (attentionCause === "worker_stopped")
      return { status: "needs_attention", statusReason: workerLostReason(failedJob.kind), attentionCause };
    return {
      status: "needs_attention",
      statusReason: `A scheduled ${failedJob.kind.replace(/^sync\./, "")} sync failed before it could run: ${failedJob.error ?? "unknown error"}`,
      // The job's error code when the queue recorded one; else not known, so the store's (Reconnect offered).
      attentionCause,
    };
  }
  if (lastRun?.status === "partial")
    return {
      status: "needs_attention",
      statusReason:
        lastRun.failed > 0
          ? `The last sync skipped ${lastRun.failed.toLocaleString("en-US")} record(s) it could not save.`
          : `The last sync could not read everything: ${lastRun.resources.find((r) => r.error)?.error ?? "see the sync history."}`,
      attentionCause: lastRun.failed > 0 ? "records_skipped" : statusCodeCause(lastRun.failureCode),
    };
  return { status: "connected", statusReason: null, attentionCause: null };
}
