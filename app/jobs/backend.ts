/**
 * What the job runner (queue.server.ts) needs from a storage backend. Two implementations: the embedded Job table
 * (SQLite) and pg-boss (PostgreSQL).
 */
import type { LockProvider } from "./locks.server";
import type { BackoffOptions, EnqueueOptions, EnqueueResult, JobFailure, JobInfo, JobStatus } from "./types";

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  concurrencyKey: string | null;
  dedupeKey: string | null;
  backoff: BackoffOptions | undefined;
  /**
   * The code of the previous attempt's error as the embedded backend keeps it (in the payload column): a deferral
   * that rewrites the payload carries it on. Not read on pg-boss, whose job output holds it.
   */
  lastErrorCode?: string | null;
}

export interface ListJobsFilter {
  status?: JobStatus;
  kinds?: string[];
  /**
   * Jobs enqueued with this dedupe key, whatever their state (scheduler idempotency). Name `kinds` with it: pg-boss
   * keeps each kind's jobs apart and indexes the key of waiting jobs only, so a key alone reads every kind's jobs.
   */
  dedupeKey?: string;
  /**
   * Only jobs of these integrations (a view of some stores): the payload's `integrationId`, or, for a payload that
   * names none, the integration its concurrency key names (`sync:<id>`, `webhook:<id>`, app/jobs/enqueue.server.ts;
   * webhook jobs enqueued before the per-store drain). Filtered in the query, so `limit` counts these jobs only. An
   * empty list matches no job.
   */
  integrationIds?: string[];
  /** Newest first, at most this many (default 50). */
  limit?: number;
}

export interface QueueBackend {
  readonly name: "embedded" | "pg-boss";
  /**
   * True when a claimed job's concurrency key still has to be taken as a lock before it runs (pg-boss). The embedded
   * claim query already refuses a job whose key is held.
   */
  readonly locksAtRunTime: boolean;
  readonly locks: LockProvider;
  start(): Promise<void>;
  enqueue(kind: string, payload: unknown, options: EnqueueOptions): Promise<EnqueueResult>;
  claim(kinds: string[], workerId: string): Promise<ClaimedJob | null>;
  /** Keeps a running job's claim alive; false when it was lost (another worker re-claimed it). */
  renew(job: ClaimedJob, workerId: string): Promise<boolean>;
  complete(job: ClaimedJob, workerId: string): Promise<void>;
  /**
   * Records the error (its message as `lastError`, its code as `lastErrorCode`); retries with backoff when
   * `retryable` and attempts remain, else ends the job as failed.
   */
  fail(
    job: ClaimedJob,
    workerId: string,
    failure: JobFailure,
    retryable: boolean,
  ): Promise<"retrying" | "failed">;
  /** Puts the job back without using an attempt. `payload` replaces the stored one when given. */
  defer(job: ClaimedJob, workerId: string, delayMs: number, payload?: unknown): Promise<void>;
  listJobs(filter: ListJobsFilter): Promise<JobInfo[]>;
  /** Deletes finished jobs: succeeded/cancelled ones finished before `finishedBefore`, failed ones before `failedBefore`. */
  prune(options: { finishedBefore: Date; failedBefore: Date }): Promise<number>;
  close(): Promise<void>;
}
