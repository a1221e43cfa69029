import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_KINDS, type TestDatabase } from "../../tests/setup/db";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createPgBossBackend } from "./pgboss-backend.server";
import type { ListJobsFilter } from "./backend";
import { createJobQueue, type JobQueue, type JobQueueOptions } from "./queue.server";
import { DeferJobError, PermanentJobError, type JobContext } from "./types";

const FAST = { pollIntervalMs: 20 };

/** The runner is tested on kinds of its own. */
interface TestJobs {
  "test.restart": { n: number };
  "test.crashed": { n: number };
  "test.keyed": { key: string; i: number };
  "test.dedupe": { v: number };
  "test.poison": Record<string, never>;
  "test.permanent": Record<string, never>;
  "test.long": { step: string };
  "test.locked": Record<string, never>;
  "test.store": { integrationId?: string; n?: number };
}

/** Resolves when `check` holds, polling the database; the test's own timeout is the failure. */
async function until(check: () => Promise<boolean> | boolean, everyMs = 20): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(DATABASE_KINDS)("job queue on %s", (kind) => {
  let t: TestDatabase;
  const queues: JobQueue<TestJobs>[] = [];

  async function queue(options: JobQueueOptions = {}): Promise<JobQueue<TestJobs>> {
    const q = await createJobQueue<TestJobs>(t.db, {
      databaseUrl: t.url,
      leaseMs: 300,
      busyRetryDelayMs: 30,
      ...options,
      pgBoss: { maintenanceIntervalSeconds: 1, ...options.pgBoss },
    });
    queues.push(q);
    return q;
  }

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    for (const q of queues) await q.close();
    await t?.cleanup();
  });

  it("uses the backend that fits the database", async () => {
    const q = await queue();
    expect(q.backend).toBe(kind === "sqlite" ? "embedded" : "pg-boss");
    await q.close();
  });

  it("keeps queued and lease-expired jobs across a restart and runs them on a new queue instance", async () => {
    // GIVEN a queue that accepted two jobs and then went away
    const first = await queue();
    await first.enqueue("test.restart", { n: 1 });
    await first.enqueue("test.restart", { n: 2 });
    await first.close();
    // AND a worker that claimed a third job and died without finishing it
    const crashKind = "test.crashed";
    if (kind === "sqlite") {
      const dead = createEmbeddedBackend(t.db, { leaseMs: 50 });
      await dead.enqueue(crashKind, { n: 3 }, { backoff: { initialDelayMs: 0 } });
      expect(await dead.claim([crashKind], "dead-worker")).toMatchObject({ payload: { n: 3 }, attempt: 1 });
    } else {
      const dead = createPgBossBackend(t.url, { leaseSeconds: 1 });
      await dead.start();
      await dead.enqueue(crashKind, { n: 3 }, { backoff: { initialDelayMs: 0 } });
      expect(await dead.claim([crashKind], "dead-worker")).toMatchObject({ payload: { n: 3 }, attempt: 1 });
      await dead.close();
    }

    // WHEN a new queue instance starts working
    const second = await queue();
    const seen: { n: number; attempt: number }[] = [];
    await second.work(
      {
        "test.restart": async (p: { n: number }, ctx: JobContext) =>
          void seen.push({ n: p.n, attempt: ctx.attempt }),
        [crashKind]: async (p: { n: number }, ctx: JobContext) =>
          void seen.push({ n: p.n, attempt: ctx.attempt }),
      },
      { workerId: "w2", concurrency: 2, ...FAST },
    );

    // THEN every job runs exactly once more; the crashed one on its second attempt
    await until(() => seen.length === 3);
    expect(seen.map((s) => s.n).sort()).toEqual([1, 2, 3]);
    expect(seen.find((s) => s.n === 3)?.attempt).toBe(2);
    await until(
      async () => (await second.listJobs({ status: "succeeded", kinds: [crashKind] })).length === 1,
    );
    await second.close();
  });

  it("never runs two jobs with the same concurrency key at once across two workers, while other keys run alongside", async () => {
    // Two queue instances = two independent workers (two pg-boss instances on PostgreSQL).
    const q1 = await queue();
    const q2 = await queue();
    const active = new Map<string, number>();
    let overlaps = 0;
    const otherStarted = deferred();
    const done: string[] = [];
    for (let i = 0; i < 6; i++) await q1.enqueue("test.keyed", { key: "a", i }, { concurrencyKey: "a" });
    await q1.enqueue("test.keyed", { key: "b", i: 0 }, { concurrencyKey: "b" });

    const handler = () => async (p: { key: string; i: number }) => {
      active.set(p.key, (active.get(p.key) ?? 0) + 1);
      if ((active.get(p.key) ?? 0) > 1) overlaps++;
      if (p.key === "b") otherStarted.resolve();
      // The first "a" job waits until "b" runs: proves different keys run concurrently.
      if (p.key === "a" && !done.some((d) => d.startsWith("a"))) await otherStarted.promise;
      await new Promise((r) => setTimeout(r, 15));
      active.set(p.key, (active.get(p.key) ?? 0) - 1);
      done.push(`${p.key}${p.i}`);
    };
    await q1.work({ "test.keyed": handler() }, { workerId: "w1", concurrency: 4, ...FAST });
    await q2.work({ "test.keyed": handler() }, { workerId: "w2", concurrency: 4, ...FAST });
    await until(() => done.length === 7);
    expect(overlaps).toBe(0);
    expect(done.filter((d) => d.startsWith("a")).sort()).toEqual(["a0", "a1", "a2", "a3", "a4", "a5"]);
    await q1.close();
    await q2.close();
  });

  // The embedded (SQLite) backend; pg-boss defers a busy key's job by busyRetryDelayMs instead (not changed).
  it.runIf(kind === "sqlite")(
    "runs the next job of a busy concurrency key as soon as the holder finishes, not a poll interval later",
    async () => {
      const q = await queue();
      const done: number[] = [];
      for (let i = 0; i < 4; i++) await q.enqueue("test.keyed", { key: "c", i }, { concurrencyKey: "c" });
      // A poll interval far longer than the test may take: only finishing jobs can wake the loop in time.
      await q.work(
        { "test.keyed": async (p) => void done.push(p.i) },
        { workerId: "w-wake", concurrency: 2, pollIntervalMs: 600_000 },
      );
      await until(() => done.length === 4);
      expect(done.sort()).toEqual([0, 1, 2, 3]);
      await q.close();
    },
    20_000,
  );

  it("keeps at most one waiting job per dedupe key", async () => {
    const q = await queue();
    const one = await q.enqueue("test.dedupe", { v: 1 }, { dedupeKey: "reconcile:x" });
    const two = await q.enqueue("test.dedupe", { v: 2 }, { dedupeKey: "reconcile:x" });
    expect(one.created).toBe(true);
    expect(two).toEqual({ id: one.id, created: false });
    expect(await q.listJobs({ kinds: ["test.dedupe"] })).toHaveLength(1);

    const ran: number[] = [];
    await q.work(
      { "test.dedupe": async (p: { v: number }) => void ran.push(p.v) },
      { workerId: "w", ...FAST },
    );
    await until(() => ran.length === 1);
    await until(async () => (await q.listJobs({ kinds: ["test.dedupe"], status: "succeeded" })).length === 1);
    // Once the waiting job has run, the key is free again.
    const three = await q.enqueue("test.dedupe", { v: 3 }, { dedupeKey: "reconcile:x" });
    expect(three.created).toBe(true);
    await until(() => ran.length === 2);
    expect(ran).toEqual([1, 3]);
    await q.close();
  });

  it("runs a job asked for again now rather than after the backoff of its failed attempt", async () => {
    const q = await queue();
    const runs: number[] = [];
    const backoff = { initialDelayMs: 60 * 60_000 };
    const first = await q.enqueue(
      "test.dedupe",
      { v: 1 },
      { dedupeKey: "sync:now", maxAttempts: 3, backoff },
    );
    await q.work(
      {
        "test.dedupe": async (p: { v: number }) => {
          runs.push(p.v);
          if (runs.length === 1) throw new Error("the store is down");
        },
      },
      { workerId: "w", ...FAST },
    );
    await until(async () => (await q.listJobs({ kinds: ["test.dedupe"] })).some((j) => j.lastError));
    // The store is back: asked again, the sync runs now, not in an hour: the waiting job is brought forward and
    // says so, on both backends; no second job is made beside it (it would run again when the backoff ended).
    const again = await q.enqueue(
      "test.dedupe",
      { v: 2 },
      { dedupeKey: "sync:now", maxAttempts: 3, backoff },
    );
    expect(again).toEqual({ id: first.id, created: false, broughtForward: true });
    await until(() => runs.length === 2);
    expect(runs).toEqual([1, 1]);
    const thisKey = { kinds: ["test.dedupe"], dedupeKey: "sync:now" };
    await until(async () => (await q.listJobs({ ...thisKey, status: "succeeded" })).length === 1);
    expect(await q.listJobs(thisKey)).toHaveLength(1);
    await q.close();
  });

  it("retries with growing delays, then ends as failed with the error visible (a poison job does not loop)", async () => {
    const q = await queue();
    const initialDelayMs = kind === "sqlite" ? 40 : 1000; // pg-boss counts retry delays in whole seconds
    const maxAttempts = kind === "sqlite" ? 3 : 2;
    const { id } = await q.enqueue(
      "test.poison",
      {},
      { maxAttempts, backoff: { initialDelayMs, factor: 2 } },
    );
    const attempts: { attempt: number; startedAtMs: number; endedAtMs: number }[] = [];
    await q.work(
      {
        "test.poison": async (_p: unknown, ctx: JobContext) => {
          const startedAtMs = Date.now();
          attempts.push({ attempt: ctx.attempt, startedAtMs, endedAtMs: startedAtMs });
          attempts[attempts.length - 1].endedAtMs = Date.now();
          throw new Error(`boom on attempt ${ctx.attempt}`);
        },
      },
      { workerId: "w", ...FAST },
    );
    await until(async () => (await q.failedJobs()).some((j) => j.id === id));
    const [failed] = (await q.failedJobs()).filter((j) => j.id === id);
    expect(failed).toMatchObject({ status: "failed", attempts: maxAttempts, maxAttempts });
    expect(failed.lastError).toContain(
      `Attempt ${maxAttempts}/${maxAttempts}: boom on attempt ${maxAttempts}`,
    );
    expect(attempts.map((a) => a.attempt)).toEqual(Array.from({ length: maxAttempts }, (_, i) => i + 1));
    // The backoff is a lower bound on the gap between attempts: 1×, then 2× the initial delay.
    for (let i = 1; i < attempts.length; i++) {
      expect(attempts[i].startedAtMs - attempts[i - 1].endedAtMs).toBeGreaterThanOrEqual(
        initialDelayMs * 2 ** (i - 1) - 5,
      );
    }
    // Nothing is left to run: the worker does not pick it up again.
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toHaveLength(maxAttempts);
    await q.close();
  });

  it("fails a job at once on a PermanentJobError", async () => {
    const q = await queue();
    const { id } = await q.enqueue("test.permanent", {}, { maxAttempts: 5 });
    let calls = 0;
    await q.work(
      {
        "test.permanent": async () => {
          calls++;
          throw new PermanentJobError("payload names no integration");
        },
      },
      { workerId: "w", ...FAST },
    );
    await until(async () => (await q.failedJobs()).some((j) => j.id === id));
    expect(calls).toBe(1);
    const job = (await q.failedJobs()).find((j) => j.id === id);
    expect(job?.lastError).toContain("payload names no integration");
    await q.close();
  });

  it("lists only some integrations' jobs, filtered before the limit, and their failures alike", async () => {
    const q = await queue();
    const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id).sort();
    // Store A: a job naming it in its payload, and one naming it only by its lock key (webhook jobs queued before
    // the per-store drain). A job naming store C wins over its lock key's store.
    const a1 = await q.enqueue(
      "test.store",
      { integrationId: "store-a", n: 1 },
      { concurrencyKey: "sync:store-a" },
    );
    const a2 = await q.enqueue("test.store", {}, { concurrencyKey: "webhook:store-a" });
    const c = await q.enqueue("test.store", { integrationId: "store-c" }, { concurrencyKey: "sync:store-a" });
    // Newer: many jobs of store B, and jobs of no store.
    const b: string[] = [];
    for (let n = 0; n < 6; n++) b.push((await q.enqueue("test.store", { integrationId: "store-b", n })).id);
    await q.enqueue("test.store", { n: 99 });
    await q.enqueue("test.store", {}, { concurrencyKey: "other-key" });

    // The limit counts the integrations' own jobs: A's two are listed although six newer jobs of B exist.
    expect(ids(await q.listJobs({ integrationIds: ["store-a"], limit: 2 }))).toEqual(ids([a1, a2]));
    expect(ids(await q.listJobs({ integrationIds: ["store-a", "store-c"], status: "queued" }))).toEqual(
      ids([a1, a2, c]),
    );
    expect(ids(await q.listJobs({ integrationIds: ["store-b"], kinds: ["test.store"], limit: 50 }))).toEqual(
      [...b].sort(),
    );
    expect(await q.listJobs({ integrationIds: ["store-b"], status: "running" })).toEqual([]);
    expect(await q.listJobs({ integrationIds: ["store-x"] })).toEqual([]);
    // An empty list matches no job (not every job).
    expect(await q.listJobs({ integrationIds: [] })).toEqual([]);
    // Newest first, as without the filter (jobs enqueued in one millisecond may come either way); the payload and
    // the rest read as usual.
    const listed = await q.listJobs({ integrationIds: ["store-b"], limit: 3 });
    expect(listed).toHaveLength(3);
    expect(listed[0].createdAt.getTime()).toBeGreaterThanOrEqual(listed[1].createdAt.getTime());
    expect(listed[1].createdAt.getTime()).toBeGreaterThanOrEqual(listed[2].createdAt.getTime());
    expect(listed[0]).toMatchObject({
      kind: "test.store",
      status: "queued",
      attempts: 0,
      payload: { integrationId: "store-b" },
      runAt: expect.any(Date),
    });

    // Every one of them fails for good: the failures filter the same way. (On pg-boss a job that found its lock key
    // busy ran as a re-sent copy, under a new id: failures are told apart by payload.)
    await q.work(
      {
        "test.store": async () => {
          throw new PermanentJobError("the store is gone");
        },
      },
      { workerId: "w", concurrency: 4, ...FAST },
    );
    await until(async () => (await q.listJobs({ kinds: ["test.store"], status: "failed" })).length === 11);
    /** The jobs' payloads, in any order. */
    const payloadsOf = (jobs: { payload: unknown }[], expected: unknown[]) => {
      expect(jobs).toHaveLength(expected.length);
      expect(jobs.map((j) => j.payload)).toEqual(expect.arrayContaining(expected));
    };
    payloadsOf(await q.failedJobs(50, { integrationIds: ["store-a"] }), [
      { integrationId: "store-a", n: 1 },
      {},
    ]);
    expect(await q.failedJobs(1, { integrationIds: ["store-a"] })).toHaveLength(1);
    payloadsOf(await q.failedJobs(50, { integrationIds: ["store-c", "store-x"] }), [
      { integrationId: "store-c" },
    ]);
    expect(await q.failedJobs(50, { integrationIds: [] })).toEqual([]);
    expect((await q.failedJobs(50, { integrationIds: ["store-b"] }))[0]).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("the store is gone"),
      finishedAt: expect.any(Date),
    });
    expect(await q.listJobs({ integrationIds: ["store-a"], status: "queued" })).toEqual([]);
    await q.close();
  });

  it("lists by status exactly the jobs in those states, with and without the integration filter", async () => {
    const KIND = "test.states";
    const backend =
      kind === "sqlite"
        ? createEmbeddedBackend(t.db)
        : createPgBossBackend(t.url, { maintenanceIntervalSeconds: 3600, extraKinds: [KIND] });
    await backend.start();
    try {
      const store = { integrationId: "store-s" };
      /** Enqueues job `n` and claims it (it is the only one that can run). */
      const claimed = async (n: number, payload: object = { ...store, n }, maxAttempts = 1) => {
        const { id } = await backend.enqueue(KIND, payload, {
          maxAttempts,
          concurrencyKey: "sync:store-s",
          backoff: { initialDelayMs: 60_000 },
        });
        const job = await backend.claim([KIND], "w");
        expect(job?.id).toBe(id);
        return job!;
      };
      await backend.complete(await claimed(1), "w"); // succeeded
      await backend.fail(await claimed(2), "w", "down", false); // failed
      await backend.fail(await claimed(8, { n: 8 }), "w", "down", false); // failed, its store named by its lock key
      await backend.fail(await claimed(3, { ...store, n: 3 }, 3), "w", "down", true); // queued: a retry backing off
      await backend.defer(await claimed(4), "w", 60_000); // queued: its continuation (the deferred run is not listed)
      await claimed(5); // running
      await backend.enqueue(KIND, { ...store, n: 6 }, {}); // queued
      await backend.enqueue(KIND, { integrationId: "store-other", n: 7 }, {}); // queued, another store

      /** The jobs listed, by their payload's n. */
      const listed = async (filter: ListJobsFilter) =>
        (await backend.listJobs({ kinds: [KIND], limit: 100, ...filter }))
          .map((j) => (j.payload as { n: number }).n)
          .sort();
      const mine = { integrationIds: ["store-s"] };
      expect(await listed({ status: "queued" })).toEqual([3, 4, 6, 7]);
      expect(await listed({ status: "queued", ...mine })).toEqual([3, 4, 6]);
      expect(await listed({ status: "running", ...mine })).toEqual([5]);
      expect(await listed({ status: "succeeded", ...mine })).toEqual([1]);
      expect(await listed({ status: "failed", ...mine })).toEqual([2, 8]);
      expect(await listed({ status: "cancelled" })).toEqual([]);
      expect(await listed({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await listed(mine)).toEqual([1, 2, 3, 4, 5, 6, 8]);
      expect(await listed({ status: "failed", integrationIds: ["store-other"] })).toEqual([]);
      // The statuses read as listed.
      const byN = new Map(
        (await backend.listJobs({ kinds: [KIND] })).map((j) => [(j.payload as { n: number }).n, j]),
      );
      expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => byN.get(n)?.status)).toEqual([
        "succeeded",
        "failed",
        "queued",
        "queued",
        "running",
        "queued",
        "queued",
        "failed",
      ]);
    } finally {
      await backend.close();
    }
  });

  it("puts a job interrupted by shutdown back without using an attempt, and defers on request", async () => {
    const q = await queue();
    await q.enqueue("test.long", { step: "start" });
    const started = deferred();
    await q.work(
      {
        "test.long": async (_p: unknown, ctx: JobContext) => {
          started.resolve();
          // Checkpoint-and-return on abort, as the sync handler does.
          await new Promise((r) => ctx.signal.addEventListener("abort", r, { once: true }));
          throw new Error("cancelled at a checkpoint");
        },
      },
      { workerId: "w", ...FAST },
    );
    await started.promise;
    await q.close();

    const next = await queue();
    const runs: { payload: unknown; attempt: number }[] = [];
    await next.work(
      {
        "test.long": async (p: { step: string }, ctx: JobContext) => {
          runs.push({ payload: p, attempt: ctx.attempt });
          if (p.step === "start") throw new DeferJobError("resource busy", 10, { step: "resume" });
        },
      },
      { workerId: "w2", ...FAST },
    );
    await until(() => runs.length === 2);
    expect(runs).toEqual([
      { payload: { step: "start" }, attempt: 1 },
      { payload: { step: "resume" }, attempt: 1 },
    ]);
    await next.close();
  });

  it("makes queued jobs wait while someone else holds their concurrency key (the CLI's lock)", async () => {
    const q = await queue();
    const lock = await q.acquireLock("sync:int-1", "cli");
    expect(lock).not.toBeNull();
    expect(await q.acquireLock("sync:int-1", "other")).toBeNull();
    let ran = false;
    await q.enqueue("test.locked", {}, { concurrencyKey: "sync:int-1" });
    await q.work({ "test.locked": async () => void (ran = true) }, { workerId: "w", ...FAST });
    await new Promise((r) => setTimeout(r, 200));
    expect(ran).toBe(false);
    await lock?.release();
    await until(() => ran);
    // The job releases the key after its handler returns: wait for that rather than race it.
    let again: Awaited<ReturnType<typeof q.acquireLock>> = null;
    await until(async () => (again = await q.acquireLock("sync:int-1", "cli")) !== null);
    await again!.release();
    await q.close();
  });
});

describe("embedded backend's integration filter on stored payloads", () => {
  it("reads the integration of every payload form the Job table holds, and of none from other rows", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      const backend = createEmbeddedBackend(t.db);
      const row = async (payload: unknown, concurrencyKey: string | null = null) =>
        (await t.db.job.create({ data: { kind: "k", payload: payload as object, concurrencyKey } })).id;
      const stored = await row({ data: { integrationId: "i-1" } });
      // Written by hand or by older code: the payload itself, or handed to Prisma as JSON text.
      const bare = await row({ integrationId: "i-1" });
      const text = await row(JSON.stringify({ data: { integrationId: "i-1" } }));
      const byKey = await row({ data: { webhookEventId: "e" } }, "webhook:i-1");
      // Not i-1's: another store's payload under i-1's key, a number, text that is not JSON, null, a lock row.
      await row({ data: { integrationId: "i-2" } }, "sync:i-1");
      await row({ data: { integrationId: 1 } });
      await row("not json");
      await row(null);
      await row({ data: {} }, "sync:i-10");
      await t.db.job.create({
        data: { kind: "__lock", payload: {}, status: "running", concurrencyKey: "sync:i-1" },
      });
      const listed = await backend.listJobs({ integrationIds: ["i-1"], limit: 100 });
      expect(listed.map((j) => j.id).sort()).toEqual([stored, bare, text, byKey].sort());
      expect(listed.find((j) => j.id === text)?.payload).toEqual({ integrationId: "i-1" });
      expect(await backend.listJobs({ limit: 100 })).toHaveLength(9);
    } finally {
      await t.cleanup();
    }
  });
});

describe("embedded backend with an injected clock", () => {
  it("schedules retries at exponentially growing delays and fails after maxAttempts", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      let nowMs = Date.parse("2026-01-01T00:00:00Z");
      const backend = createEmbeddedBackend(t.db, { now: () => new Date(nowMs) });
      const { id } = await backend.enqueue(
        "k",
        {},
        { maxAttempts: 3, backoff: { initialDelayMs: 1000, factor: 3 } },
      );
      const runAts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const job = await backend.claim(["k"], "w");
        expect(job?.attempt).toBe(i + 1);
        expect(await backend.claim(["k"], "w")).toBeNull();
        const outcome = await backend.fail(job!, "w", "boom", true);
        expect(outcome).toBe(i < 2 ? "retrying" : "failed");
        const row = await t.db.job.findUniqueOrThrow({ where: { id } });
        runAts.push(row.runAt.getTime() - nowMs);
        // Not claimable before its time…
        expect(await backend.claim(["k"], "w")).toBeNull();
        nowMs += 10 * 60_000;
      }
      expect(runAts.slice(0, 2)).toEqual([1000, 3000]);
      const row = await t.db.job.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "Attempt 3/3: boom" });
    } finally {
      await t.cleanup();
    }
  });

  it("prunes old finished jobs but keeps recent ones, failures longer, and waiting jobs always", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      const q = await createJobQueue(t.db);
      const day = 24 * 3600_000;
      const now = new Date("2026-06-30T00:00:00Z");
      const ago = (days: number) => new Date(now.getTime() - days * day);
      await t.db.job.createMany({
        data: [
          { id: "old-ok", kind: "k", status: "succeeded", finishedAt: ago(8) },
          { id: "new-ok", kind: "k", status: "succeeded", finishedAt: ago(6) },
          { id: "old-failed", kind: "k", status: "failed", finishedAt: ago(31) },
          { id: "mid-failed", kind: "k", status: "failed", finishedAt: ago(8) },
          { id: "old-queued", kind: "k", status: "queued", createdAt: ago(90) },
        ],
      });
      expect(await q.prune({ now })).toBe(2);
      expect((await t.db.job.findMany({ orderBy: { id: "asc" } })).map((j) => j.id)).toEqual([
        "mid-failed",
        "new-ok",
        "old-queued",
      ]);
      await q.close();
    } finally {
      await t.cleanup();
    }
  });

  it("fails a job whose worker keeps dying once its attempts are used up", async () => {
    const t = await createTestDatabase("sqlite");
    try {
      let nowMs = Date.parse("2026-01-01T00:00:00Z");
      const backend = createEmbeddedBackend(t.db, { leaseMs: 1000, now: () => new Date(nowMs) });
      const { id } = await backend.enqueue("k", {}, { maxAttempts: 2 });
      expect((await backend.claim(["k"], "w1"))?.attempt).toBe(1);
      nowMs += 2000; // lease expired: worker 1 died
      expect((await backend.claim(["k"], "w2"))?.attempt).toBe(2);
      nowMs += 2000; // worker 2 died too
      expect(await backend.claim(["k"], "w3")).toBeNull();
      const row = await t.db.job.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe("failed");
      expect(row.lastError).toMatch(/Attempt 2\/2: the worker stopped/);
    } finally {
      await t.cleanup();
    }
  });
});
