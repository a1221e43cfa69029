/** The job queue's retries: backoff, failure after the last attempt, permanent errors, shutdown and deferral. */
import { describe, expect, it } from "vitest";
import { DATABASE_KINDS } from "../../tests/setup/db";
import { DeferJobError, PermanentJobError, type JobContext } from "./types";
import { deferred, FAST, useQueueFixture } from "./testing/queue";
import { until } from "./testing/until";

describe.each(DATABASE_KINDS)("job queue on %s", (kind) => {
  const { queue } = useQueueFixture(kind);

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
});
