/**
 * The job runtime: the queue's workers, their handlers and the reconcile scheduler, started and stopped as one.
 * The web process runs it in-process (`startInProcessJobs`, RUN_JOBS_IN_PROCESS=true, the embedded default) and
 * `npm run worker` (worker/index.ts) runs it as its own process; both map the validated environment to settings
 * through `jobSettingsFromEnv`, here and nowhere else.
 */
import { hostname } from "node:os";
import type { AppDb } from "../db/client.server";
import type { Env } from "../env.server";
import type { Logger } from "../lib/logger";
import type { Platforms } from "../sync/platform";
import { createJobHandlers } from "./handlers.server";
import { releaseDeadLocalHolders } from "./orphans.server";
import { createJobQueue, type JobQueue } from "./queue.server";
import { enqueueInterruptedRuns, startScheduler } from "./scheduler.server";
import { scheduleDefaultsFrom } from "./schedule";
import { describeError } from "./types";

/** Everything the runtime needs from the environment. */
export interface JobRuntimeSettings {
  databaseUrl: string;
  workerId: string;
  /** Jobs this process runs at once. */
  concurrency: number;
  pollIntervalMs: number;
  /** Run the reconcile scheduler too. */
  schedule: boolean;
  reconcileIntervalMinutes: number;
  fullResyncWindowUtc?: string;
  schedulerTickMs: number;
  shutdownTimeoutMs: number;
  /** Where customer data exports are written. */
  exportDir: string;
}

/** The runtime settings of a process ("web": the app's in-process worker; "worker": `npm run worker`). */
export function jobSettingsFromEnv(env: Env, role: "web" | "worker"): JobRuntimeSettings {
  return {
    databaseUrl: env.DATABASE_URL,
    workerId: env.WORKER_ID ?? `${hostname()}:${process.pid}${role === "web" ? ":web" : ""}`,
    concurrency: env.WORKER_CONCURRENCY,
    pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
    schedule: true,
    ...scheduleDefaultsFrom(env),
    schedulerTickMs: env.SCHEDULER_TICK_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    exportDir: env.DATA_EXPORT_DIR,
  };
}

export interface StartJobRuntimeOptions {
  db: AppDb;
  platforms: Platforms;
  logger: Logger;
  settings: JobRuntimeSettings;
  /** Work on this existing queue (the web app's); `stop()` then stops working but leaves the queue open. */
  queue?: JobQueue;
}

export interface JobRuntime {
  workerId: string;
  queue: JobQueue;
  /** Graceful: stop claiming, let running jobs checkpoint and return, release locks, close what we opened. */
  stop(): Promise<void>;
}

/** Starts the workers, their handlers and the scheduler on `db`. */
export async function startJobRuntime(options: StartJobRuntimeOptions): Promise<JobRuntime> {
  const { db, platforms, logger, settings } = options;
  const queue =
    options.queue ??
    (await createJobQueue(db, {
      databaseUrl: settings.databaseUrl,
      logger,
      shutdownTimeoutMs: settings.shutdownTimeoutMs,
    }));
  // Work a killed process on this host left behind is released now rather than when its leases time out.
  try {
    const released = await releaseDeadLocalHolders(db);
    if (released.deadPids.length)
      logger("info", "Released the jobs, locks and sync runs of stopped processes", { ...released });
  } catch (error) {
    logger("warn", "Looking for stopped processes' jobs failed", { error: describeError(error) });
  }
  // Crashed-run recovery: runs a dead worker left `running` are resumed from their checkpoint, each as a job under
  // its integration's sync lock (the scheduler repeats this on every tick for runs that go stale later).
  try {
    const resumed = await enqueueInterruptedRuns(db, queue);
    if (resumed.length) logger("info", "Interrupted sync runs queued for resume", { runs: resumed });
  } catch (error) {
    logger("warn", "Looking for interrupted sync runs failed", { error: describeError(error) });
  }
  await queue.work(createJobHandlers({ db, queue, platforms, logger, exportDir: settings.exportDir }), {
    workerId: settings.workerId,
    concurrency: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
  });
  const scheduler = settings.schedule
    ? startScheduler(db, queue, {
        reconcileIntervalMinutes: settings.reconcileIntervalMinutes,
        fullResyncWindowUtc: settings.fullResyncWindowUtc,
        tickMs: settings.schedulerTickMs,
        logger,
      })
    : null;
  logger("info", "Worker started", {
    workerId: settings.workerId,
    backend: queue.backend,
    concurrency: settings.concurrency,
    platforms: platforms.list().map((p) => p.platform),
  });
  let stopping: Promise<void> | null = null;
  return {
    workerId: settings.workerId,
    queue,
    stop() {
      stopping ??= (async () => {
        await scheduler?.stop();
        if (options.queue) await queue.stop();
        else await queue.close();
        logger("info", "Worker stopped", { workerId: settings.workerId });
      })();
      return stopping;
    },
  };
}

declare global {
  var __commerceSyncInProcessJobs: Promise<JobRuntime | null> | undefined;
}

/**
 * Runs jobs inside the web app's process when RUN_JOBS_IN_PROCESS=true, once per process (kept on globalThis so
 * development reloads do not start a second runtime), on the app's queue so enqueueing and working share one
 * instance. Returns null when RUN_JOBS_IN_PROCESS=false.
 */
export function startInProcessJobs(options: {
  db: AppDb;
  platforms: Platforms;
  logger: Logger;
  env: Env;
  queue: () => Promise<JobQueue>;
}): Promise<JobRuntime | null> {
  global.__commerceSyncInProcessJobs ??= (async () => {
    if (!options.env.RUN_JOBS_IN_PROCESS) return null;
    const runtime = await startJobRuntime({
      db: options.db,
      platforms: options.platforms,
      logger: options.logger,
      settings: jobSettingsFromEnv(options.env, "web"),
      queue: await options.queue(),
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void runtime.stop());
    return runtime;
  })();
  return global.__commerceSyncInProcessJobs;
}
