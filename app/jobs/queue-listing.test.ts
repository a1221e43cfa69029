/** The job queue's listings: by integration and by status, filtered before the limit. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createPgBossBackend } from "./pgboss-backend.server";
import type { ListJobsFilter } from "./backend";
import { PermanentJobError } from "./types";
import { FAST, useQueueFixture } from "./testing/queue";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job queue on %s", (kind) => {
  const { t, queue } = useQueueFixture(kind);

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
      await backend.fail(await claimed(2), "w", { message: "down", code: null }, false); // failed
      await backend.fail(await claimed(8, { n: 8 }), "w", { message: "down", code: null }, false); // failed, its store named by its lock key
      await backend.fail(await claimed(3, { ...store, n: 3 }, 3), "w", { message: "down", code: null }, true); // queued: a retry backing off
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
});
