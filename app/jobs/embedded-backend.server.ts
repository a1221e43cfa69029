/**
 * Embedded queue backend: jobs are rows of the Job table (SQLite default).
 *
 * A worker claims a job with one UPDATE … RETURNING that also sets a lease (`lockedBy`, `lockedUntil`); the lease is
 * renewed while the job runs. SQLite serialises writers, so the claim and the "no running job holds this
 * concurrency key" check are atomic across every process sharing the file (the app and `npm run worker`). A job
 * whose worker died keeps status `running` until its lease expires; the next claim takes it again (that counts as an
 * attempt, so a job that crashes its worker every time still ends as `failed`).
 */
import { randomUUID } from "node:crypto";
import type { AppDb } from "../db/client.server";
import { sqlDate } from "../db/sql-date";
import { parseJsonValue } from "../lib/json";
import type { ClaimedJob, ListJobsFilter, QueueBackend } from "./backend";
import { lockKeysOf } from "./enqueue.server";
import { LOCK_JOB_KIND, createSqliteLockProvider } from "./locks.server";
import {
  DEFAULT_MAX_ATTEMPTS,
  JOB_WORKER_LOST,
  backoffDelayMs,
  type BackoffOptions,
  type EnqueueOptions,
  type EnqueueResult,
  type JobInfo,
  type JobStatus,
} from "./types";

/** What the payload column holds: the caller's payload plus what the runner keeps about the job beside it. */
interface StoredPayload {
  data: unknown;
  backoff?: BackoffOptions;
  /**
   * The stable code of `lastError` (JobInfo.lastErrorCode), written with it by `fail`: here rather than in a column of
   * its own, so no migration, and never inside `lastError`, which merchants read (ADR 0005, error codes addendum).
   */
  errorCode?: string;
}

/** The payload column's value for a job: its data, its backoff, and the code of its last error when it has one. */
function storedPayload(
  data: unknown,
  backoff: BackoffOptions | undefined,
  errorCode?: string | null,
): object {
  return { data, ...(backoff ? { backoff } : {}), ...(errorCode ? { errorCode } : {}) };
}

interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  status: string;
  concurrencyKey: string | null;
  dedupeKey: string | null;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface EmbeddedBackendOptions {
  /** How long a claim stays valid without renewal (renewed every third of it). */
  leaseMs?: number;
  now?: () => Date;
}

function parseStored(value: unknown): StoredPayload {
  const v = parseJsonValue<unknown>(value, null);
  if (v && typeof v === "object" && "data" in v) return v as StoredPayload;
  // Rows written by hand (or older code) hold the payload itself.
  return { data: v };
}

/**
 * SQL for the integration a row's stored payload names, NULL when it names none: its `integrationId` inside the
 * stored `data`, or at the top on a row holding the payload itself (as `parseStored` reads it). `json_extract(…, '$')`
 * gives the object's text both for a JSON object and for a JSON string holding one (a payload handed to Prisma as
 * text); a payload that is not JSON names none rather than failing the query.
 */
const PAYLOAD_TEXT_SQL = `json_extract("payload", '$')`;
const PAYLOAD_INTEGRATION_SQL = `(CASE WHEN json_valid("payload") AND json_valid(${PAYLOAD_TEXT_SQL}) THEN COALESCE(
  json_extract(${PAYLOAD_TEXT_SQL}, '$.data.integrationId'), json_extract(${PAYLOAD_TEXT_SQL}, '$.integrationId')) END)`;

/**
 * SQL for the payload column with the error code `?` (its one parameter, given twice) in the envelope, as `fail`
 * writes it: set in a stored envelope; a row holding the payload itself (`parseStored`) is wrapped as `{ data }`
 * first, so the code never becomes part of the caller's payload. A payload that is not JSON is left as it is.
 */
const WITH_ERROR_CODE_SQL = `(CASE
  WHEN json_valid("payload") AND json_valid(${PAYLOAD_TEXT_SQL}) AND json_type(${PAYLOAD_TEXT_SQL}) = 'object'
       AND json_type(${PAYLOAD_TEXT_SQL}, '$.data') IS NOT NULL
    THEN json_set(${PAYLOAD_TEXT_SQL}, '$.errorCode', ?)
  WHEN json_valid("payload") AND json_valid(${PAYLOAD_TEXT_SQL})
    THEN json_object('data', json(${PAYLOAD_TEXT_SQL}), 'errorCode', ?)
  ELSE "payload" END)`;

function toClaimed(row: JobRow): ClaimedJob {
  const stored = parseStored(row.payload);
  return {
    id: row.id,
    kind: row.kind,
    payload: stored.data,
    attempt: row.attempts,
    maxAttempts: row.maxAttempts,
    concurrencyKey: row.concurrencyKey,
    dedupeKey: row.dedupeKey,
    backoff: stored.backoff,
    lastErrorCode: stored.errorCode ?? null,
  };
}

/**
 * The embedded backend's enqueue with a dedupe key, as SQL: inserts the job unless one with the same key is waiting
 * (one statement, so two enqueuers cannot both win). Shared with the SQLite webhook intake
 * (app/jobs/webhook-intake-store.server.ts), which runs it on the same connection and in the same transaction as the
 * event row it belongs to, so the two cannot drift apart.
 */
export const ENQUEUE_DEDUPED_SQL = `INSERT INTO "Job" ("id", "kind", "payload", "status", "concurrencyKey", "dedupeKey", "runAt", "attempts",
                    "maxAttempts", "createdAt")
 SELECT ?, ?, ?, 'queued', ?, ?, ?, 0, ?, ?
 WHERE NOT EXISTS (SELECT 1 FROM "Job" WHERE "dedupeKey" = ? AND "status" = 'queued')`;

/** The parameters of ENQUEUE_DEDUPED_SQL for one job. */
export function dedupedJobParams(
  id: string,
  kind: string,
  payload: unknown,
  opts: EnqueueOptions & { dedupeKey: string },
  at: Date,
): Array<string | number | null> {
  const stored: StoredPayload = { data: payload, ...(opts.backoff ? { backoff: opts.backoff } : {}) };
  return [
    id,
    kind,
    JSON.stringify(stored),
    opts.concurrencyKey ?? null,
    opts.dedupeKey,
    sqlDate("sqlite", opts.runAt ?? at),
    Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    sqlDate("sqlite", at),
    opts.dedupeKey,
  ];
}

/** The Job-table backend. */
export function createEmbeddedBackend(db: AppDb, options: EmbeddedBackendOptions = {}): QueueBackend {
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const locks = createSqliteLockProvider(db, { leaseMs, now });

  return {
    name: "embedded",
    locksAtRunTime: false,
    locks,
    async start() {},

    async enqueue(kind, payload, opts: EnqueueOptions): Promise<EnqueueResult> {
      const id = randomUUID();
      const at = now();
      const stored: StoredPayload = { data: payload, ...(opts.backoff ? { backoff: opts.backoff } : {}) };
      const runAt = opts.runAt ?? at;
      const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
      if (!opts.dedupeKey) {
        await db.job.create({
          data: {
            id,
            kind,
            payload: stored as object,
            concurrencyKey: opts.concurrencyKey ?? null,
            runAt,
            maxAttempts,
            createdAt: at,
          },
        });
        return { id, created: true };
      }
      // Insert only if no job with this dedupe key is waiting; one statement, so two enqueuers cannot both win.
      const inserted = await db.$executeRawUnsafe(
        ENQUEUE_DEDUPED_SQL,
        ...dedupedJobParams(id, kind, payload, { ...opts, dedupeKey: opts.dedupeKey }, at),
      );
      if (inserted === 1) return { id, created: true };
      // A job waiting out a failed attempt's backoff runs when asked for again, as on pg-boss (bringRetryForward):
      // a merchant who fixed the store and pressed "Sync now" does not wait up to an hour.
      const forward = await db.job.updateMany({
        where: { dedupeKey: opts.dedupeKey, status: "queued", attempts: { gt: 0 }, runAt: { gt: runAt } },
        data: { runAt },
      });
      const existing = await db.job.findFirst({
        where: { dedupeKey: opts.dedupeKey, status: "queued" },
        select: { id: true },
      });
      return {
        id: existing?.id ?? id,
        created: false,
        ...(forward.count > 0 ? { broughtForward: true } : {}),
      };
    },

    async claim(kinds, workerId) {
      if (kinds.length === 0) return null;
      const at = now();
      const atText = sqlDate("sqlite", at);
      // A job whose worker vanished on its last attempt must not run again: fail it, naming why, with the code of
      // that (JOB_WORKER_LOST, in place of the previous attempt's, which no longer tells why the job ended), as
      // pg-boss's expiry reads. An earlier attempt's expired lease is simply claimed again below.
      await db.$executeRawUnsafe(
        `UPDATE "Job" SET "status" = 'failed', "finishedAt" = ?, "lockedBy" = NULL, "lockedUntil" = NULL,
                "lastError" = 'Attempt ' || "attempts" || '/' || "maxAttempts" ||
                              ': the worker stopped (crash or kill) while running it and its lease expired'
                              || COALESCE(char(10) || 'Previous error: ' || "lastError", ''),
                "payload" = ${WITH_ERROR_CODE_SQL}
         WHERE "status" = 'running' AND "kind" <> ? AND "lockedUntil" < ? AND "attempts" >= "maxAttempts"`,
        atText,
        JOB_WORKER_LOST,
        JOB_WORKER_LOST,
        LOCK_JOB_KIND,
        atText,
      );
      const placeholders = kinds.map(() => "?").join(", ");
      const rows = await db.$queryRawUnsafe<JobRow[]>(
        `UPDATE "Job" SET "status" = 'running', "lockedBy" = ?, "lockedUntil" = ?, "attempts" = "attempts" + 1
         WHERE "id" = (
           SELECT j."id" FROM "Job" j
           WHERE j."kind" IN (${placeholders})
             AND ((j."status" = 'queued' AND j."runAt" <= ?) OR (j."status" = 'running' AND j."lockedUntil" < ?))
             AND (j."concurrencyKey" IS NULL OR NOT EXISTS (
               SELECT 1 FROM "Job" r
               WHERE r."concurrencyKey" = j."concurrencyKey" AND r."status" = 'running' AND r."lockedUntil" >= ?
                 AND r."id" <> j."id"))
           ORDER BY j."runAt", j."createdAt", j."id"
           LIMIT 1)
         RETURNING "id", "kind", "payload", "status", "concurrencyKey", "dedupeKey", "runAt", "attempts",
                   "maxAttempts", "lastError", "createdAt", "finishedAt"`,
        workerId,
        sqlDate("sqlite", new Date(at.getTime() + leaseMs)),
        ...kinds,
        atText,
        atText,
        atText,
      );
      return rows[0] ? toClaimed(rows[0]) : null;
    },

    async renew(job, workerId) {
      const result = await db.job.updateMany({
        where: { id: job.id, lockedBy: workerId, status: "running" },
        data: { lockedUntil: new Date(now().getTime() + leaseMs) },
      });
      return result.count === 1;
    },

    async complete(job, workerId) {
      await db.job.updateMany({
        where: { id: job.id, lockedBy: workerId, status: "running" },
        data: { status: "succeeded", finishedAt: now(), lockedBy: null, lockedUntil: null },
      });
    },

    async fail(job, workerId, failure, retryable) {
      const at = now();
      const lastError = `Attempt ${job.attempt}/${job.maxAttempts}: ${failure.message}`;
      // The code goes with the message it belongs to, in the same write (none: the previous attempt's is removed).
      const payload = storedPayload(job.payload, job.backoff, failure.code);
      const retrying = retryable && job.attempt < job.maxAttempts;
      await db.job.updateMany({
        where: { id: job.id, lockedBy: workerId, status: "running" },
        data: retrying
          ? {
              status: "queued",
              runAt: new Date(at.getTime() + backoffDelayMs(job.backoff, job.attempt)),
              lockedBy: null,
              lockedUntil: null,
              lastError,
              payload,
            }
          : { status: "failed", finishedAt: at, lockedBy: null, lockedUntil: null, lastError, payload },
      });
      return retrying ? "retrying" : "failed";
    },

    async defer(job, workerId, delayMs, payload) {
      await db.job.updateMany({
        where: { id: job.id, lockedBy: workerId, status: "running" },
        data: {
          status: "queued",
          runAt: new Date(now().getTime() + delayMs),
          attempts: { decrement: 1 },
          lockedBy: null,
          lockedUntil: null,
          ...(payload === undefined
            ? {}
            : { payload: storedPayload(payload, job.backoff, job.lastErrorCode) }),
        },
      });
    },

    async listJobs(filter: ListJobsFilter): Promise<JobInfo[]> {
      const integrationIds = filter.integrationIds;
      if (integrationIds && integrationIds.length === 0) return [];
      // Raw SQL: the integration filter reads a path inside the JSON payload, which Prisma's JSON filters do not
      // offer on SQLite. No column holds a job's integration; with a status, its index narrows the rows read. Lists
      // go as one JSON parameter each (json_each), so any number of stores is one statement.
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (filter.kinds) {
        where.push(`"kind" IN (SELECT value FROM json_each(?))`);
        params.push(JSON.stringify(filter.kinds));
      } else {
        where.push(`"kind" <> ?`);
        params.push(LOCK_JOB_KIND);
      }
      if (filter.status) {
        where.push(`"status" = ?`);
        params.push(filter.status);
      }
      if (filter.dedupeKey) {
        where.push(`"dedupeKey" = ?`);
        params.push(filter.dedupeKey);
      }
      if (integrationIds) {
        where.push(
          `(${PAYLOAD_INTEGRATION_SQL} IN (SELECT value FROM json_each(?))
            OR (${PAYLOAD_INTEGRATION_SQL} IS NULL AND "concurrencyKey" IN (SELECT value FROM json_each(?))))`,
        );
        params.push(JSON.stringify(integrationIds), JSON.stringify(integrationIds.flatMap(lockKeysOf)));
      }
      params.push(filter.limit ?? 50);
      const rows = await db.$queryRawUnsafe<Array<JobRow & { lockedUntil: Date | null }>>(
        `SELECT "id", "kind", "payload", "status", "concurrencyKey", "dedupeKey", "runAt", "attempts", "maxAttempts",
                "lastError", "createdAt", "finishedAt", "lockedUntil"
         FROM "Job"
         WHERE ${where.join(" AND ")}
         ORDER BY "createdAt" DESC, "id" DESC
         LIMIT ?`,
        ...params,
      );
      return rows.map((row) => {
        const stored = parseStored(row.payload);
        return {
          id: row.id,
          kind: row.kind,
          status: row.status as JobStatus,
          payload: stored.data,
          attempts: row.attempts,
          maxAttempts: row.maxAttempts,
          lastError: row.lastError,
          lastErrorCode: stored.errorCode ?? null,
          concurrencyKey: row.concurrencyKey,
          dedupeKey: row.dedupeKey,
          runAt: row.runAt,
          createdAt: row.createdAt,
          finishedAt: row.finishedAt,
          leaseExpiresAt: row.status === "running" ? row.lockedUntil : null,
        };
      });
    },

    async prune({ finishedBefore, failedBefore }) {
      const result = await db.job.deleteMany({
        where: {
          kind: { not: LOCK_JOB_KIND },
          OR: [
            { status: { in: ["succeeded", "cancelled"] }, finishedAt: { lt: finishedBefore } },
            { status: "failed", finishedAt: { lt: failedBefore } },
          ],
        },
      });
      return result.count;
    },

    async close() {
      await locks.close();
    },
  };
}
