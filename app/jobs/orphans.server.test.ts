import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../tests/setup/db";
import { findInterruptedRuns } from "../sync/run-records.server";
import { createEmbeddedBackend } from "./embedded-backend.server";
import { localPidOf, processExists, releaseDeadLocalHolders } from "./orphans.server";
import { createJobsTestDatabase as createTestDatabase } from "./testing/database";

const HOST = "box-1";
const DEAD = 4_000_001;
const ALIVE = 4_000_002;
const SELF = 4_000_003;

describe("local holders", () => {
  it("are read off worker ids and lock holders written on this host only", () => {
    expect(localPidOf("box-1:123", HOST)).toBe(123);
    expect(localPidOf("box-1:123:web", HOST)).toBe(123);
    expect(localPidOf(`box-1:123:web:${randomUUID()}`, HOST)).toBe(123);
    expect(localPidOf(`box-1:123:${randomUUID()}`, HOST)).toBe(123);
    expect(localPidOf("box-10:123", HOST)).toBeNull();
    expect(localPidOf("box-1.example:123", HOST)).toBeNull();
    expect(localPidOf("box-1:web", HOST)).toBeNull();
    expect(localPidOf("box-1:12a", HOST)).toBeNull();
    expect(localPidOf("w-7", HOST)).toBeNull();
    expect(localPidOf("disconnect:abc", HOST)).toBeNull();
  });

  it("tell a live process from one that exited", () => {
    expect(processExists(process.pid)).toBe(true);
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    expect(processExists(Number(child.stdout))).toBe(false);
  });
});

describe.each(["sqlite", "postgres"] as const)("releasing a dead process's work on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it("expires its leases and makes its runs stale; live, remote and hand-named holders keep theirs", async () => {
    const now = new Date();
    const future = new Date(now.getTime() + 60_000);
    const organizationId = randomUUID();
    await t.db.organization.create({ data: { id: organizationId, name: "Org" } });
    const integration = await t.db.integration.create({
      data: { organizationId, platform: "memory", name: "A", storeKey: `a-${organizationId}` },
    });
    const job = (lockedBy: string, extra: { kind?: string; concurrencyKey?: string } = {}) =>
      t.db.job.create({
        data: {
          kind: extra.kind ?? "sync.full",
          status: "running",
          lockedBy,
          lockedUntil: future,
          attempts: 1,
          concurrencyKey: extra.concurrencyKey ?? null,
        },
      });
    const deadJob = await job(`${HOST}:${DEAD}`);
    const deadLock = await job(`${HOST}:${DEAD}:web:${deadJob.id}`, {
      kind: "__lock",
      concurrencyKey: `sync:${integration.id}`,
    });
    const kept = await Promise.all([
      job(`${HOST}:${ALIVE}`),
      job(`other-host:${DEAD}`),
      job(`${HOST}:${SELF}`),
      job("w-7"),
    ]);
    const run = (workerId: string) =>
      t.db.syncRun.create({
        data: { integrationId: integration.id, kind: "full", status: "running", workerId, heartbeatAt: now },
      });
    const deadRun = await run(`${HOST}:${DEAD}`);
    const liveRun = await run(`${HOST}:${ALIVE}:web`);

    const asked: number[] = [];
    const released = await releaseDeadLocalHolders(t.db, {
      host: HOST,
      selfPid: SELF,
      now,
      isAlive: (pid) => {
        asked.push(pid);
        return pid === ALIVE;
      },
    });
    expect(released).toEqual({ deadPids: [DEAD], jobs: 2, runs: 1 });
    // Each pid is asked once, this process never.
    expect([...asked].sort()).toEqual([DEAD, ALIVE].sort());

    const rows = await t.db.job.findMany({ select: { id: true, lockedUntil: true } });
    const until = new Map(rows.map((r) => [r.id, r.lockedUntil?.getTime()]));
    expect(until.get(deadJob.id)).toBeLessThan(now.getTime());
    expect(until.get(deadLock.id)).toBeLessThan(now.getTime());
    for (const k of kept) expect(until.get(k.id)).toBe(future.getTime());

    // The usual recovery now takes over at once: the job is claimable, the run is interrupted.
    // (The Job-table queue is SQLite's; PostgreSQL's pg-boss keeps its own jobs and uses advisory locks.)
    if (kind === "sqlite") {
      const claimed = await createEmbeddedBackend(t.db, { now: () => now }).claim(
        ["sync.full"],
        "new-worker",
      );
      expect(claimed?.id).toBe(deadJob.id);
    }
    const interrupted = await findInterruptedRuns(t.db, { now });
    expect(interrupted.map((r) => r.id)).toEqual([deadRun.id]);
    expect((await t.db.syncRun.findUniqueOrThrow({ where: { id: liveRun.id } })).heartbeatAt?.getTime()).toBe(
      now.getTime(),
    );

    // Nothing left to release: a second start-up changes nothing.
    const again = await releaseDeadLocalHolders(t.db, {
      host: HOST,
      selfPid: SELF,
      now,
      isAlive: (pid) => pid === ALIVE,
    });
    expect(again).toEqual({ deadPids: [], jobs: 0, runs: 0 });
  });
});
