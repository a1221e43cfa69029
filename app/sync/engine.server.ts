/**
 * The sync engine's entry: `runSync` runs (or resumes) one sync of one integration through the run loop
 * (run-loop.server.ts): read a page → map → upsert the batch and the run's checkpoint in one transaction → repeat.
 *
 * It never branches on the platform: a SyncSource (see types.ts) supplies readers and pure mappers. Each page's
 * rows, the run's per-resource cursor and its counters commit together, so a run killed at any point (even
 * `kill -9`) resumes from the last committed page with exact counts and no duplicates.
 */
import type { EmailDigestKeys } from "../crypto/email-digest.server";
import type { AppDb } from "../db/client.server";
import { writeContextFor } from "./apply.server";
import { errorCode, errorMessage, SyncAlreadyRunningError, SyncTargetNotFoundError } from "./errors";
import type { SourceProvider } from "./platform";
import { RunLoop } from "./run-loop.server";
import {
  assertNoLiveRun,
  findInterruptedRuns,
  isLiveElsewhere,
  openRun,
  recordStartFailure,
  summaryOf,
} from "./run-records.server";
import {
  RESOURCES,
  type ProgressSnapshot,
  type Resource,
  type SyncKind,
  type SyncRunSummary,
  type SyncSource,
} from "./types";

export interface RunSyncOptions {
  integrationId: string;
  kind: SyncKind;
  /** Defaults to every resource the source can read. */
  resources?: Resource[];
  /** Resume this existing run from its checkpoint instead of starting a new one. */
  runId?: string;
  workerId?: string;
  signal?: AbortSignal;
  /** Builds the integration's source (the process's `Platforms`). */
  sources?: SourceProvider;
  /** Reads from this source instead of asking `sources` (tests, benchmarks). */
  source?: SyncSource;
  onProgress?: (snapshot: ProgressSnapshot) => void;
  /** "system" | "cli" | "merchant:<who>" … (stored on the run). */
  triggeredBy?: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** Email digest keys for a store with redactions (ADR 0048); defaults to those of `sources`. */
  emailDigestKeys?: EmailDigestKeys;
}

/**
 * Runs (or, with `runId`, resumes) one sync of one integration.
 *
 * Full = every resource read from no cursor; incremental/reconcile = each resource read from the cursor the last
 * finished run of this integration ended at (a full read when there is none). Returns the per-resource
 * `{ success, synced, failed, errors }` with the run's final status. Throws only when the run cannot start
 * (unknown integration, another run alive, a source that cannot be built — recorded as a failed run);
 * failures during the run end up in the summary.
 */
export async function runSync(db: AppDb, options: RunSyncOptions): Promise<SyncRunSummary> {
  const clock = options.now ?? (() => new Date());
  const { integration, ctx: writeContext } = await writeContextFor(
    db,
    options.integrationId,
    undefined,
    clock(),
    options.emailDigestKeys ?? options.sources?.emailDigestKeys,
  );
  const signal = options.signal ?? new AbortController().signal;

  const existing = options.runId ? await db.syncRun.findUnique({ where: { id: options.runId } }) : null;
  if (options.runId && !existing)
    throw new SyncTargetNotFoundError(`Sync run ${options.runId} does not exist.`);
  if (existing && existing.integrationId !== options.integrationId) {
    throw new SyncTargetNotFoundError(`Sync run ${existing.id} belongs to another integration.`);
  }
  if (existing && (existing.status === "succeeded" || existing.status === "cancelled"))
    return summaryOf(existing);
  if (existing && isLiveElsewhere(existing, options.workerId ?? null, clock())) {
    throw new SyncAlreadyRunningError(existing.integrationId, existing.id);
  }
  if (!existing) await assertNoLiveRun(db, options.integrationId, clock());

  let source: SyncSource;
  try {
    if (options.source) source = options.source;
    else if (options.sources) source = await options.sources.sourceFor(db, integration);
    else throw new Error("runSync needs a source or a source provider.");
  } catch (error) {
    const cause = errorMessage(error);
    await recordStartFailure(db, options, existing?.id ?? null, cause, clock(), errorCode(error));
    throw error;
  }
  try {
    const available = RESOURCES.filter((r) => source.readers[r]);
    const resources = (options.resources ?? available).filter((r) => available.includes(r));
    const state = await openRun(db, { ...options, resources }, existing, clock());
    if (integration.status !== "disconnected") {
      await db.integration.update({
        where: { id: integration.id },
        data: { status: "syncing", statusReason: null, statusCode: null },
      });
    }
    const loop = new RunLoop(db, state, {
      source,
      writeContext: { ...writeContext, platform: source.platform },
      signal,
      clock,
      onProgress: options.onProgress,
    });
    return await loop.run();
  } finally {
    await source.close?.().catch(() => undefined);
  }
}

/**
 * Resumes every interrupted run in turn on this worker. Each run is claimed first (compare-and-set on its
 * heartbeat), so two workers restarting together never resume the same run twice.
 */
export async function resumeInterruptedRuns(
  db: AppDb,
  workerId: string,
  options: {
    staleAfterMs?: number;
    signal?: AbortSignal;
    sources?: SourceProvider;
    source?: SyncSource;
    now?: Date;
  } = {},
): Promise<SyncRunSummary[]> {
  const summaries: SyncRunSummary[] = [];
  for (const run of await findInterruptedRuns(db, options)) {
    const claimed = await db.syncRun.updateMany({
      where: { id: run.id, status: "running", heartbeatAt: run.heartbeatAt },
      data: { workerId, heartbeatAt: new Date() },
    });
    if (claimed.count !== 1) continue;
    summaries.push(
      await runSync(db, {
        integrationId: run.integrationId,
        kind: "full",
        runId: run.id,
        workerId,
        signal: options.signal,
        sources: options.sources,
        source: options.source,
      }),
    );
  }
  return summaries;
}
