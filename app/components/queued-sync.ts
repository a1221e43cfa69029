/**
 * A store's sync that waits in the queue, as its page shows it: "Sync now" and "Full re-sync" queue a job that a
 * worker picks up (at once in the web process, within a second or so with `npm run worker`, never when no worker
 * runs). Until a run starts, the page says what waits and since when, and keeps polling so it sees the run start
 * (and, when no worker takes it, the status that says so).
 */
import type { AttentionCause } from "../lib/attention-cause";
import { utcDateTime } from "../lib/utc-time";

export interface QueuedSyncView {
  kind: string;
  /** ISO time the job is due. */
  runAt: string;
}

/** A queued sync that is due: not a failed sync's retry still waiting out its backoff. */
function isDue(queuedSync: QueuedSyncView, nowMs: number): boolean {
  return Date.parse(queuedSync.runAt) <= nowMs;
}

/**
 * Whether the store page polls its live progress: a sync runs, the first sync waits, or a due sync waits (Sync now,
 * a scheduled check). A retry due minutes from now is not polled for; the status reason says when it runs.
 */
export function followsLiveProgress(
  live: { activeRun: unknown; queuedSync: QueuedSyncView | null; lastRun: unknown },
  nowMs: number,
): boolean {
  if (live.activeRun) return true;
  if (!live.queuedSync) return false;
  return !live.lastRun || isDue(live.queuedSync, nowMs);
}

/** How often the page polls while a sync runs or a due one waits. */
export const PROGRESS_POLL_MS = 1_000;
/**
 * How often the page checks again while what it shows waits on a worker (a run whose worker stopped, work no worker
 * picks up): nothing moves until someone starts one, but the page should turn healthy on its own when it does.
 */
export const WORKER_WAIT_POLL_MS = 10_000;

/**
 * How often the store page polls its live progress, or null when nothing it shows is pending: every second while a
 * sync runs or a due one waits (`followsLiveProgress`), every WORKER_WAIT_POLL_MS while the status says a run's
 * worker stopped or no worker runs jobs.
 */
export function liveProgressInterval(
  live: {
    activeRun: unknown;
    queuedSync: QueuedSyncView | null;
    lastRun: unknown;
    status?: string;
    attentionCause?: AttentionCause | null;
  },
  nowMs: number,
): number | null {
  if (followsLiveProgress(live, nowMs)) return PROGRESS_POLL_MS;
  if (live.status === "disconnected") return null;
  const waitsOnWorker = live.attentionCause === "worker_stopped" || live.attentionCause === "no_worker";
  return waitsOnWorker ? WORKER_WAIT_POLL_MS : null;
}

const QUEUED_WORK: Record<string, string> = {
  "sync.full": "A full sync",
  "sync.incremental": "A sync of what changed",
  reconcile: "A scheduled check for changes",
};

/**
 * The "Sync queued" line of a store page while a due sync waits for a worker, e.g. "A full sync is queued since Dec 3,
 * 2026, 1:24 PM UTC and starts as soon as a worker picks it up.". Null when nothing due waits or a sync already runs.
 */
export function queuedSyncText(
  live: { activeRun: unknown; queuedSync: QueuedSyncView | null },
  nowMs: number,
): string | null {
  if (live.activeRun || !live.queuedSync || !isDue(live.queuedSync, nowMs)) return null;
  const what = QUEUED_WORK[live.queuedSync.kind] ?? "A sync";
  return `${what} is queued since ${utcDateTime(live.queuedSync.runAt)} and starts as soon as a worker picks it up.`;
}
