/**
 * The code a failed job keeps beside its error (JobInfo.lastErrorCode): what the runner records on both backends,
 * which code a wrapped error gives, and that it always goes with the message it belongs to.
 */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import type { AppDb } from "../db/client.server";
import { AppError } from "../lib/errors";
import type { QueueBackend } from "./backend";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createJobsTestDatabase } from "./testing/database";
import { FAST, useQueueFixture } from "./testing/queue";
import { until } from "./testing/until";
import { DeferJobError, JOB_WORKER_LOST, jobErrorCode, PermanentJobError, type JobContext } from "./types";

const timedOut = () => new AppError("woocommerce_timeout", "The store did not answer in time.");
const refused = () => new AppError("woocommerce_auth", "WooCommerce rejected the consumer key (401).");

describe("jobErrorCode", () => {
  it("gives an AppError's code, a wrapper's cause's code, and null for an error without one", () => {
    expect(jobErrorCode(timedOut())).toBe("woocommerce_timeout");
    expect(jobErrorCode(new PermanentJobError("rejected", { cause: refused() }))).toBe("woocommerce_auth");
    expect(jobErrorCode(new Error("while syncing", { cause: timedOut() }))).toBe("woocommerce_timeout");
    // A PermanentJobError of its own, or around an error without a code, keeps its own code.
    expect(jobErrorCode(new PermanentJobError("The job names no integration."))).toBe(
      "job_failed_permanently",
    );
    expect(jobErrorCode(new PermanentJobError("bad", { cause: new Error("x") }))).toBe(
      "job_failed_permanently",
    );
    // An AppError wrapping another is the error that happened: its own code.
    expect(jobErrorCode(new AppError("database_unavailable", "db", { cause: timedOut() }))).toBe(
      "database_unavailable",
    );
    expect(jobErrorCode(new Error("plain"))).toBeNull();
    expect(jobErrorCode("a string")).toBeNull();
    expect(jobErrorCode(Object.assign(new Error("system"), { code: "ECONNRESET" }))).toBeNull();
  });
});

describe.each(DATABASE_KINDS)("a failed job's error code on %s", (kind) => {
  const { queue } = useQueueFixture(kind);

  it("keeps the code of the error that failed the job, a wrapped error's cause's, and none for an error without one; the message stays the message", async () => {
    const q = await queue();
    const throws: Record<number, () => Error> = {
      1: timedOut,
      2: () => new PermanentJobError("WooCommerce rejected the consumer key (401).", { cause: refused() }),
      3: () => new Error("Something without a code"),
    };
    const ids = new Map<string, number>();
    for (const n of [1, 2, 3]) ids.set((await q.enqueue("test.store", { n }, { maxAttempts: 1 })).id, n);
    await q.work(
      {
        "test.store": async (p: { n?: number }) => {
          throw throws[p.n ?? 0]();
        },
      },
      { workerId: "w", ...FAST },
    );
    await until(async () => (await q.failedJobs(10, { kinds: ["test.store"] })).length === 3);
    const failed = await q.failedJobs(10, { kinds: ["test.store"] });
    const byN = new Map(
      failed.map((j) => [ids.get(j.id), { lastError: j.lastError, code: j.lastErrorCode }]),
    );
    expect(Object.fromEntries(byN)).toEqual({
      1: {
        lastError: "Attempt 1/1: AppError: The store did not answer in time.",
        code: "woocommerce_timeout",
      },
      2: {
        lastError: "Attempt 1/1: PermanentJobError: WooCommerce rejected the consumer key (401).",
        code: "woocommerce_auth",
      },
      3: { lastError: "Attempt 1/1: Something without a code", code: null },
    });
    await q.close();
  });

  it("replaces an earlier attempt's code with the last one's, none included", async () => {
    const q = await queue();
    const { id } = await q.enqueue("test.poison", {}, { maxAttempts: 2, backoff: { initialDelayMs: 0 } });
    await q.work(
      {
        "test.poison": async (_p: unknown, ctx: JobContext) => {
          throw ctx.attempt === 1 ? timedOut() : new Error("boom on the last attempt");
        },
      },
      { workerId: "w", ...FAST },
    );
    await until(async () => (await q.failedJobs()).some((j) => j.id === id));
    expect((await q.failedJobs()).find((j) => j.id === id)).toMatchObject({
      attempts: 2,
      lastError: "Attempt 2/2: boom on the last attempt",
      lastErrorCode: null,
    });
    await q.close();
  });

  it("keeps the code with its message when a retried job is deferred with a new payload", async () => {
    const q = await queue();
    const { id } = await q.enqueue(
      "test.long",
      { step: "start" },
      { maxAttempts: 3, backoff: { initialDelayMs: 0 } },
    );
    await q.work(
      {
        "test.long": async (_p: { step: string }, ctx: JobContext) => {
          if (ctx.attempt === 1) throw timedOut();
          throw new DeferJobError("resource busy", 60 * 60_000, { step: "resume" });
        },
      },
      { workerId: "w", ...FAST },
    );
    const resumed = async () =>
      (await q.listJobs({ kinds: ["test.long"], status: "queued" })).find(
        (j) => (j.payload as { step: string }).step === "resume",
      );
    await until(async () => (await resumed()) !== undefined);
    // The embedded queue keeps the job and its last error; pg-boss sends a new job, which has neither.
    expect(await resumed()).toMatchObject(
      kind === "sqlite"
        ? {
            id,
            lastError: "Attempt 1/3: AppError: The store did not answer in time.",
            lastErrorCode: "woocommerce_timeout",
          }
        : { lastError: null, lastErrorCode: null },
    );
    await q.close();
  });
});

describe("embedded backend: a job whose worker stopped", () => {
  /** A backend on a jobs test database whose clock the test moves (leases of 1 s). */
  async function withBackend(
    test: (backend: QueueBackend, later: (ms: number) => void, db: AppDb) => Promise<void>,
  ) {
    const t = await createJobsTestDatabase("sqlite");
    try {
      let nowMs = Date.parse("2026-01-01T00:00:00Z");
      const backend = createEmbeddedBackend(t.db, { leaseMs: 1000, now: () => new Date(nowMs) });
      await test(backend, (ms) => (nowMs += ms), t.db);
    } finally {
      await t.cleanup();
    }
  }

  it("on its last attempt fails with JOB_WORKER_LOST in place of the previous attempt's code", async () => {
    await withBackend(async (backend, later) => {
      const { id } = await backend.enqueue("k", { n: 1 }, { maxAttempts: 2, backoff: { initialDelayMs: 0 } });
      const first = await backend.claim(["k"], "w1");
      const failure = { message: "The store did not answer in time.", code: "woocommerce_timeout" };
      expect(await backend.fail(first!, "w1", failure, true)).toBe("retrying");
      expect((await backend.listJobs({ kinds: ["k"] }))[0]).toMatchObject({
        status: "queued",
        lastErrorCode: "woocommerce_timeout",
        payload: { n: 1 },
      });
      expect((await backend.claim(["k"], "w2"))?.lastErrorCode).toBe("woocommerce_timeout");
      later(999); // worker 2's lease still runs: nothing happens to its job
      expect(await backend.claim(["k"], "w3")).toBeNull();
      expect((await backend.listJobs({ kinds: ["k"] }))[0]).toMatchObject({ status: "running" });
      later(1001); // worker 2 died on the last attempt
      expect(await backend.claim(["k"], "w3")).toBeNull();
      const [job] = await backend.listJobs({ kinds: ["k"] });
      expect(job).toMatchObject({ id, status: "failed", lastErrorCode: JOB_WORKER_LOST, payload: { n: 1 } });
      expect(job.lastError).toMatch(
        /^Attempt 2\/2: the worker stopped.*\nPrevious error: Attempt 1\/2: The store/s,
      );
    });
  });

  it("on an earlier attempt is claimed again as the next attempt, with no code of its own", async () => {
    await withBackend(async (backend, later) => {
      const { id } = await backend.enqueue("k", { n: 2 }, { maxAttempts: 3 });
      expect(await backend.claim(["k"], "w1")).toMatchObject({ id, attempt: 1, lastErrorCode: null });
      later(2000); // worker 1 died on attempt 1 of 3
      const again = await backend.claim(["k"], "w2");
      expect(again).toMatchObject({ id, attempt: 2, payload: { n: 2 }, lastErrorCode: null });
      expect((await backend.listJobs({ kinds: ["k"] }))[0]).toMatchObject({
        status: "running",
        lastError: null,
        lastErrorCode: null,
      });
      await backend.complete(again!, "w2");
      expect((await backend.listJobs({ kinds: ["k"] }))[0]).toMatchObject({ status: "succeeded" });
    });
  });

  it("keeps the caller's payload apart from the code, on a row holding the payload itself or its JSON text", async () => {
    await withBackend(async (backend, later, db) => {
      // Rows as older code, or a hand, wrote them: the payload without the envelope, and an envelope as JSON text.
      const left = {
        status: "running",
        attempts: 1,
        maxAttempts: 1,
        lockedBy: "killed",
        lockedUntil: new Date(0),
      };
      await db.job.create({ data: { id: "bare", kind: "k", payload: { integrationId: "s1" }, ...left } });
      await db.job.create({
        data: { id: "text", kind: "k", payload: JSON.stringify({ data: { n: 3 }, errorCode: "x" }), ...left },
      });
      later(1);
      expect(await backend.claim(["k"], "w")).toBeNull();
      const jobs = await backend.listJobs({ kinds: ["k"] });
      expect(Object.fromEntries(jobs.map((j) => [j.id, [j.status, j.payload, j.lastErrorCode]]))).toEqual({
        bare: ["failed", { integrationId: "s1" }, JOB_WORKER_LOST],
        text: ["failed", { n: 3 }, JOB_WORKER_LOST],
      });
      // Still read as its store's job.
      expect((await backend.listJobs({ integrationIds: ["s1"] })).map((j) => j.id)).toEqual(["bare"]);
    });
  });
});
