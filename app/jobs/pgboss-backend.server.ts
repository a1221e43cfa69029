/**
 * Scale-path queue backend: pg-boss 10 in the application's PostgreSQL database (its own `pgboss` schema), so any
 * number of worker processes on any number of machines share one queue. See docs/decisions/0005-job-queue.md.
 *
 * Mapping of the queue contract onto pg-boss:
 * - one pg-boss queue per job kind, policy `short`: at most one *created* job per singleton key. Every job gets a
 *   singleton key — its dedupe key, or a fresh UUID when it has none (under `short`, jobs without a key would all
 *   share the empty key). A job with the key in state `retry` (which `short` does not count) answers for it too,
 *   brought forward when asked for sooner, as on the embedded queue.
 * - `concurrencyKey`: pg-boss's `singleton`/`stately` policies make a fetch fail as a whole when the oldest waiting
 *   job's key is active (the UPDATE hits their unique index and pg-boss returns no job), which would stall every
 *   other integration behind one long sync. Instead the runner takes a PostgreSQL advisory lock on the key
 *   (locks.server.ts) around the handler; a job whose key is held is re-sent a little later without using an attempt.
 * - retries: pg-boss's own (`retryLimit` = maxAttempts − 1, `retryDelay` in whole seconds, `retryBackoff`), the error
 *   kept in the job's `output`.
 * - crash recovery, a lease: pg-boss fails an `active` job once `started_on + expire_in` has passed (its maintenance,
 *   every `maintenanceIntervalSeconds`) and then retries it like any failure. Jobs are sent with `expire_in` = the
 *   lease (60 s by default), and `renew` — called by the runner every third of it while the handler runs — moves
 *   that deadline to now + lease. A worker that died (`kill -9`, OOM, lost machine) stops renewing: its job is
 *   retried within the lease plus one maintenance interval, and readers see when its claim ends (`leaseExpiresAt`),
 *   as on the embedded queue. A job this worker lost that way is never completed, failed or deferred by it again.
 *   pg-boss records that expiry in the job's output with a message of its own and no code; `listJobs` reads it as
 *   `JOB_WORKER_LOST` (`errorCodeFromOutput`), the code the embedded queue writes when it fails such a job.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import PgBoss from "pg-boss";
import type { ClaimedJob, ListJobsFilter, QueueBackend } from "./backend";
import { lockKeysOf } from "./enqueue.server";
import { createPostgresLockProvider } from "./locks.server";
import {
  DEFAULT_BACKOFF,
  DEFAULT_MAX_ATTEMPTS,
  JOB_KINDS,
  JOB_WORKER_LOST,
  type BackoffOptions,
  type EnqueueOptions,
  type EnqueueResult,
  type JobInfo,
  type JobStatus,
} from "./types";

export const PGBOSS_SCHEMA = "pgboss";

/** What a pg-boss job's `data` holds: the caller's payload and the queue metadata pg-boss has no column for. */
interface BossData {
  payload: unknown;
  meta: {
    concurrencyKey: string | null;
    dedupeKey: string | null;
    maxAttempts: number;
    backoff?: BackoffOptions;
    /** Attempts used before a deferral re-sent this job (pg-boss's retry count restarts at 0). */
    priorAttempts: number;
  };
}

export interface PgBossBackendOptions {
  /** Seconds between pg-boss maintenance runs (expiring dead workers' jobs, archiving). */
  maintenanceIntervalSeconds?: number;
  /** How long an active job stays claimed without its worker renewing it (default 60 s). */
  leaseSeconds?: number;
  /** Per kind: the first claim's length instead of the lease (tests). */
  expireInSeconds?: Partial<Record<string, number>>;
  /** Extra kinds to create queues for (tests). */
  extraKinds?: string[];
  maxLockConnections?: number;
  onError?: (error: Error) => void;
}

const DEFAULT_LEASE_SECONDS = 60;

function mapState(state: string): JobStatus {
  switch (state) {
    case "created":
    case "retry":
      return "queued";
    case "active":
      return "running";
    case "completed":
      return "succeeded";
    case "cancelled":
      return "cancelled";
    default:
      return "failed";
  }
}

function errorFromOutput(output: unknown): string | null {
  if (!output || typeof output !== "object") return null;
  const o = output as { message?: unknown; value?: { message?: unknown } };
  if (typeof o.message === "string") return o.message;
  if (o.value && typeof o.value.message === "string") return o.value.message;
  return null;
}

/**
 * The output pg-boss 10's maintenance writes on an `active` job whose `started_on + expire_in` has passed (its
 * `failJobsByTimeout`, node_modules/pg-boss/src/plans.js): `{ value: { message } }` with this message, whether it
 * puts the job back for another attempt (state `retry`) or fails it for good (`failed`, retries used up).
 */
export const PGBOSS_EXPIRED_MESSAGE = "job failed by timeout in active state";

/**
 * The stable code of a job's output: the one `fail` stores beside the message, or `JOB_WORKER_LOST` for pg-boss's
 * own expiry (the worker stopped renewing the lease: crash, kill), which has none. Null otherwise.
 */
export function errorCodeFromOutput(output: unknown): string | null {
  const o = output as { code?: unknown; value?: { message?: unknown } | null } | null;
  if (typeof o?.code === "string" && o.code !== "") return o.code;
  return o?.value?.message === PGBOSS_EXPIRED_MESSAGE ? JOB_WORKER_LOST : null;
}

/** The pg-boss backend. `databaseUrl` is the application's own PostgreSQL database. */
export function createPgBossBackend(databaseUrl: string, options: PgBossBackendOptions = {}): QueueBackend {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: PGBOSS_SCHEMA,
    application_name: "commerce-sync-queue",
    max: 4,
    supervise: true,
    schedule: false,
    migrate: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  boss.on("error", (error) => options.onError?.(error));
  const sql = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    application_name: "commerce-sync-queue-admin",
  });
  sql.on("error", () => {});
  const locks = createPostgresLockProvider(databaseUrl, { maxConnections: options.maxLockConnections });
  const kinds = [...JOB_KINDS, ...(options.extraKinds ?? [])];
  const created = new Set<string>();
  let rotation = 0;
  const leaseSeconds = Math.max(1, options.leaseSeconds ?? DEFAULT_LEASE_SECONDS);

  /** True while `job` is still this claim's: active (not expired by maintenance and retried meanwhile). */
  async function stillActive(job: ClaimedJob): Promise<boolean> {
    const result = await sql.query(
      `SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND id = $2 AND state = 'active'`,
      [job.kind, job.id],
    );
    return result.rowCount === 1;
  }

  async function ensureQueue(kind: string) {
    if (created.has(kind)) return;
    // Idempotent: pg-boss ignores a queue that already exists.
    await boss.createQueue(kind, { name: kind, policy: "short" });
    created.add(kind);
  }

  function sendOptions(kind: string, meta: BossData["meta"], runAt: Date | undefined, singletonKey: string) {
    const backoff = { ...DEFAULT_BACKOFF, ...meta.backoff };
    return {
      singletonKey,
      retryLimit: Math.max(0, meta.maxAttempts - 1 - meta.priorAttempts),
      // pg-boss counts retry delays in whole seconds.
      retryDelay: backoff.initialDelayMs === 0 ? 0 : Math.max(1, Math.ceil(backoff.initialDelayMs / 1000)),
      retryBackoff: backoff.factor > 1,
      // pg-boss takes whole seconds here; renewals set the exact interval.
      expireInSeconds: options.expireInSeconds?.[kind] ?? Math.ceil(leaseSeconds),
      ...(runAt ? { startAfter: runAt } : {}),
    };
  }

  /**
   * A job with this dedupe key waiting out a failed attempt's backoff (pg-boss state `retry`, which the `short`
   * policy does not count as waiting) answers for it, as on the embedded queue: it runs at `runAt` if that is sooner
   * (a merchant who fixed the store and pressed "Sync now" does not wait up to an hour), and no second job is made
   * beside it to run again when its backoff ends.
   */
  async function bringRetryForward(
    kind: string,
    singletonKey: string,
    runAt: Date,
  ): Promise<EnqueueResult | null> {
    const found = await sql.query<{ id: string; later: boolean }>(
      `SELECT id, start_after > $3 AS later FROM ${PGBOSS_SCHEMA}.job
        WHERE name = $1 AND singleton_key = $2 AND state = 'retry' LIMIT 1`,
      [kind, singletonKey, runAt],
    );
    const job = found.rows[0];
    if (!job) return null;
    if (!job.later) return { id: job.id, created: false };
    const moved = await sql.query(
      `UPDATE ${PGBOSS_SCHEMA}.job SET start_after = $3 WHERE name = $1 AND id = $2 AND state = 'retry'`,
      [kind, job.id, runAt],
    );
    // Picked up (or ended) in between: it runs now either way.
    return { id: job.id, created: false, ...(moved.rowCount ? { broughtForward: true } : {}) };
  }

  async function findWaiting(kind: string, singletonKey: string): Promise<string | null> {
    const result = await sql.query<{ id: string }>(
      `SELECT id FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state = 'created' LIMIT 1`,
      [kind, singletonKey],
    );
    return result.rows[0]?.id ?? null;
  }

  return {
    name: "pg-boss",
    locksAtRunTime: true,
    locks,

    async start() {
      await boss.start();
      for (const kind of kinds) await ensureQueue(kind);
    },

    async enqueue(kind, payload, opts: EnqueueOptions): Promise<EnqueueResult> {
      await ensureQueue(kind);
      const meta: BossData["meta"] = {
        concurrencyKey: opts.concurrencyKey ?? null,
        dedupeKey: opts.dedupeKey ?? null,
        maxAttempts: Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
        ...(opts.backoff ? { backoff: opts.backoff } : {}),
        priorAttempts: 0,
      };
      const singletonKey = opts.dedupeKey ?? randomUUID();
      if (opts.dedupeKey) {
        const retrying = await bringRetryForward(kind, singletonKey, opts.runAt ?? new Date());
        if (retrying) return retrying;
      }
      // A refused send means a job with this dedupe key is waiting; if it got picked up meanwhile, send again.
      for (let i = 0; i < 3; i++) {
        const id = await boss.send(
          kind,
          { payload, meta } as object,
          sendOptions(kind, meta, opts.runAt, singletonKey),
        );
        if (id) return { id, created: true };
        const waiting = await findWaiting(kind, singletonKey);
        if (waiting) return { id: waiting, created: false };
      }
      throw new Error(`Could not enqueue ${kind} with dedupe key ${opts.dedupeKey}`);
    },

    async claim(wanted) {
      // Round-robin over kinds so a busy kind cannot starve the others.
      for (let i = 0; i < wanted.length; i++) {
        const kind = wanted[(rotation + i) % wanted.length];
        await ensureQueue(kind);
        const jobs = await boss.fetch<BossData>(kind, { batchSize: 1, includeMetadata: true });
        const job = jobs[0];
        if (!job) continue;
        rotation = (rotation + i + 1) % wanted.length;
        const data = job.data;
        return {
          id: job.id,
          kind,
          payload: data.payload,
          attempt: data.meta.priorAttempts + job.retryCount + 1,
          maxAttempts: data.meta.maxAttempts,
          concurrencyKey: data.meta.concurrencyKey,
          dedupeKey: data.meta.dedupeKey,
          backoff: data.meta.backoff,
        } satisfies ClaimedJob;
      }
      return null;
    },

    async renew(job) {
      // The deadline pg-boss checks is started_on + expire_in (PostgreSQL's clock on both sides).
      const result = await sql.query(
        `UPDATE ${PGBOSS_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $3)
         WHERE name = $1 AND id = $2 AND state = 'active'`,
        [job.kind, job.id, leaseSeconds],
      );
      return result.rowCount === 1;
    },

    async complete(job) {
      await boss.complete(job.kind, job.id);
    },

    async fail(job, _workerId, failure, retryable) {
      // Lost to maintenance (its lease ran out): pg-boss already counted that attempt and put it back.
      if (!(await stillActive(job))) return "retrying";
      const retrying = retryable && job.attempt < job.maxAttempts;
      if (!retrying) {
        // pg-boss retries while retry_count < retry_limit; closing the gap makes this failure final.
        await sql.query(
          `UPDATE ${PGBOSS_SCHEMA}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`,
          [job.kind, job.id],
        );
      }
      await boss.fail(job.kind, job.id, {
        message: `Attempt ${job.attempt}/${job.maxAttempts}: ${failure.message}`,
        ...(failure.code ? { code: failure.code } : {}),
      });
      return retrying ? "retrying" : "failed";
    },

    async defer(job, _workerId, delayMs, payload) {
      // Lost to maintenance: the retry pg-boss made is the continuation.
      if (!(await stillActive(job))) return;
      const meta: BossData["meta"] = {
        concurrencyKey: job.concurrencyKey,
        dedupeKey: job.dedupeKey,
        maxAttempts: job.maxAttempts,
        ...(job.backoff ? { backoff: job.backoff } : {}),
        priorAttempts: job.attempt - 1,
      };
      // Send the continuation before completing this one: a crash in between leaves a duplicate, never a loss.
      // If a job with the same dedupe key is already waiting, pg-boss refuses this one, which is what we want.
      await boss.send(
        job.kind,
        { payload: payload === undefined ? job.payload : payload, meta } as object,
        sendOptions(job.kind, meta, new Date(Date.now() + delayMs), job.dedupeKey ?? randomUUID()),
      );
      await boss.complete(job.kind, job.id, { deferred: true });
    },

    async listJobs(filter: ListJobsFilter): Promise<JobInfo[]> {
      const integrationIds = filter.integrationIds;
      if (integrationIds && integrationIds.length === 0) return [];
      // pg-boss's job states (its `job_state` enum) of each of ours.
      const states: Record<JobStatus, string[]> = {
        queued: ["created", "retry"],
        running: ["active"],
        succeeded: ["completed"],
        failed: ["failed"],
        cancelled: ["cancelled"],
      };
      const result = await sql.query<{
        id: string;
        name: string;
        state: string;
        data: BossData;
        retry_count: number;
        output: unknown;
        start_after: Date;
        created_on: Date;
        completed_on: Date | null;
        lease_until: Date | null;
      }>(
        // $2 is typed as pg-boss's enum, not text: the planner then sees constant states and can use pg-boss's
        // partial index of waiting jobs (`state < 'active'`). `state::text`, or a text array cast to the enum
        // (a cast not folded at planning), reads every row of the queues listed. ADR 0049, queue reads addendum.
        `SELECT id, name, state::text AS state, data, retry_count, output, start_after, created_on, completed_on,
                CASE WHEN state = 'active' THEN started_on + expire_in END AS lease_until
         FROM ${PGBOSS_SCHEMA}.job
         WHERE ($1::text[] IS NULL OR name = ANY($1::text[]))
           AND ($2::${PGBOSS_SCHEMA}.job_state[] IS NULL OR state = ANY($2::${PGBOSS_SCHEMA}.job_state[]))
           AND ($4::text IS NULL OR singleton_key = $4::text)
           AND ($5::text[] IS NULL OR data->'payload'->>'integrationId' = ANY($5::text[])
                OR (data->'payload'->>'integrationId' IS NULL AND data->'meta'->>'concurrencyKey' = ANY($6::text[])))
           AND NOT (state = 'completed' AND COALESCE(output->>'deferred', '') = 'true')
         ORDER BY created_on DESC, id DESC
         LIMIT $3`,
        [
          filter.kinds ?? null,
          filter.status ? states[filter.status] : null,
          filter.limit ?? 50,
          filter.dedupeKey ?? null,
          integrationIds ?? null,
          integrationIds ? integrationIds.flatMap(lockKeysOf) : null,
        ],
      );
      return result.rows.map((row) => {
        const meta = row.data?.meta;
        const status = mapState(row.state);
        const started = row.state !== "created";
        return {
          id: row.id,
          kind: row.name,
          status,
          payload: row.data?.payload,
          attempts: (meta?.priorAttempts ?? 0) + (started ? row.retry_count + 1 : row.retry_count),
          maxAttempts: meta?.maxAttempts ?? 1,
          lastError: status === "succeeded" ? null : errorFromOutput(row.output),
          lastErrorCode: status === "succeeded" ? null : errorCodeFromOutput(row.output),
          concurrencyKey: meta?.concurrencyKey ?? null,
          dedupeKey: meta?.dedupeKey ?? null,
          runAt: row.start_after,
          createdAt: row.created_on,
          finishedAt: row.completed_on,
          leaseExpiresAt: row.lease_until,
        };
      });
    },

    async prune() {
      // pg-boss archives and deletes finished jobs itself (its maintenance, `retention*` / `deleteAfter*` settings).
      return 0;
    },

    async close() {
      await boss.stop({ graceful: false, close: true, wait: true });
      await Promise.all([locks.close(), sql.end()]);
    },
  };
}
