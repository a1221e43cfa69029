/**
 * Fixed-window counters in the database (`RateLimitCounter`), shared by every process that uses the same database
 * (ADR 0057 addendum): several web processes on PostgreSQL count one client's attempts together, and a restart
 * forgets nothing.
 *
 * One row per key. A window starts at the key's first attempt and lasts `windowMs`; the next attempt after it starts
 * a new one (the fixed windows the in-memory limiter of ADR 0057 had). Counting is one statement,
 * `INSERT … ON CONFLICT ("key") DO UPDATE … RETURNING`: PostgreSQL locks the row for the update (a concurrent
 * insert of the same key waits and then takes the update branch), SQLite has one writer at a time, so two processes
 * counting at once always get two different counts and cannot both slip under a limit.
 *
 * Raw SQL because Prisma's `upsert` with `increment` cannot restart an expired window in the same statement, and
 * because it needs no generated client for this model.
 */
import type { AppDb } from "./client.server";
import { sqlDate } from "./sql-date";

export interface CountedAttempt {
  /** Attempts in the key's current window, this one included. */
  count: number;
  /** When the key's current window ends. */
  windowEndsAt: Date;
  /** Milliseconds from this attempt to the end of its window. */
  windowMsLeft: number;
}

export interface RateLimitCounters {
  /** Counts one attempt for `key` in its current window (a new window when none is running). */
  increment(key: string, windowMs: number): Promise<CountedAttempt>;
}

export interface RateLimitCounterOptions {
  now?: () => Date;
}

/** Counters in `db`'s `RateLimitCounter` table. */
export function createRateLimitCounters(db: AppDb, options: RateLimitCounterOptions = {}): RateLimitCounters {
  const now = options.now ?? (() => new Date());
  return {
    async increment(key, windowMs) {
      const at = now();
      // Rows of windows that have ended: nothing reads them again (the next attempt of their key would restart the
      // window anyway). One bounded batch here; the scheduler's tick deletes the rest (`pruneEndedCounters`), so the
      // table holds about the keys of current windows even when no attempt comes.
      await deleteEnded(db, at);
      const rows = await upsert(db, key, at, new Date(at.getTime() + windowMs));
      const row = rows[0];
      if (!row) throw new Error(`Counting rate limit attempt returned no row for ${key.split(":")[0]}`);
      const windowEndsAt = new Date(row.expiresAt);
      return { count: Number(row.count), windowEndsAt, windowMsLeft: windowEndsAt.getTime() - at.getTime() };
    },
  };
}

/**
 * Rows deleted per statement, both when an attempt is counted and when the scheduler prunes: a short write, so a
 * connect attempt never pays for a large backlog of ended windows (many clients that stopped at once) and the cleanup
 * never holds the table for long.
 */
export const ENDED_COUNTERS_PER_STATEMENT = 500;

/**
 * Deletes at most `limit` counters whose window ended at or before `at` (one statement; the `expiresAt` index finds
 * them). On PostgreSQL rows another process is counting right now are skipped (SKIP LOCKED): the cleanup never waits
 * for a lock, so it cannot deadlock with a count, and a later cleanup deletes what it skipped. Returns how many went.
 */
export async function deleteEnded(
  db: AppDb,
  at: Date,
  limit: number = ENDED_COUNTERS_PER_STATEMENT,
): Promise<number> {
  return db.$kind === "sqlite"
    ? db.$executeRawUnsafe(
        `DELETE FROM "RateLimitCounter" WHERE "key" IN (
           SELECT "key" FROM "RateLimitCounter" WHERE "expiresAt" <= ? LIMIT ?)`,
        sqlDate("sqlite", at),
        limit,
      )
    : db.$executeRawUnsafe(
        `DELETE FROM "RateLimitCounter" WHERE "key" IN (
           SELECT "key" FROM "RateLimitCounter" WHERE "expiresAt" <= $1::timestamp(3) LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
        sqlDate("postgres", at),
        limit,
      );
}

/**
 * Deletes every counter whose window has ended by `now`, a bounded batch per statement (the scheduler's tick,
 * app/jobs/scheduler.server.ts): without it the rows of clients that never come back stayed until some later attempt
 * was counted, however long that took. Rows skipped because a count holds them are left for the next tick. Returns
 * how many went.
 */
export async function pruneEndedCounters(
  db: AppDb,
  options: { now?: Date; batchSize?: number } = {},
): Promise<number> {
  const at = options.now ?? new Date();
  const batchSize = options.batchSize ?? ENDED_COUNTERS_PER_STATEMENT;
  let deleted = 0;
  for (;;) {
    const batch = await deleteEnded(db, at, batchSize);
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}

type CounterRow = { count: number | bigint; expiresAt: Date | string };

function upsert(db: AppDb, key: string, at: Date, endsAt: Date): Promise<CounterRow[]> {
  // Every SET expression reads the row as it was before this update (both databases), so both CASEs test the old
  // window end.
  const set = (p: (n: number) => string) => `
    INSERT INTO "RateLimitCounter" ("key", "count", "expiresAt") VALUES (${p(1)}, 1, ${p(2)})
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimitCounter"."expiresAt" <= ${p(3)} THEN 1
                     ELSE "RateLimitCounter"."count" + 1 END,
      "expiresAt" = CASE WHEN "RateLimitCounter"."expiresAt" <= ${p(3)} THEN excluded."expiresAt"
                         ELSE "RateLimitCounter"."expiresAt" END
    RETURNING "count", "expiresAt"`;
  if (db.$kind === "sqlite") {
    return db.$queryRawUnsafe<CounterRow[]>(
      set(() => "?"),
      key,
      sqlDate("sqlite", endsAt),
      sqlDate("sqlite", at),
      sqlDate("sqlite", at),
    );
  }
  return db.$queryRawUnsafe<CounterRow[]>(
    set((n) => (n === 1 ? "$1" : `$${n}::timestamp(3)`)),
    key,
    sqlDate("postgres", endsAt),
    sqlDate("postgres", at),
  );
}
