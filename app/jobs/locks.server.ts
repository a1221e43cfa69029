/**
 * Concurrency locks: "only one holder of key K at a time", enforced by the database so several processes (and
 * several machines on PostgreSQL) agree.
 *
 * - SQLite: a lease row in the Job table (kind `__lock`, status `running`, `concurrencyKey` = K) inserted only if no
 *   live row holds K, renewed while held. The embedded queue's claim query sees the same rows, so a lock taken by the
 *   CLI blocks queued jobs with that concurrency key and vice versa. A crashed holder's lease simply expires.
 * - PostgreSQL: a session-level advisory lock `pg_try_advisory_lock(hashtext('commerce-sync'), hashtext(K))` held on
 *   a dedicated connection for as long as the work runs. If the process dies, the connection closes and PostgreSQL
 *   releases the lock; no lease to expire.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { advisoryLockKeySql } from "../db/advisory-lock-key";
import type { AppDb } from "../db/client.server";
import { sqlDate } from "../db/sql-date";
import type { ConcurrencyLock } from "./types";
import { resumableAbort } from "./abort";

export const LOCK_JOB_KIND = "__lock";

export interface LockProvider {
  /** The lock, or null when someone else holds `key` right now. Never waits. */
  tryAcquire(key: string, holderId: string): Promise<ConcurrencyLock | null>;
  close(): Promise<void>;
}

export interface LockProviderOptions {
  /** SQLite lease length; renewed every third of it while held. */
  leaseMs?: number;
  now?: () => Date;
  /** Reports a lost lock (the holder's signal is aborted too). */
  onLost?: (key: string, reason: string) => void;
}

/** Job-table leases (SQLite). */
export function createSqliteLockProvider(db: AppDb, options: LockProviderOptions = {}): LockProvider {
  const leaseMs = options.leaseMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  return {
    async tryAcquire(key, holderId) {
      const at = now();
      // Leftovers of crashed holders: removing them keeps the table small; the NOT EXISTS below ignores them anyway.
      await db.$executeRawUnsafe(
        `DELETE FROM "Job" WHERE "kind" = ? AND "concurrencyKey" = ? AND "lockedUntil" < ?`,
        LOCK_JOB_KIND,
        key,
        sqlDate("sqlite", at),
      );
      const id = `lock_${randomUUID()}`;
      const inserted = await db.$executeRawUnsafe(
        `INSERT INTO "Job" ("id", "kind", "payload", "status", "concurrencyKey", "runAt", "attempts", "maxAttempts",
                            "lockedBy", "lockedUntil", "createdAt")
         SELECT ?, ?, '{}', 'running', ?, ?, 1, 1, ?, ?, ?
         WHERE NOT EXISTS (
           SELECT 1 FROM "Job" WHERE "concurrencyKey" = ? AND "status" = 'running' AND "lockedUntil" >= ?
         )`,
        id,
        LOCK_JOB_KIND,
        key,
        sqlDate("sqlite", at),
        holderId,
        sqlDate("sqlite", new Date(at.getTime() + leaseMs)),
        sqlDate("sqlite", at),
        key,
        sqlDate("sqlite", at),
      );
      if (inserted !== 1) return null;

      const controller = new AbortController();
      const lose = (reason: string) => {
        if (controller.signal.aborted) return;
        options.onLost?.(key, reason);
        controller.abort(resumableAbort(`Lost the lock on ${key}: ${reason}`));
      };
      let renewing: Promise<void> = Promise.resolve();
      const timer = setInterval(
        () => {
          renewing = (async () => {
            const t = now();
            try {
              const renewed = await db.job.updateMany({
                where: { id, status: "running", lockedUntil: { gte: t } },
                data: { lockedUntil: new Date(t.getTime() + leaseMs) },
              });
              if (renewed.count !== 1) lose("the lease expired before it could be renewed");
            } catch (error) {
              lose(`renewing the lease failed: ${(error as Error).message}`);
            }
          })();
        },
        Math.max(10, Math.floor(leaseMs / 3)),
      );
      timer.unref?.();

      return {
        key,
        signal: controller.signal,
        async release() {
          clearInterval(timer);
          await renewing;
          await db.job.deleteMany({ where: { id } });
        },
      };
    },
    async close() {},
  };
}

/** Advisory locks on dedicated connections (PostgreSQL). */
export function createPostgresLockProvider(
  databaseUrl: string,
  options: LockProviderOptions & { maxConnections?: number } = {},
): LockProvider {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    application_name: "commerce-sync-locks",
  });
  // An idle client's error (server restart) must not crash the process; held clients report through their own handler.
  pool.on("error", () => {});
  const LOCK_SQL = `SELECT pg_try_advisory_lock(${advisoryLockKeySql("$1")}) AS "locked"`;
  const UNLOCK_SQL = `SELECT pg_advisory_unlock(${advisoryLockKeySql("$1")}) AS "unlocked"`;
  return {
    async tryAcquire(key) {
      const client = await pool.connect();
      let locked = false;
      try {
        const result = await client.query<{ locked: boolean }>(LOCK_SQL, [key]);
        locked = result.rows[0]?.locked === true;
      } catch (error) {
        client.release(true);
        throw error;
      }
      if (!locked) {
        client.release();
        return null;
      }
      const controller = new AbortController();
      const onError = (error: Error) => {
        if (controller.signal.aborted) return;
        options.onLost?.(key, error.message);
        controller.abort(resumableAbort(`Lost the lock on ${key}: ${error.message}`));
      };
      client.on("error", onError);
      let released = false;
      return {
        key,
        signal: controller.signal,
        async release() {
          if (released) return;
          released = true;
          client.off("error", onError);
          try {
            await client.query(UNLOCK_SQL, [key]);
            client.release();
          } catch {
            // Destroying the connection releases every session lock it held.
            client.release(true);
          }
        },
      };
    },
    async close() {
      await pool.end();
    },
  };
}
