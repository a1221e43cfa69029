/**
 * The worker process (`npm run worker`): runs queued jobs and the reconcile scheduler until SIGINT/SIGTERM.
 *
 * On SQLite (embedded default) the web app can run the same thing in-process (`startInProcessWorker`, when
 * RUN_JOBS_IN_PROCESS=true); a separate `npm run worker` may run alongside, they share the Job table. On PostgreSQL
 * run as many worker processes, on as many machines, as you like (pg-boss + advisory locks keep them apart).
 *
 * Environment: DATABASE_URL (default file:./data/dev.sqlite), WORKER_CONCURRENCY (default 2), WORKER_ID,
 * JOB_POLL_INTERVAL_MS (default 1000), RECONCILE_INTERVAL_MINUTES (default 60, 0 = off), FULL_RESYNC_WINDOW_UTC
 * (e.g. "02:00-04:00"), SCHEDULER_TICK_MS (default 60000), SHUTDOWN_TIMEOUT_MS (default 30000).
 */
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { createPrismaClient } from "../app/db/client.server";
import { databaseEnvSchema, jobsEnvSchema, parseEnv } from "../app/env.server";
import { createJobHandlers, enqueueInterruptedRuns } from "../app/jobs/handlers.server";
import { loadPlatforms } from "../app/jobs/load-platforms.server";
import {
  consoleLogger,
  createJobQueue,
  type JobQueue,
  type QueueDb,
  type QueueLogger,
} from "../app/jobs/queue.server";
import { startScheduler } from "../app/jobs/scheduler.server";
import { describeError } from "../app/jobs/types";

/** The worker's slice of the environment (the app's full schema also requires Shopify settings it does not need). */
const workerEnvSchema = databaseEnvSchema.merge(jobsEnvSchema);
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Validates the worker's environment; throws one line per bad variable. */
export function parseWorkerEnv(source: Record<string, string | undefined>): WorkerEnv {
  return parseEnv(source, workerEnvSchema);
}

export interface StartWorkerOptions {
  db: QueueDb;
  /** Work on this existing queue (the web app's); `stop()` then stops working but leaves the queue open. */
  queue?: JobQueue;
  databaseUrl?: string;
  workerId?: string;
  concurrency?: number;
  pollIntervalMs?: number;
  /** Run the reconcile scheduler too (default true). */
  schedule?: boolean;
  reconcileIntervalMinutes?: number;
  fullResyncWindowUtc?: string;
  schedulerTickMs?: number;
  shutdownTimeoutMs?: number;
  logger?: QueueLogger;
}

export interface RunningWorker {
  workerId: string;
  queue: JobQueue;
  /** Graceful: stop claiming, let running jobs checkpoint and return, release locks, close connections. */
  stop(): Promise<void>;
}

/** Starts the queue's workers and the scheduler on `db`. */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`;
  const logger = options.logger ?? consoleLogger;
  const queue = await createJobQueue(options.db, {
    databaseUrl: options.databaseUrl,
    logger,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    pgBoss: {
      onError: (error) => logger("warn", "pg-boss reported an error", { error: describeError(error) }),
    },
  });
  // Crashed-run recovery: runs a dead worker left `running` are resumed from their checkpoint, each as a job under
  // its integration's sync lock (the scheduler repeats this on every tick for runs that go stale later).
  try {
    const resumed = await enqueueInterruptedRuns(options.db, queue);
    if (resumed.length) logger("info", "Interrupted sync runs queued for resume", { runs: resumed });
  } catch (error) {
    logger("warn", "Looking for interrupted sync runs failed", { error: describeError(error) });
  }
  await queue.work(createJobHandlers({ db: options.db, queue }), {
    workerId,
    concurrency: options.concurrency ?? 2,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
  });
  const scheduler =
    options.schedule === false
      ? null
      : startScheduler(options.db, queue, {
          reconcileIntervalMinutes: options.reconcileIntervalMinutes ?? 60,
          fullResyncWindowUtc: options.fullResyncWindowUtc,
          tickMs: options.schedulerTickMs,
          logger,
        });
  logger("info", "Worker started", {
    workerId,
    backend: queue.backend,
    concurrency: options.concurrency ?? 2,
  });
  let stopping: Promise<void> | null = null;
  return {
    workerId,
    queue,
    stop() {
      stopping ??= (async () => {
        await scheduler?.stop();
        if (options.queue) await queue.stop();
        else await queue.close();
        logger("info", "Worker stopped", { workerId });
      })();
      return stopping;
    },
  };
}

declare global {
  var __commerceSyncInProcessWorker: Promise<RunningWorker | null> | undefined;
}

/**
 * Runs jobs inside the web app's process when RUN_JOBS_IN_PROCESS=true (the embedded default), once per process
 * (kept on globalThis so development reloads do not start a second worker). Pass the app's queue
 * (`getJobQueue()` from app/jobs/app-queue.server.ts) so enqueueing and working share one instance. Returns null when
 * RUN_JOBS_IN_PROCESS=false.
 */
export function startInProcessWorker(db: QueueDb, queue?: JobQueue): Promise<RunningWorker | null> {
  global.__commerceSyncInProcessWorker ??= (async () => {
    const env = parseWorkerEnv(process.env);
    if (!env.RUN_JOBS_IN_PROCESS) return null;
    const worker = await startWorker({
      db,
      queue,
      databaseUrl: env.DATABASE_URL,
      workerId: env.WORKER_ID ?? `${hostname()}:${process.pid}:web`,
      concurrency: env.WORKER_CONCURRENCY,
      pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
      reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
      fullResyncWindowUtc: env.FULL_RESYNC_WINDOW_UTC,
      schedulerTickMs: env.SCHEDULER_TICK_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void worker.stop());
    return worker;
  })();
  return global.__commerceSyncInProcessWorker;
}

/** `npm run worker` */
export async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = parseWorkerEnv(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const db = createPrismaClient(env.DATABASE_URL);
  if (!(await loadPlatforms())) {
    consoleLogger(
      "warn",
      "No platform modules found (app/platforms/index.server.ts): sync jobs will fail",
      {},
    );
  }
  const worker = await startWorker({
    db,
    databaseUrl: env.DATABASE_URL,
    workerId: env.WORKER_ID,
    concurrency: env.WORKER_CONCURRENCY,
    pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
    reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
    fullResyncWindowUtc: env.FULL_RESYNC_WINDOW_UTC,
    schedulerTickMs: env.SCHEDULER_TICK_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  });
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: leave now. Committed pages are safe; the run resumes from its checkpoint on restart.
      process.stderr.write(`Received ${signal} again; exiting without waiting.\n`);
      process.exit(130);
    }
    consoleLogger("info", `Received ${signal}; finishing the current page of running jobs, then exiting`, {});
    void worker
      .stop()
      .then(() => db.$disconnect())
      .then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`Shutdown failed: ${describeError(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`The worker could not start: ${describeError(error)}\n`);
    process.exit(1);
  });
}
