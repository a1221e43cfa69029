/**
 * What the job queue says about the stores a page or the API shows, for their status (display-status.ts): their
 * failed sync jobs, their waiting syncs, and work no worker picks up. Split from integrations-view.server.ts, which
 * re-exports it.
 */
import { loadEnv } from "../env.server";
import { integrationOfLockKey } from "../jobs/enqueue.server";
import type { JobQueue } from "../jobs/queue.server";
import { scheduleDefaultsFrom, type ScheduleDefaults } from "../jobs/schedule";
import { JOB_KINDS } from "../jobs/types";
import type { AppDb } from "../sync/platform";
import { WAITING_GRACE_MS, type FailedJobNotice, type WaitingJobNotice } from "./display-status";

/** What the queue says about the stores, for their status (`jobNotices`). */
export interface JobNotices {
  failedJobs?: FailedJobNotice[];
  waitingJobs?: WaitingJobNotice[];
  queuedSyncs?: QueuedSyncNotice[];
}

/** A sync of a store waiting in the queue: new, or a failed attempt's retry waiting out its backoff. */
export interface QueuedSyncNotice {
  integrationId: string;
  kind: string;
  runAt: Date;
}

/** The stores a page or the API shows: the organization's, or the one of them a store page shows. */
export interface ShownStores {
  db: AppDb;
  organizationId: string;
  /** A store page's store (ignored unless it is the organization's). */
  integrationId?: string;
}

/**
 * The queue's notices and the deployment's schedule defaults, for a page or the API showing stores' status (pass it
 * to listIntegrations / getIntegration).
 */
export async function statusContext(
  queue: Pick<JobQueue, "failedJobs" | "listJobs">,
  shown: ShownStores,
): Promise<Required<JobNotices> & { scheduleDefaults: ScheduleDefaults }> {
  return { ...(await shownStoresNotices(queue, shown)), scheduleDefaults: scheduleDefaultsFrom(loadEnv()) };
}

/**
 * `jobNotices` for the stores shown: only the organization's stores' jobs are read (a store page naming another
 * organization's store reads none).
 */
export async function shownStoresNotices(
  queue: Pick<JobQueue, "failedJobs" | "listJobs">,
  shown: ShownStores,
): Promise<Required<JobNotices>> {
  const stores = await shown.db.integration.findMany({
    where: {
      organizationId: shown.organizationId,
      ...(shown.integrationId === undefined ? {} : { id: shown.integrationId }),
    },
    select: { id: true },
  });
  const ids = stores.map((s) => s.id);
  return jobNotices(queue, ids);
}

/**
 * The store a job works for: its payload's integration, or its concurrency key's (webhook jobs). The queue's
 * `integrationIds` filter (app/jobs/backend.ts) selects jobs by the same rule.
 */
function jobIntegrationId(job: { payload: unknown; concurrencyKey?: string | null }): string | null {
  const id = (job.payload as { integrationId?: unknown } | null)?.integrationId;
  return typeof id === "string" ? id : integrationOfLockKey(job.concurrencyKey);
}

/**
 * The queue's notices for the status of the stores `integrationIds` (those a page or the API shows): their failed
 * sync jobs, their waiting syncs, and their jobs due for more than WAITING_GRACE_MS that no worker picked up while
 * nothing ran at all (a worker that is alive but busy, or waiting on a store's lock, always has a job running).
 *
 * Only these stores' jobs are read (the queue filters them), so the limits below count their jobs alone: other
 * organizations' failures or waiting work, however much, never push theirs out of sight (the stores shown together
 * still share the limits).
 */
export async function jobNotices(
  queue: Pick<JobQueue, "failedJobs" | "listJobs">,
  integrationIds: readonly string[],
  now: Date = new Date(),
): Promise<Required<JobNotices>> {
  const ids = [...integrationIds];
  if (ids.length === 0) return { failedJobs: [], waitingJobs: [], queuedSyncs: [] };
  // Only sync jobs' failures are notices: only they count against the limit.
  const failedJobs = failedJobNotices(
    await queue.failedJobs(50, { integrationIds: ids, kinds: SYNC_JOB_KINDS_LISTED }),
  );
  const queued = await queue.listJobs({ status: "queued", integrationIds: ids, limit: 500 });
  const queuedSyncs = queued.flatMap((j) => {
    const integrationId = jobIntegrationId(j);
    return integrationId && SYNC_JOB.test(j.kind) ? [{ integrationId, kind: j.kind, runAt: j.runAt }] : [];
  });
  const overdue = queued.filter((j) => j.runAt.getTime() <= now.getTime() - WAITING_GRACE_MS);
  if (overdue.length === 0) return { failedJobs, waitingJobs: [], queuedSyncs };
  // Whether a worker is alive is about the workers, not these stores: the newest 50 running jobs of the whole queue
  // are read, whoever they work for, and only whether one holds a live lease is used (no store's data is shown). A
  // job whose lease ran out was left by a worker that stopped: it proves no worker is alive. Such jobs are few (a
  // live worker, or pg-boss's maintenance, takes them back), so the newest 50 are enough to find a live lease.
  const running = await queue.listJobs({ status: "running", limit: 50 });
  if (running.some((j) => !j.leaseExpiresAt || j.leaseExpiresAt.getTime() > now.getTime())) {
    return { failedJobs, waitingJobs: [], queuedSyncs };
  }
  const waitingJobs = overdue.flatMap((j) => {
    const integrationId = jobIntegrationId(j);
    return integrationId ? [{ integrationId, kind: j.kind, dueAt: j.runAt }] : [];
  });
  return { failedJobs, waitingJobs, queuedSyncs };
}

/** Job kinds that sync a store (full, incremental, the scheduled reconcile). */
const SYNC_JOB = /^(sync\.|reconcile)/;
const SYNC_JOB_KINDS_LISTED: string[] = JOB_KINDS.filter((kind) => SYNC_JOB.test(kind));

/**
 * Failed sync jobs of the queue that name an integration, as status notices. A job's store is read as the queue's
 * `integrationIds` filter selects it (`jobIntegrationId`): its payload's, else its concurrency key's. Each carries its
 * error's code as the queue recorded it (both backends), so the status says what the failure was.
 */
export function failedJobNotices(
  jobs: Array<{
    kind: string;
    payload: unknown;
    concurrencyKey?: string | null;
    lastError: string | null;
    lastErrorCode?: string | null;
    finishedAt: Date | null;
  }>,
): FailedJobNotice[] {
  const notices: FailedJobNotice[] = [];
  for (const job of jobs) {
    const integrationId = jobIntegrationId(job);
    if (integrationId === null || !SYNC_JOB.test(job.kind)) continue;
    notices.push({
      integrationId,
      kind: job.kind,
      error: job.lastError,
      errorCode: job.lastErrorCode ?? null,
      finishedAt: job.finishedAt,
    });
  }
  return notices;
}
