/**
 * The job queue's public shapes, shared by both backends (embedded Job table on SQLite, pg-boss on PostgreSQL),
 * the handlers, the worker and the UI. No I/O here.
 */
import { AppError, isAppError } from "../lib/errors";
import type { CustomerSelector } from "../sync/compliance.server";
import type { Resource } from "../sync/types";

/** Payload of `sync.full`, `sync.incremental` and `reconcile` jobs. */
export interface SyncJobPayload {
  integrationId: string;
  resources?: Resource[];
  /** Resume this interrupted run from its checkpoint. */
  runId?: string;
  /** "system" | "schedule" | "resume" | "merchant:<who>" | "webhook:<topic>" … (stored on the run). */
  triggeredBy?: string;
}

/** Payload of `webhook.process`: the stored WebhookEvent to apply. */
export interface WebhookJobPayload {
  webhookEventId: string;
}

/** Payload of `webhook.drain`: the store whose waiting webhook events to apply, oldest first. */
export interface WebhookDrainPayload {
  integrationId: string;
}

/** Payload of `compliance.customer_redact`. */
export type CustomerRedactPayload = CustomerSelector;

/** Payload of `compliance.shop_redact`. */
export interface ShopRedactPayload {
  integrationId: string;
  actor?: string;
}

/** Payload of `compliance.customer_data_request`. */
export type CustomerDataRequestPayload = CustomerSelector & {
  /** The platform's request id (Shopify `data_request.id`), used to name the export. */
  dataRequestId?: string | number | null;
};

/** Every job kind of the app and its payload. */
export interface JobPayloads {
  "sync.full": SyncJobPayload;
  "sync.incremental": SyncJobPayload;
  /** A scheduled incremental sync, preceded by the platform's webhook maintenance. */
  reconcile: SyncJobPayload;
  "webhook.process": WebhookJobPayload;
  "webhook.drain": WebhookDrainPayload;
  "compliance.customer_redact": CustomerRedactPayload;
  "compliance.shop_redact": ShopRedactPayload;
  "compliance.customer_data_request": CustomerDataRequestPayload;
}

export type JobKind = keyof JobPayloads;

/** Every kind once: a kind added to JobPayloads and not here fails to compile (pg-boss creates a queue per kind). */
const EVERY_JOB_KIND: Record<JobKind, true> = {
  "sync.full": true,
  "sync.incremental": true,
  "webhook.process": true,
  "webhook.drain": true,
  reconcile: true,
  "compliance.customer_redact": true,
  "compliance.shop_redact": true,
  "compliance.customer_data_request": true,
};
export const JOB_KINDS = Object.keys(EVERY_JOB_KIND) as JobKind[];

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** Exponential backoff between attempts: `initialDelayMs * factor^(attempt-1)`, capped at `maxDelayMs`. */
export interface BackoffOptions {
  initialDelayMs: number;
  factor?: number;
  maxDelayMs?: number;
}

export interface EnqueueOptions {
  /** Jobs sharing this key never run at the same time (e.g. `sync:<integrationId>`). */
  concurrencyKey?: string;
  /**
   * At most one queued job per key: a second enqueue while one waits returns the waiting job's id. A job waiting
   * out the backoff after a failed attempt is brought forward to the second enqueue's time (pg-boss lets a new job
   * run beside its retry instead), so asking again runs it now.
   */
  dedupeKey?: string;
  /** Not before this time. */
  runAt?: Date;
  /** Attempts before the job ends as `failed` (default 5). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
}

export interface EnqueueResult {
  id: string;
  /** False when a queued job with the same dedupe key already existed (its id is returned). */
  created: boolean;
  /**
   * With `created: false`: the waiting job was waiting out a failed attempt's backoff and was brought forward to run
   * now (the embedded queue; on pg-boss a new job is created beside a retry instead).
   */
  broughtForward?: boolean;
}

/** A job as the UI shows it, whatever the backend. */
export interface JobInfo {
  id: string;
  kind: string;
  status: JobStatus;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  /**
   * The stable code of the error `lastError` tells (`jobErrorCode`), for what the status offers (app/lib/
   * attention-cause.ts): null when that error had none, or the queue recorded none (a job that failed before codes
   * were kept). A worker that stopped while running the job is `JOB_WORKER_LOST`. Never shown to merchants;
   * `lastError` stays the message alone.
   */
  lastErrorCode?: string | null;
  concurrencyKey: string | null;
  dedupeKey: string | null;
  runAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  /**
   * A running job's lease (the embedded Job table's `lockedUntil`, pg-boss's `started_on + expire_in`), renewed while
   * its handler runs: past it, the worker that claimed the job stopped (crash, kill) and the job is taken back (the
   * next claim on SQLite, pg-boss's maintenance on PostgreSQL). Null for a job not running.
   */
  leaseExpiresAt?: Date | null;
}

export interface JobContext {
  jobId: string;
  kind: string;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  workerId: string;
  /** Aborted when the worker stops (finish or checkpoint the current page and return) or the lease is lost. */
  signal: AbortSignal;
}

/** Runs one job of a kind whose payload is `Payload`. */
export type JobHandler<Payload> = (payload: Payload, ctx: JobContext) => Promise<unknown>;

/** Handlers by kind, for `queue.work(...)`. `P` is the queue's payload map (the app's JobPayloads by default). */
export type JobHandlers<P extends object = JobPayloads> = { [K in keyof P]?: JobHandler<P[K]> };

export interface WorkOptions {
  workerId: string;
  /** Jobs run at the same time by this worker. */
  concurrency?: number;
  pollIntervalMs?: number;
  /** Aborting it stops the worker gracefully (same as `stop()`). */
  signal?: AbortSignal;
}

/**
 * Thrown by a handler (or by the runner) to put the job back without using an attempt, e.g. when the resource it
 * needs is held by someone else.
 */
export class DeferJobError extends AppError {
  constructor(
    message: string,
    public readonly delayMs: number,
    /** Replaces the job's payload for its next run (e.g. to resume a checkpointed sync run). */
    public readonly payload?: unknown,
  ) {
    super("job_deferred", message, { httpStatus: 503 });
  }
}

const PERMANENT_JOB_ERROR_CODE = "job_failed_permanently";

/** Thrown by a handler when retrying cannot help (bad payload, unknown platform): the job fails at once. */
export class PermanentJobError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(PERMANENT_JOB_ERROR_CODE, message, { httpStatus: 422, cause: options.cause });
  }
}

/**
 * The code of a job the queue itself failed because the worker running it stopped (a crash, a kill, an OOM kill, a
 * deploy that outlived its grace period) and its lease expired: on the last attempt the job fails with it (the
 * embedded queue's claim; pg-boss's maintenance, read by the pg-boss backend), and pg-boss also keeps it on a job it
 * put back for another attempt that way. No error was thrown, so no handler's code can say it. A store's status reads
 * it as a stopped worker, not as the store's failure (app/lib/attention-cause.ts): new keys cannot mend it.
 */
export const JOB_WORKER_LOST = "job_worker_lost";

/** A failed attempt as the runner hands it to the backend: the message (`describeError`) and its code. */
export interface JobFailure {
  message: string;
  /** `jobErrorCode` of the error: null when it has none. */
  code: string | null;
}

/**
 * The stable code kept with a failed job's error: an AppError's `code`. A wrapper gives its cause's code: a
 * PermanentJobError made from another error (it says only "do not retry", not what went wrong) or an error without a
 * code around one that has. A PermanentJobError of its own (a payload naming no store) keeps its code. Null when
 * nothing in the chain has one.
 */
export function jobErrorCode(error: unknown): string | null {
  let wrapperCode: string | null = null;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (isAppError(current)) {
      if (current.code !== PERMANENT_JOB_ERROR_CODE) return current.code;
      wrapperCode ??= current.code;
    }
    current = current.cause;
  }
  return wrapperCode;
}

/** A held concurrency lock (see locks.server.ts). */
export interface ConcurrencyLock {
  key: string;
  /** Aborted if the lock is lost (lease could not be renewed, connection dropped). */
  signal: AbortSignal;
  release(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 5_000,
  factor: 2,
  maxDelayMs: 15 * 60_000,
};

/** Delay before attempt `attempt + 1` after attempt `attempt` failed. */
export function backoffDelayMs(backoff: BackoffOptions | undefined, attempt: number): number {
  const b = { ...DEFAULT_BACKOFF, ...backoff };
  return Math.min(b.maxDelayMs, Math.round(b.initialDelayMs * b.factor ** Math.max(0, attempt - 1)));
}

/** Error text kept on a job: message plus the first stack frames, bounded. */
export function describeError(error: unknown, maxLength = 2_000): string {
  const text =
    error instanceof Error
      ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
      : typeof error === "string"
        ? error
        : JSON.stringify(error);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
