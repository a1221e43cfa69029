/**
 * Reconcile scheduler. Every tick (each worker runs one; they agree through dedupe keys):
 * - enqueues a `reconcile` job (an incremental sync) for each connected integration whose last sync started more
 *   than its interval ago: env RECONCILE_INTERVAL_MINUTES, or the store's own `settings.reconcileIntervalMinutes`
 *   (0 = off; set on the store page, app/integrations/sync-schedule.server.ts);
 * - inside the optional off-peak window (env FULL_RESYNC_WINDOW_UTC or the store's `settings.fullResyncWindowUtc`,
 *   e.g. "02:00-04:00", may wrap past midnight; "off" = none for that store) enqueues one nightly full re-sync per
 *   integration, so heavy reads happen off-peak. How settings and defaults combine: schedule.ts;
 * - re-enqueues runs a dead worker left behind (resume from checkpoint);
 * - prunes old finished jobs from the embedded Job table, the connect rate-limit counters whose window has ended
 *   (app/db/rate-limit-counters.server.ts), and (hourly) old finished webhook deliveries (webhook-retention.server.ts).
 * Dedupe keys name the time slot, so several workers ticking at once enqueue each job once.
 */
import type { AppDb } from "../db/client.server";
import { pruneEndedCounters } from "../db/rate-limit-counters.server";
import type { Logger } from "../lib/logger";
import { findInterruptedRuns } from "../sync/run-records.server";
import { enqueueSync, latestSyncJob, type SyncRequest } from "./enqueue.server";
import type { JobQueue } from "./queue.server";
import { effectiveSchedule, reconcileDueAt, windowStartContaining } from "./schedule";
import { describeError } from "./types";
import { pruneWebhookEvents } from "./webhook-retention.server";

export interface SchedulerOptions {
  /** Default reconcile interval in minutes (0 disables). */
  reconcileIntervalMinutes: number;
  /** Default off-peak window "HH:MM-HH:MM" (UTC) for nightly full re-syncs; undefined = none. */
  fullResyncWindowUtc?: string;
  now?: () => Date;
  /** Prune old webhook deliveries in this tick (default true; `startScheduler` does it once an hour). */
  pruneWebhookEvents?: boolean;
}

/** How often a scheduler prunes old webhook deliveries (each worker runs one scheduler). */
export const WEBHOOK_PRUNE_INTERVAL_MS = 3600_000;

export interface TickResult {
  reconcile: string[];
  fullResync: string[];
  resumed: string[];
  /** Webhook deliveries deleted by their retention this tick. */
  webhookEventsPruned: number;
  /** Connect rate-limit counters deleted this tick because their window had ended. */
  rateLimitCountersPruned: number;
}

/** One scheduler pass. Safe to run concurrently on several workers. */
export async function schedulerTick(
  db: AppDb,
  queue: JobQueue,
  options: SchedulerOptions,
): Promise<TickResult> {
  const now = (options.now ?? (() => new Date()))();
  const result: TickResult = {
    reconcile: [],
    fullResync: [],
    resumed: [],
    webhookEventsPruned: 0,
    rateLimitCountersPruned: 0,
  };
  const integrations = await db.integration.findMany({
    where: { status: { not: "disconnected" } },
    select: { id: true, settings: true },
    orderBy: { id: "asc" },
  });

  for (const integration of integrations) {
    const schedule = effectiveSchedule(integration.settings, options);
    const window = schedule.fullResyncWindowUtc;

    if (window) {
      const windowStart = windowStartContaining(window, now);
      if (windowStart) {
        const request: SyncRequest = {
          integrationId: integration.id,
          kind: "full",
          slot: windowStart,
          triggeredBy: "schedule",
        };
        const fullSince = await db.syncRun.findFirst({
          where: { integrationId: integration.id, kind: "full", startedAt: { gte: windowStart } },
          select: { id: true },
        });
        if (!fullSince) {
          const existing = await latestSyncJob(queue, request);
          if (!existing) {
            const job = await enqueueSync(queue, request);
            if (job.created) result.fullResync.push(integration.id);
          }
          // Until the full re-sync has started, a reconcile would only repeat part of it.
          if (!existing || existing.status === "queued" || existing.status === "running") continue;
        }
      }
    }

    const minutes = schedule.intervalMinutes;
    if (minutes <= 0) continue;
    const intervalMs = minutes * 60_000;
    const last = await db.syncRun.findFirst({
      where: { integrationId: integration.id },
      orderBy: { startedAt: "desc" },
      select: { startedAt: true },
    });
    const due = reconcileDueAt(last?.startedAt ?? null, minutes);
    if (due && due.getTime() > now.getTime()) continue;
    const request: SyncRequest = {
      integrationId: integration.id,
      kind: "reconcile",
      slot: new Date(Math.floor(now.getTime() / intervalMs) * intervalMs),
      triggeredBy: "schedule",
    };
    // One reconcile per slot, even if it already ran and failed before creating a run.
    if (await latestSyncJob(queue, request)) continue;
    const job = await enqueueSync(queue, request);
    if (job.created) result.reconcile.push(integration.id);
  }

  result.resumed = await enqueueInterruptedRuns(db, queue, { now });
  await queue.prune({ now });
  // Every tick: one indexed delete that finds nothing most of the time, and the windows are minutes long.
  result.rateLimitCountersPruned = await pruneEndedCounters(db, { now });
  if (options.pruneWebhookEvents !== false)
    result.webhookEventsPruned = await pruneWebhookEvents(db, { now });
  return result;
}

/** Runs `schedulerTick` now and every `tickMs` until stopped. Errors are logged, never thrown. */
export function startScheduler(
  db: AppDb,
  queue: JobQueue,
  options: SchedulerOptions & { tickMs?: number; logger?: Logger },
): { stop: () => Promise<void> } {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  let prunedAt = -Infinity;
  const tick = () => {
    if (stopped) return;
    const nowMs = (options.now?.() ?? new Date()).getTime();
    const prune = nowMs - prunedAt >= WEBHOOK_PRUNE_INTERVAL_MS;
    if (prune) prunedAt = nowMs;
    current = schedulerTick(db, queue, { ...options, pruneWebhookEvents: prune }).then(
      (r) => {
        if (r.reconcile.length || r.fullResync.length || r.resumed.length) {
          options.logger?.("info", "Scheduled sync jobs", { ...r });
        } else if (r.webhookEventsPruned > 0 || r.rateLimitCountersPruned > 0) {
          options.logger?.("info", "Pruned old webhook deliveries and ended rate-limit counters", {
            webhookEventsPruned: r.webhookEventsPruned,
            rateLimitCountersPruned: r.rateLimitCountersPruned,
          });
        }
      },
      (error) => options.logger?.("warn", "Scheduler tick failed", { error: describeError(error) }),
    );
  };
  tick();
  const timer = setInterval(tick, options.tickMs ?? 60_000);
  timer.unref?.();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

/**
 * Re-enqueues runs left `running` by a dead worker as resume jobs under the integration's sync lock (so a resume
 * never races a new sync of the same store). Called at worker start and on every scheduler tick; idempotent.
 */
export async function enqueueInterruptedRuns(
  db: AppDb,
  queue: JobQueue,
  options: { staleAfterMs?: number; now?: Date } = {},
): Promise<string[]> {
  const runs = await findInterruptedRuns(db, options);
  const enqueued: string[] = [];
  for (const run of runs) {
    const row = await db.syncRun.findUnique({ where: { id: run.id }, select: { kind: true } });
    const result = await enqueueSync(queue, {
      integrationId: run.integrationId,
      kind: row?.kind === "full" ? "full" : "incremental",
      resumeRunId: run.id,
      triggeredBy: "resume",
    });
    if (result.created) enqueued.push(run.id);
  }
  return enqueued;
}
