/**
 * A run's checkpoint: per resource, where to resume reading (the cursor of the last committed page), its phase and
 * counts. Stored as JSON on SyncRun in the same transaction as each page's rows, so a run killed at any point
 * resumes from the last committed page with exact counts. Pure: parsing, the starting point of a new run, progress
 * snapshots and the per-resource result format.
 */
import { parseJsonValue } from "../lib/json";
import type { ProgressSnapshot, Resource, ResourceResult, SyncError, SyncRunStatus } from "./types";

export type Phase = "pending" | "running" | "done" | "failed";

export interface ResourceCheckpoint {
  phase: Phase;
  /** Where to resume reading (the cursor of the last committed page). */
  cursor: string | null;
  synced: number;
  failed: number;
  /** Rows this read removed as deleted by the store (its trash, or confirmed gone); absent until one is. */
  deleted?: number;
  total: number | null;
  /** Reader failure that stopped this resource, if any. */
  error?: string;
  /** Its stable code (an AppError's `code`, e.g. "woocommerce_auth"), when it had one. */
  errorCode?: string;
}

export interface Checkpoint {
  version: 1;
  resources: Partial<Record<Resource, ResourceCheckpoint>>;
  /** Every error counted, including those beyond the stored list. */
  errorCount: number;
  /** The stable code of the failure that stopped the whole run (an AppError's `code`), when it had one. */
  failureCode?: string;
}

export function emptyCheckpoint(): Checkpoint {
  return { version: 1, resources: {}, errorCount: 0 };
}

/** The checkpoint stored on a run (JSON text or value; an empty one when missing). */
export function parseCheckpoint(value: unknown): Checkpoint {
  return parseJsonValue<Checkpoint>(value, emptyCheckpoint());
}

/**
 * The checkpoint a new run starts from: each resource pending, at the cursor the previous finished run ended at
 * (incremental and reconcile) or at the beginning (full, or no previous run).
 */
export function startingCheckpoint(resources: Resource[], previous: Checkpoint | null): Checkpoint {
  const checkpoint = emptyCheckpoint();
  for (const r of resources) {
    const start = previous?.resources[r];
    checkpoint.resources[r] = {
      phase: "pending",
      cursor: start && (start.phase === "done" || start.phase === "failed") ? start.cursor : null,
      synced: 0,
      failed: 0,
      total: null,
    };
  }
  return checkpoint;
}

/** Progress of a run for listeners and the run record: records done, the total when every resource knows it. */
export function progressSnapshot(
  run: { runId: string; integrationId: string; status: SyncRunStatus; currentResource: Resource | null },
  checkpoint: Checkpoint,
  resources: Resource[],
): ProgressSnapshot {
  let done = 0;
  let total = 0;
  let totalKnown = true;
  const perResource: ProgressSnapshot["resources"] = {};
  for (const r of resources) {
    const c = checkpoint.resources[r]!;
    done += c.synced + c.failed;
    if (c.total === null) {
      if (c.phase !== "done") totalKnown = false;
      else total += c.synced + c.failed;
    } else total += Math.max(c.total, c.synced + c.failed);
    perResource[r] = {
      synced: c.synced,
      failed: c.failed,
      done: c.phase === "done" || c.phase === "failed",
      total: c.total,
    };
  }
  return { ...run, done, total: totalKnown ? total : null, resources: perResource };
}

/**
 * The per-resource result (`{ success, synced, failed, errors }`) of a run. `counts` gives each resource's
 * synced/failed numbers (the checkpoint's during a run, the run row's counters for a stored run).
 */
export function resourceResults(
  resources: Resource[],
  checkpoint: Checkpoint,
  errors: SyncError[],
  counts: (resource: Resource) => { synced: number; failed: number },
): Partial<Record<Resource, ResourceResult>> {
  const result: Partial<Record<Resource, ResourceResult>> = {};
  for (const r of resources) {
    const { synced, failed } = counts(r);
    const deleted = checkpoint.resources[r]?.deleted ?? 0;
    result[r] = {
      success: checkpoint.resources[r]?.phase === "done" && failed === 0,
      synced,
      failed,
      errors: errors
        .filter((e) => e.resource === r)
        .map((e) => (e.externalId ? `${e.externalId}: ${e.message}` : e.message)),
      ...(deleted > 0 ? { deleted } : {}),
    };
  }
  return result;
}
