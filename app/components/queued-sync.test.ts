import { describe, expect, it } from "vitest";
import {
  followsLiveProgress,
  liveProgressInterval,
  PROGRESS_POLL_MS,
  queuedSyncText,
  WORKER_WAIT_POLL_MS,
} from "./queued-sync";

const NOW = Date.parse("2026-12-03T13:25:00Z");
const lastRun = { id: "r1", status: "succeeded", finishedAt: "2026-12-03T13:20:00Z", errorMessage: null };

describe("followsLiveProgress", () => {
  it("GIVEN a running sync THEN the page follows it", () => {
    expect(followsLiveProgress({ activeRun: { id: "r2" }, queuedSync: null, lastRun }, NOW)).toBe(true);
  });

  it("GIVEN Sync now queued a sync on a store that synced before THEN the page follows it until it starts", () => {
    const queuedSync = { kind: "sync.incremental", runAt: "2026-12-03T13:24:59Z" };
    expect(followsLiveProgress({ activeRun: null, queuedSync, lastRun }, NOW)).toBe(true);
  });

  it("GIVEN the first sync is queued (no run yet) THEN the page follows it", () => {
    const queuedSync = { kind: "sync.full", runAt: "2026-12-03T13:24:59Z" };
    expect(followsLiveProgress({ activeRun: null, queuedSync, lastRun: null }, NOW)).toBe(true);
  });

  it("GIVEN only a failed sync's retry waiting out its backoff THEN the page does not poll every second for it", () => {
    const queuedSync = { kind: "sync.incremental", runAt: "2026-12-03T13:40:00Z" };
    expect(followsLiveProgress({ activeRun: null, queuedSync, lastRun }, NOW)).toBe(false);
  });

  it("GIVEN nothing runs or waits THEN the page does not poll", () => {
    expect(followsLiveProgress({ activeRun: null, queuedSync: null, lastRun }, NOW)).toBe(false);
  });
});

describe("liveProgressInterval", () => {
  const idle = { activeRun: null, queuedSync: null, lastRun };

  it("GIVEN a running sync or a due queued one THEN the page polls every second", () => {
    expect(liveProgressInterval({ ...idle, activeRun: { id: "r2" } }, NOW)).toBe(PROGRESS_POLL_MS);
    const queuedSync = { kind: "sync.incremental", runAt: "2026-12-03T13:24:59Z" };
    expect(liveProgressInterval({ ...idle, queuedSync, attentionCause: "no_worker" }, NOW)).toBe(
      PROGRESS_POLL_MS,
    );
  });

  it("GIVEN a run whose worker stopped, or work no worker picks up THEN the page keeps checking, more slowly", () => {
    for (const attentionCause of ["worker_stopped", "no_worker"] as const) {
      expect(liveProgressInterval({ ...idle, status: "needs_attention", attentionCause }, NOW)).toBe(
        WORKER_WAIT_POLL_MS,
      );
    }
    expect(WORKER_WAIT_POLL_MS).toBeGreaterThan(PROGRESS_POLL_MS);
  });

  it("GIVEN nothing pending (healthy, a store failure, records skipped, disconnected) THEN the page does not poll", () => {
    expect(liveProgressInterval({ ...idle, status: "connected", attentionCause: null }, NOW)).toBeNull();
    for (const attentionCause of ["store", "records_skipped", "webhooks_unreachable"] as const) {
      expect(liveProgressInterval({ ...idle, status: "needs_attention", attentionCause }, NOW)).toBeNull();
    }
    expect(
      liveProgressInterval({ ...idle, status: "disconnected", attentionCause: "worker_stopped" }, NOW),
    ).toBeNull();
  });
});

describe("queuedSyncText", () => {
  it("GIVEN a due sync waits and none runs THEN it says what waits and since when", () => {
    const queuedSync = { kind: "sync.full", runAt: "2026-12-03T13:24:00Z" };
    expect(queuedSyncText({ activeRun: null, queuedSync }, NOW)).toBe(
      "A full sync is queued since Dec 3, 2026, 1:24 PM UTC and starts as soon as a worker picks it up.",
    );
    expect(
      queuedSyncText({ activeRun: null, queuedSync: { ...queuedSync, kind: "sync.incremental" } }, NOW),
    ).toMatch(/^A sync of what changed is queued since/);
  });

  it("GIVEN a sync runs, nothing waits, or only a later retry waits THEN there is no queued line", () => {
    const due = { kind: "sync.incremental", runAt: "2026-12-03T13:24:00Z" };
    expect(queuedSyncText({ activeRun: { id: "r2" }, queuedSync: due }, NOW)).toBeNull();
    expect(queuedSyncText({ activeRun: null, queuedSync: null }, NOW)).toBeNull();
    expect(
      queuedSyncText({ activeRun: null, queuedSync: { ...due, runAt: "2026-12-03T13:40:00Z" } }, NOW),
    ).toBeNull();
  });
});
