import { describe, expect, it } from "vitest";
import {
  connectSyncNote,
  firstSyncNote,
  formatDuration,
  formatMoneyRange,
  humanize,
  lastSyncText,
  runResourceNotes,
  narrowNote,
  resourceProgressText,
  shownRunStatus,
  runResourceText,
  triggerLabel,
} from "./format";

describe("triggerLabel", () => {
  it("names who started a run without showing ids", () => {
    expect(triggerLabel("merchant:demo.myshopify.com")).toBe("by the merchant");
    expect(triggerLabel("woo-owner:3f2c")).toBe("by the store owner");
    expect(triggerLabel("api-token:cmx4q6")).toBe("through the API");
    expect(triggerLabel("webhook:orders/create")).toBe("after webhook orders/create");
    expect(triggerLabel("install")).toBe("on install");
    expect(triggerLabel("schedule")).toBe("scheduled");
    expect(triggerLabel("resume")).toBe("resumed");
    expect(triggerLabel("demo")).toBe("by the demo");
  });

  it("says nothing for the engine's own runs", () => {
    expect(triggerLabel("system")).toBeNull();
    expect(triggerLabel(null)).toBeNull();
    expect(triggerLabel("")).toBeNull();
  });

  it("falls back to the actor's kind, lower case, for one it does not know", () => {
    expect(triggerLabel("support_agent:42")).toBe("support agent");
  });
});

describe("humanize / formatDuration", () => {
  it("reads as words and units", () => {
    expect(humanize("needs_attention")).toBe("Needs attention");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatMoneyRange", () => {
  it("names the currency once, and gives one amount when the range is a single price", () => {
    expect(formatMoneyRange("9.99", "1234.50", "USD")).toBe("9.99 – 1,234.50 USD");
    expect(formatMoneyRange("5", "5", "JPY")).toBe("5 JPY");
  });
});

describe("lastSyncText", () => {
  const at = "2026-11-30T23:42:00.000Z";

  it("says the first sync is queued while a new store waits for it, and Never when nothing is queued", () => {
    expect(lastSyncText(null, null, { kind: "sync.full" })).toBe(
      "Last sync: Never · the first sync is queued and starts soon",
    );
    expect(lastSyncText(null, null, null)).toBe("Last sync: Never");
    // A store that synced before: its queued sync is not its first.
    expect(lastSyncText(at, { status: "succeeded", finishedAt: at }, { kind: "sync.incremental" })).toBe(
      "Last sync: Nov 30, 2026, 11:42 PM UTC",
    );
  });

  it("calls a run that ended in failure an attempt, not a sync", () => {
    expect(lastSyncText(at, { status: "failed", finishedAt: at })).toBe(
      "Last sync attempt: Nov 30, 2026, 11:42 PM UTC · failed",
    );
  });

  it('keeps "Last sync" for a run that succeeded (or synced part of the store)', () => {
    expect(lastSyncText(at, { status: "succeeded", finishedAt: at })).toBe(
      "Last sync: Nov 30, 2026, 11:42 PM UTC",
    );
    expect(lastSyncText(at, { status: "partial", finishedAt: at })).toBe(
      "Last sync: Nov 30, 2026, 11:42 PM UTC",
    );
  });

  it("dates an earlier sync as a sync when the failed run that followed never got to run", () => {
    // A run that could not start is recorded as failed without moving lastSyncAt.
    expect(lastSyncText(at, { status: "failed", finishedAt: "2026-12-01T08:00:00.000Z" })).toBe(
      "Last sync: Nov 30, 2026, 11:42 PM UTC",
    );
  });

  it("says Never before the first run", () => {
    expect(lastSyncText(null, null)).toBe("Last sync: Never");
  });
});

describe("connectSyncNote", () => {
  it("says first sync only for a store connected for the first time", () => {
    expect(connectSyncNote({ created: true, initialSync: "full" })).toBe("The first sync starts in a moment");
    expect(connectSyncNote({ created: false, initialSync: "full" })).toBe("A full sync starts in a moment");
    expect(connectSyncNote({ created: false, initialSync: "incremental" })).toBe(
      "A sync of what changed since the last one starts in a moment",
    );
  });
});

describe("firstSyncNote", () => {
  it("follows the first sync: waiting, running, finished, or not all read (never 'started' once it ended)", () => {
    expect(firstSyncNote({ activeRun: null, lastRun: null })).toMatch(/^The first sync starts in a moment/);
    expect(firstSyncNote({ activeRun: { id: "r1" }, lastRun: null })).toMatch(/^The first sync is running/);
    expect(firstSyncNote({ activeRun: null, lastRun: { status: "succeeded" } })).toBe(
      "The first sync has finished; the numbers below are your store’s.",
    );
    for (const status of ["failed", "partial", "cancelled"])
      expect(firstSyncNote({ activeRun: null, lastRun: { status } })).toBe(
        "The first sync did not read everything: see what it says below.",
      );
  });
});

describe("runResourceText", () => {
  it("shows what a run read alone when nothing failed or went", () => {
    expect(runResourceText({ synced: 1205, failed: 0, deleted: 0 })).toBe("1,205");
  });

  it("says the store deleted what the run removed, apart from what it read", () => {
    // "57 (86 removed)" read as 86 of the 57, or as records the app deleted.
    expect(runResourceText({ synced: 57, failed: 0, deleted: 86 })).toBe("57 (86 deleted in the store)");
    expect(runResourceText({ synced: 0, failed: 0, deleted: 1 })).toBe("0 (1 deleted in the store)");
    expect(runResourceText({ synced: 1200, failed: 3, deleted: 1500 })).toBe(
      "1,200 (3 failed, 1,500 deleted in the store)",
    );
    expect(runResourceNotes({ failed: 3, deleted: 86 })).toEqual(["3 failed", "86 deleted in the store"]);
    expect(runResourceNotes({ failed: 0, deleted: 0 })).toEqual([]);
  });
});

describe("narrowNote", () => {
  const NBSP = "\u00a0";
  it("lets a note break only between what happened and where, so a table column stays narrow", () => {
    expect(narrowNote("1,500 deleted in the store")).toBe(`1,500${NBSP}deleted in${NBSP}the${NBSP}store`);
    expect(narrowNote("3 failed")).toBe(`3${NBSP}failed`);
  });
});

describe("resourceProgressText", () => {
  it("counts a running resource against the store's estimate", () => {
    expect(resourceProgressText({ phase: "running", synced: 1200, failed: 3, total: 2573 })).toBe(
      "1,203 of 2,573",
    );
    expect(resourceProgressText({ phase: "running", synced: 40, failed: 0, total: null })).toBe("40");
    expect(resourceProgressText({ phase: "pending", synced: 0, failed: 0, total: 150 })).toBe("Waiting");
    expect(resourceProgressText({ phase: "failed", synced: 10, failed: 0, total: 150 })).toBe(
      "Could not be read",
    );
  });

  it("shows a finished resource's own count, not the estimate it was read against", () => {
    // The store's count included two staff users, who are never contacts: "1,273 of 1,275 · done" read as two lost.
    expect(resourceProgressText({ phase: "done", synced: 1273, failed: 0, total: 1275 })).toBe(
      "1,273 · done",
    );
  });
});

describe("shownRunStatus", () => {
  it("GIVEN a run still marked running whose worker stopped beating THEN the history shows it stopped, not running", () => {
    expect(shownRunStatus({ status: "running", active: false })).toBe("stopped");
  });

  it("GIVEN a live run or a finished one THEN its own status is shown", () => {
    expect(shownRunStatus({ status: "running", active: true })).toBe("running");
    expect(shownRunStatus({ status: "succeeded", active: false })).toBe("succeeded");
    expect(shownRunStatus({ status: "partial", active: false })).toBe("partial");
    expect(shownRunStatus({ status: "failed", active: false })).toBe("failed");
  });
});
