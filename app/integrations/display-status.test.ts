/**
 * The status of a store whose sync job the queue failed because the worker running it stopped on its last attempt
 * (the job's code `JOB_WORKER_LOST`): it says the worker stopped and what helps, never the queue's words, and the
 * store page does not offer Reconnect for it.
 */
import { describe, expect, it } from "vitest";
import { JOB_WORKER_LOST } from "../jobs/types";
import { reconnectMayHelp } from "../lib/attention-cause";
import { displayStatus, workerLostReason, type FailedJobNotice } from "./display-status";
import { runView } from "./testing/run-view";

const succeeded = runView("succeeded");
const connected = { status: "connected", statusReason: null };
const EMBEDDED_WORDS =
  "Attempt 3/3: the worker stopped (crash or kill) while running it and its lease expired\n" +
  "Previous error: Attempt 2/3: WooCommerce rejected the consumer key (401).";

const failedJob = (kind: string, errorCode: string | null, finishedAt = "2026-01-02T00:00:00Z") =>
  ({
    integrationId: "i",
    kind,
    error: EMBEDDED_WORDS,
    errorCode,
    finishedAt: new Date(finishedAt),
  }) satisfies FailedJobNotice;

describe("a sync job failed because its worker stopped", () => {
  it.each([
    ["sync.full", "A full sync stopped before it finished"],
    ["sync.incremental", "A sync stopped before it finished"],
    ["reconcile", "A scheduled check for changes stopped before it finished"],
  ])(
    "GIVEN a failed %s job with the code THEN the store needs attention for a stopped worker, says what helps, and Reconnect is not offered",
    (kind, opening) => {
      const shown = displayStatus(connected, null, succeeded, failedJob(kind, JOB_WORKER_LOST));
      expect(shown).toEqual({
        status: "needs_attention",
        statusReason: workerLostReason(kind),
        attentionCause: "worker_stopped",
      });
      expect(shown.statusReason).toMatch(new RegExp(`^${opening}: the background worker running it stopped`));
      expect(shown.statusReason).toContain("Use Sync now to run it again.");
      expect(shown.statusReason).toContain("npm run worker");
      // Neither the queue's words nor the previous attempt's error (a refused key) are the merchant's reason.
      expect(shown.statusReason).not.toMatch(
        /lease|Attempt|consumer key|Reconnect|failed before it could run/,
      );
      expect(reconnectMayHelp(shown.attentionCause)).toBe(false);
    },
  );

  it("keeps its words when the next attempt is known (nothing retries the failed job itself)", () => {
    const next = {
      now: new Date("2026-01-02T00:05:00Z"),
      queuedSyncAt: null,
      nextCheckAt: null,
      onStorePage: true,
    };
    const shown = displayStatus(
      connected,
      null,
      succeeded,
      failedJob("sync.full", JOB_WORKER_LOST),
      null,
      null,
      next,
    );
    expect(shown.statusReason).toBe(workerLostReason("sync.full"));
  });

  it("differs from the same job failed without the code, which stays the store's failure with Reconnect", () => {
    const shown = displayStatus(connected, null, succeeded, failedJob("sync.full", null));
    expect(shown).toEqual({
      status: "needs_attention",
      statusReason: `A scheduled full sync failed before it could run: ${EMBEDDED_WORDS}`,
      attentionCause: "store",
    });
    expect(reconnectMayHelp(shown.attentionCause)).toBe(true);
  });

  it("says nothing of it once a later sync finished", () => {
    const old = failedJob("sync.full", JOB_WORKER_LOST, "2025-12-31T00:00:00Z");
    expect(displayStatus(connected, null, succeeded, old)).toEqual({
      status: "connected",
      statusReason: null,
      attentionCause: null,
    });
  });
});
