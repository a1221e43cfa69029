/**
 * The job queue: a small service anything may enqueue to, and the runner that executes handlers.
 *
 * The backend follows the database (`db.$kind`): rows of the Job table on SQLite (embedded default, run in-process
 * by the app or by `npm run worker`), pg-boss on PostgreSQL (scale path, any number of worker processes). Both give
 * the same contract: jobs survive restarts, jobs sharing a `concurrencyKey` never run at the same time, a
 * `dedupeKey` keeps at most one waiting job, failures retry with exponential backoff and end as `failed` with their
 * error visible after `maxAttempts`. See docs/decisions/0005-job-queue.md.
 */
import type { AppDb } from "../db/client.server";
import { silentLogger, type Logger } from "../lib/logger";
import type { ListJobsFilter, QueueBackend } from "./backend";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createPostgresLockProvider, createSqliteLockProvider, type LockProvider } from "./locks.server";
import { createPgBossBackend, type PgBossBackendOptions } from "./pgboss-backend.server";
import { resumableAbort } from "./abort";
import {
  DeferJobError,
  PermanentJobError,
  describeError,
  jobErrorCode,
  type ConcurrencyLock,
  type EnqueueOptions,
  type EnqueueResult,
  type JobContext,
  type JobHandler,
  type JobHandlers,
  type JobInfo,
  type JobPayloads,
  type WorkOptions,
} from "./types";

export interface JobQueueOptions {
  /** Required on PostgreSQL (pg-boss and the advisory locks open their own connections). */
  databaseUrl?: string;
  /** Claim lease (pg-boss: at least 1 s), renewed every third of it while a job runs. */
  leaseMs?: number;
  /** How long a job whose concurrency key is busy waits before it is tried again. */
  busyRetryDelayMs?: number;
  /** Graceful stop: how long running handlers get to checkpoint and return after their signal is aborted. */
  shutdownTimeoutMs?: number;
  pgBoss?: PgBossBackendOptions;
  logger?: Logger;
  /** Clock (embedded backend), for tests. */
  now?: () => Date;
}

/**
 * The queue. `P` maps each job kind to its payload type: the app's `JobPayloads` by default, so
 * `queue.enqueue("sync.full", payload)` is checked at compile time (tests of the runner use their own map).
 */
export interface JobQueue<P extends object = JobPayloads> {
  readonly backend: "embedded" | "pg-boss";
  /** Adds a job. With a `dedupeKey` already waiting, returns that job (`created: false`). */
  enqueue<K extends keyof P & string>(
    kind: K,
    payload: P[K],
    options?: EnqueueOptions,
  ): Promise<EnqueueResult>;
  /**
   * Tells this process's workers that jobs were written to the queue behind its back (the SQLite webhook intake
   * writes its jobs in the event's own transaction), so they look now instead of at their next poll.
   */
  notifyEnqueued?(): void;
  /** Starts running jobs of the kinds in `handlers` until `stop()` or `options.signal`. Returns once started. */
  work(handlers: JobHandlers<P>, options: WorkOptions): Promise<void>;
  /** Stops claiming, aborts running handlers' signals, waits for them (bounded) and puts interrupted jobs back. */
  stop(): Promise<void>;
  /** Takes the same database-level lock a job with `concurrencyKey = key` holds while it runs; null when busy. */
  acquireLock(key: string, holderId: string): Promise<ConcurrencyLock | null>;
  /** Newest jobs first (UI). */
  listJobs(filter?: ListJobsFilter): Promise<JobInfo[]>;
  recentJobs(limit?: number): Promise<JobInfo[]>;
  /** Failed jobs with their last error (UI), newest first; `filter` narrows them (e.g. to some integrations). */
  failedJobs(limit?: number, filter?: Omit<ListJobsFilter, "status" | "limit">): Promise<JobInfo[]>;
  /**
   * Deletes old finished jobs (embedded backend; pg-boss prunes itself): succeeded/cancelled after
   * `keepFinishedDays` (default 7), failed after `keepFailedDays` (default 30). Returns how many went.
   */
  prune(options?: { now?: Date; keepFinishedDays?: number; keepFailedDays?: number }): Promise<number>;
  /** Stops workers and closes the backend's connections. */
  close(): Promise<void>;
}

export type { ListJobsFilter };

/**
 * The concurrency locks alone, without starting a queue (the `npm run sync` CLI): the same database-level lock a
 * job holds while it runs, so a foreground sync and a queued sync of one store never overlap.
 */
export function createLockProvider(db: AppDb, options: { databaseUrl?: string } = {}): LockProvider {
  if (db.$kind === "sqlite") return createSqliteLockProvider(db);
  if (!options.databaseUrl) throw new Error("PostgreSQL locks need the database URL (options.databaseUrl).");
  return createPostgresLockProvider(options.databaseUrl, { maxConnections: 2 });
}

/** Builds the queue for a database: embedded on SQLite, pg-boss on PostgreSQL. Call `close()` when done. */
export async function createJobQueue<P extends object = JobPayloads>(
  db: AppDb,
  options: JobQueueOptions = {},
): Promise<JobQueue<P>> {
  let backend: QueueBackend;
  if (db.$kind === "sqlite") {
    backend = createEmbeddedBackend(db, { leaseMs: options.leaseMs, now: options.now });
  } else {
    if (!options.databaseUrl) {
      throw new Error("The PostgreSQL job queue needs the database URL (options.databaseUrl).");
    }
    const log = options.logger ?? silentLogger;
    backend = createPgBossBackend(options.databaseUrl, {
      // The runner renews every third of leaseMs; pg-boss's claim deadline is that lease (at least a second).
      leaseSeconds: Math.max(1, (options.leaseMs ?? 60_000) / 1000),
      ...options.pgBoss,
      onError:
        options.pgBoss?.onError ??
        ((error) => log("warn", "pg-boss reported an error", { error: describeError(error) })),
    });
  }
  await backend.start();
  return new Runner<P>(backend, options);
}

class Runner<P extends object> implements JobQueue<P> {
  readonly backend: "embedded" | "pg-boss";
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly busyRetryDelayMs: number;
  private readonly shutdownTimeoutMs: number;
  private loops: Promise<void>[] = [];
  private running = new Set<Promise<void>>();
  private stopController = new AbortController();
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly store: QueueBackend,
    options: JobQueueOptions,
  ) {
    this.backend = store.name;
    this.log = options.logger ?? silentLogger;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.busyRetryDelayMs = options.busyRetryDelayMs ?? 2_000;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  }

  async enqueue<K extends keyof P & string>(
    kind: K,
    payload: P[K],
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const result = await this.store.enqueue(kind, payload ?? {}, options);
    if (!options.runAt || options.runAt.getTime() <= Date.now()) this.wake?.();
    return result;
  }

  notifyEnqueued(): void {
    this.wake?.();
  }

  async work(handlers: JobHandlers<P>, options: WorkOptions): Promise<void> {
    if (this.closed) throw new Error("The job queue is closed.");
    if (this.stopController.signal.aborted) this.stopController = new AbortController();
    // The backends speak strings and unknown payloads; the kind → payload typing is the callers' contract.
    const byKind = handlers as Record<string, JobHandler<unknown> | undefined>;
    const kinds = Object.keys(byKind).filter((k) => byKind[k]);
    options.signal?.addEventListener("abort", () => void this.stop(), { once: true });
    this.loops.push(this.loop(byKind, kinds, options));
  }

  private async loop(
    handlers: Record<string, JobHandler<unknown> | undefined>,
    kinds: string[],
    options: WorkOptions,
  ) {
    const concurrency = Math.max(1, options.concurrency ?? 1);
    const pollIntervalMs = options.pollIntervalMs ?? 1_000;
    const stopSignal = this.stopController.signal;
    const mine = new Set<Promise<void>>();
    const stopped = abortPromise(stopSignal);
    while (!stopSignal.aborted) {
      if (mine.size >= concurrency) {
        await Promise.race([...mine, stopped]);
        continue;
      }
      let job;
      try {
        job = await this.store.claim(kinds, options.workerId);
      } catch (error) {
        if (stopSignal.aborted) break;
        this.log("warn", "Claiming a job failed; retrying", { error: describeError(error) });
        await this.sleep(pollIntervalMs, stopSignal);
        continue;
      }
      if (!job) {
        // Nothing claimable — often because the due jobs wait for a concurrency key one of ours holds (a store's
        // webhooks run one at a time). Look again as soon as one of ours finishes, not a whole interval later:
        // otherwise a store's webhooks are processed at one per poll interval (found by tests/chaos/webhooks.chaos.ts).
        await Promise.race([this.sleep(pollIntervalMs, stopSignal), ...mine]);
        continue;
      }
      const handler = handlers[job.kind];
      if (!handler) continue;
      const task: Promise<void> = this.runJob(job, handler, options.workerId).finally(() => {
        mine.delete(task);
        this.running.delete(task);
      });
      mine.add(task);
      this.running.add(task);
    }
  }

  private async runJob(
    job: Awaited<ReturnType<QueueBackend["claim"]>> & object,
    handler: JobHandler<unknown>,
    workerId: string,
  ): Promise<void> {
    const controller = new AbortController();
    const stopSignal = this.stopController.signal;
    const onStop = () => controller.abort(resumableAbort("The worker is shutting down"));
    if (stopSignal.aborted) onStop();
    else stopSignal.addEventListener("abort", onStop, { once: true });

    let lock: ConcurrencyLock | null = null;
    let renewTimer: NodeJS.Timeout | undefined;
    const fields = { jobId: job.id, kind: job.kind, attempt: job.attempt, workerId };
    try {
      if (job.concurrencyKey && this.store.locksAtRunTime) {
        lock = await this.store.locks.tryAcquire(job.concurrencyKey, `${workerId}:${job.id}`);
        if (!lock) {
          this.log("debug", "Concurrency key busy; job deferred", { ...fields, key: job.concurrencyKey });
          await this.store.defer(job, workerId, this.busyRetryDelayMs);
          return;
        }
        lock.signal.addEventListener("abort", () => controller.abort(lock?.signal.reason), { once: true });
      }
      renewTimer = setInterval(
        () => {
          this.store.renew(job, workerId).then(
            (ok) => {
              if (!ok)
                controller.abort(resumableAbort("The job's lease was lost (another worker took it over)"));
            },
            (error) =>
              this.log("warn", "Renewing a job lease failed", { ...fields, error: describeError(error) }),
          );
        },
        Math.max(10, Math.floor(this.leaseMs / 3)),
      );
      renewTimer.unref?.();

      const ctx: JobContext = {
        jobId: job.id,
        kind: job.kind,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        workerId,
        signal: controller.signal,
      };
      this.log("info", "Job started", fields);
      try {
        await handler(job.payload, ctx);
      } catch (error) {
        clearInterval(renewTimer);
        if (error instanceof DeferJobError) {
          this.log("info", "Job deferred", { ...fields, reason: error.message });
          await this.store.defer(job, workerId, error.delayMs, error.payload);
        } else if (stopSignal.aborted && !(error instanceof PermanentJobError)) {
          // Interrupted by shutdown, not the job's fault: back in the queue without using an attempt.
          this.log("info", "Job interrupted by shutdown; put back", fields);
          await this.store.defer(job, workerId, 0);
        } else {
          const failure = { message: describeError(error), code: jobErrorCode(error) };
          const outcome = await this.store.fail(
            job,
            workerId,
            failure,
            !(error instanceof PermanentJobError),
          );
          this.log("warn", outcome === "failed" ? "Job failed" : "Job failed; will retry", {
            ...fields,
            error: failure.message,
            code: failure.code,
          });
        }
        return;
      }
      clearInterval(renewTimer);
      await this.store.complete(job, workerId);
      this.log("info", "Job succeeded", fields);
    } catch (error) {
      // Bookkeeping failed (database gone): the lease expires and another claim retries the job.
      this.log("warn", "Recording a job's outcome failed", { ...fields, error: describeError(error) });
    } finally {
      clearInterval(renewTimer);
      stopSignal.removeEventListener("abort", onStop);
      await lock?.release().catch(() => {});
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.wake?.();
    await Promise.all(this.loops);
    this.loops = [];
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.running]),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            this.log("warn", "Jobs still running after the shutdown timeout; their leases will expire", {
              running: this.running.size,
            });
            resolve();
          }, this.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
  }

  acquireLock(key: string, holderId: string): Promise<ConcurrencyLock | null> {
    return this.store.locks.tryAcquire(key, holderId);
  }

  listJobs(filter: ListJobsFilter = {}): Promise<JobInfo[]> {
    return this.store.listJobs(filter);
  }

  recentJobs(limit = 50): Promise<JobInfo[]> {
    return this.store.listJobs({ limit });
  }

  failedJobs(limit = 50, filter: Omit<ListJobsFilter, "status" | "limit"> = {}): Promise<JobInfo[]> {
    return this.store.listJobs({ ...filter, status: "failed", limit });
  }

  prune(options: { now?: Date; keepFinishedDays?: number; keepFailedDays?: number } = {}): Promise<number> {
    const nowMs = (options.now ?? new Date()).getTime();
    const day = 24 * 3600_000;
    return this.store.prune({
      finishedBefore: new Date(nowMs - (options.keepFinishedDays ?? 7) * day),
      failedBefore: new Date(nowMs - (options.keepFailedDays ?? 30) * day),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    await this.store.close();
  }
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
