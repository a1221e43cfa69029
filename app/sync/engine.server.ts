/**
 * The sync engine: read page → map → upsert batch + checkpoint in one transaction → repeat. Never branches on the
 * platform. Implementation in progress; signatures are stable for the job runner.
 */
import type { Db } from "../db/client.server";
import type {
  CanonicalRecordOf,
  ProgressSnapshot,
  RecordOutcome,
  Resource,
  SyncKind,
  SyncRunSummary,
  SyncSource,
} from "./types";

export type SyncDb = Db & { $kind: "sqlite" | "postgres" };

export interface RunSyncOptions {
  integrationId: string;
  kind: SyncKind;
  /** Defaults to every resource the source can read. */
  resources?: Resource[];
  /** Resume this existing run from its checkpoint instead of starting a new one. */
  runId?: string;
  workerId?: string;
  signal?: AbortSignal;
  /** Overrides the registered source (tests, benchmarks). */
  source?: SyncSource;
  onProgress?: (snapshot: ProgressSnapshot) => void;
  triggeredBy?: string;
}

/** Runs (or resumes) one sync of one integration and returns the seed's per-resource result format. */
export async function runSync(_db: SyncDb, _options: RunSyncOptions): Promise<SyncRunSummary> {
  throw new Error("not implemented");
}

/** Runs left `running` whose heartbeat is older than `staleAfterMs` (their worker died). */
export async function findInterruptedRuns(
  _db: SyncDb,
  _options: { staleAfterMs?: number } = {},
): Promise<{ id: string; integrationId: string }[]> {
  throw new Error("not implemented");
}

/** Resumes every interrupted run in turn, on this worker. */
export async function resumeInterruptedRuns(
  _db: SyncDb,
  _workerId: string,
  _options: { staleAfterMs?: number; signal?: AbortSignal } = {},
): Promise<SyncRunSummary[]> {
  throw new Error("not implemented");
}

/** Applies remote records outside a run (webhooks): same mapping, upsert rules and newest-wins as a sync. */
export async function applyRecords<R extends Resource>(
  _db: SyncDb,
  _options: {
    integrationId: string;
    resource: R;
    remote: unknown[];
    map: (remote: never) => CanonicalRecordOf[R];
  },
): Promise<RecordOutcome[]> {
  throw new Error("not implemented");
}
