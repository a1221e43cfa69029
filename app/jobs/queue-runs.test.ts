/** How the job queue runs jobs: the backend per database, restarts, concurrency keys, dedupe keys, held locks. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createPgBossBackend } from "./pgboss-backend.server";
import { type JobContext } from "./types";
import { deferred, FAST, useQueueFixture } from "./testing/queue";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job queue on %s", (kind) => {
  const { t, queue } = useQueueFixture(kind);

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
