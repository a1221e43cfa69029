/** The embedded (SQLite) backend on its own: the integration filter on stored payloads, and an injected clock. */
import { describe, expect, it } from "vitest";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { createJobQueue } from "./queue.server";

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
        const outcome = await backend.fail(job!, "w", { message: "boom", code: null }, true);
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
