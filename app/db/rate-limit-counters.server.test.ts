import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from "../../tests/setup/db";
import { createPrismaClient, type AppDb } from "./client.server";
import { createRateLimitCounters, deleteEnded, pruneEndedCounters } from "./rate-limit-counters.server";
import { sqlDate } from "./sql-date";

const START = Date.parse("2026-12-03T10:00:00Z");
const TEN_MINUTES_MS = 600_000;

async function rows(db: AppDb) {
  const found = await db.$queryRawUnsafe<{ key: string; count: number | bigint }[]>(
    `SELECT "key", "count" FROM "RateLimitCounter" ORDER BY "key"`,
  );
  return found.map((row) => ({ key: row.key, count: Number(row.count) }));
}

/** `count` rows whose windows ended at `endedAt`, written directly (as many clients that stopped at once leave them). */
async function seedEnded(db: AppDb, count: number, endedAt: Date) {
  for (let start = 0; start < count; start += 200) {
    const keys = Array.from({ length: Math.min(200, count - start) }, (_, i) => `k:ended-${start + i}`);
    const values = keys.map((_, i) =>
      db.$kind === "sqlite" ? "(?, 3, ?)" : `($${2 * i + 1}, 3, $${2 * i + 2}::timestamp(3))`,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO "RateLimitCounter" ("key", "count", "expiresAt") VALUES ${values.join(", ")}`,
      ...keys.flatMap((key) => [key, sqlDate(db.$kind, endedAt)]),
    );
  }
}

describe.each(DATABASE_KINDS)("rate limit counters on %s", (kind) => {
  let t: TestDatabase;
  let clock: number;
  const now = () => new Date(clock);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t.cleanup();
  });
  beforeEach(async () => {
    clock = START;
    await t.db.$executeRawUnsafe(`DELETE FROM "RateLimitCounter"`);
  });

  it("counts attempts of one key within its window and says when the window ends", async () => {
    const counters = createRateLimitCounters(t.db, { now });
    expect(await counters.increment("k:a", TEN_MINUTES_MS)).toEqual({
      count: 1,
      windowEndsAt: new Date(START + TEN_MINUTES_MS),
      windowMsLeft: TEN_MINUTES_MS,
    });
    clock += 60_000;
    expect(await counters.increment("k:a", TEN_MINUTES_MS)).toEqual({
      count: 2,
      windowEndsAt: new Date(START + TEN_MINUTES_MS),
      windowMsLeft: 540_000,
    });
    expect((await counters.increment("k:b", TEN_MINUTES_MS)).count).toBe(1);
  });

  it("starts a new window at the first attempt after the window has ended", async () => {
    const counters = createRateLimitCounters(t.db, { now });
    for (let i = 0; i < 3; i++) await counters.increment("k:a", TEN_MINUTES_MS);
    clock += TEN_MINUTES_MS - 1;
    expect((await counters.increment("k:a", TEN_MINUTES_MS)).count).toBe(4);
    clock += 1;
    expect(await counters.increment("k:a", TEN_MINUTES_MS)).toEqual({
      count: 1,
      windowEndsAt: new Date(START + 2 * TEN_MINUTES_MS),
      windowMsLeft: TEN_MINUTES_MS,
    });
  });

  it("deletes the rows of ended windows as attempts are counted, so the table holds current windows only", async () => {
    const counters = createRateLimitCounters(t.db, { now });
    for (let i = 0; i < 50; i++) await counters.increment(`k:${i}`, 60_000);
    await counters.increment("k:long", TEN_MINUTES_MS);
    expect(await rows(t.db)).toHaveLength(51);
    clock += 60_000;
    await counters.increment("k:new", 60_000);
    expect(await rows(t.db)).toEqual([
      { key: "k:long", count: 1 },
      { key: "k:new", count: 1 },
    ]);
    expect(await deleteEnded(t.db, new Date(START + 2 * TEN_MINUTES_MS))).toBe(2);
    expect(await rows(t.db)).toEqual([]);
  });

  it("prunes every ended window in bounded batches, keeps the live ones, and the limits go on counting", async () => {
    const counters = createRateLimitCounters(t.db, { now });
    await counters.increment("k:live", TEN_MINUTES_MS);
    await counters.increment("k:live", TEN_MINUTES_MS);
    await counters.increment("k:short", 60_000);
    await seedEnded(t.db, 1_234, new Date(START - 1));
    clock = START + 60_000; // k:short's window ends now; k:live's runs for nine more minutes

    // One statement deletes one batch at most, however many windows have ended.
    expect(await deleteEnded(t.db, now(), 100)).toBe(100);
    expect(await pruneEndedCounters(t.db, { now: now(), batchSize: 100 })).toBe(1_134 + 1);
    expect(await rows(t.db)).toEqual([{ key: "k:live", count: 2 }]);
    expect(await pruneEndedCounters(t.db, { now: now() })).toBe(0);

    // The live window goes on counting where it was; a pruned key starts a new window.
    expect(await counters.increment("k:live", TEN_MINUTES_MS)).toMatchObject({
      count: 3,
      windowEndsAt: new Date(START + TEN_MINUTES_MS),
    });
    expect(await counters.increment("k:short", 60_000)).toEqual({
      count: 1,
      windowEndsAt: new Date(clock + 60_000),
      windowMsLeft: 60_000,
    });
  });

  it("deletes one bounded batch of ended windows per attempt, leaving the rest to the scheduler", async () => {
    await seedEnded(t.db, 1_234, new Date(START - 1));
    const counters = createRateLimitCounters(t.db, { now });
    expect((await counters.increment("k:a", TEN_MINUTES_MS)).count).toBe(1);
    expect(await rows(t.db)).toHaveLength(1_234 - 500 + 1);
    expect(await pruneEndedCounters(t.db, { now: now() })).toBe(1_234 - 500);
    expect(await rows(t.db)).toEqual([{ key: "k:a", count: 1 }]);
  });

  it("gives every one of many concurrent attempts from two processes its own count", async () => {
    // A second client with its own connections stands for a second app process.
    const other = createPrismaClient(t.url, { poolSize: 5, onIdleConnectionError: () => undefined });
    try {
      const first = createRateLimitCounters(t.db, { now });
      const second = createRateLimitCounters(other, { now });
      const counted = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).increment("k:busy", TEN_MINUTES_MS)),
      );
      expect(counted.map((c) => c.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(await rows(t.db)).toEqual([{ key: "k:busy", count: 40 }]);
    } finally {
      await other.$disconnect();
    }
  });
});
