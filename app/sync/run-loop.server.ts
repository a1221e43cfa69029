/**
 * The run loop: for each resource, read a page → map → write the batch and the run's checkpoint in one transaction
 * → repeat. One instance per run; it owns the run's in-memory state and is the only writer of its row (every write
 * goes through one serial chain, so the heartbeat never interleaves with a page transaction).
 */
import type { AppDb } from "../db/client.server";
import { progressSnapshot, type ResourceCheckpoint } from "./checkpoint";
import { DatabaseUnavailableError, errorCode, errorMessage, isResumableAbort } from "./errors";
import {
  MAX_STORED_ERRORS,
  recordIntegrationOutcome,
  refreshIntegrationCounters,
  resourceResultsOf,
  summaryOf,
  writeRunState,
  type RunState,
} from "./run-records.server";
import { TX_OPTIONS, type SqlExecutor } from "./sql.server";
import type {
  CanonicalRecordOf,
  ProgressSnapshot,
  Resource,
  ResourceReader,
  SourcePage,
  SyncError,
  SyncRunStatus,
  SyncRunSummary,
  SyncSource,
} from "./types";
import type { WriteContext } from "./writer/context";
import { heldRecords } from "./held-records.server";
import { deleteRecordsIn } from "./writer/deletions.server";
import { writeRecordAlone, writerFor } from "./writer/index.server";
import { isTransientDatabaseError } from "../db/transient-errors";

/** Progress and heartbeat are persisted at least this often while a run is running. */
export const PROGRESS_INTERVAL_MS = 1_000;

/** How often a running sync checks that its store is still connected (a disconnect stops it). */
export const CONNECTED_CHECK_INTERVAL_MS = 2_000;

/** What a run stopped by a disconnect says. */
export const STOPPED_BY_DISCONNECT =
  "The store was disconnected while this sync ran: it stopped, and nothing more is read from the store.";

/** Abort reason of a run whose store was disconnected under it (not resumable: the run ends `cancelled`). */
class StoreDisconnectedAbort extends Error {
  constructor() {
    super(STOPPED_BY_DISCONNECT);
  }
}

export interface RunLoopOptions {
  source: SyncSource;
  /** The write context of this integration (its `now` is refreshed per page). */
  writeContext: WriteContext;
  signal: AbortSignal;
  clock: () => Date;
  onProgress?: (snapshot: ProgressSnapshot) => void;
}

/** The stable id of a remote record for error reports: the reader's `remoteId`, else `remote.id`. */
export function remoteIdOf(
  reader: Pick<ResourceReader<unknown>, "remoteId">,
  remote: unknown,
): string | null {
  const custom = reader.remoteId?.(remote);
  if (custom !== undefined) return custom;
  if (remote && typeof remote === "object" && "id" in remote) {
    const id = (remote as { id: unknown }).id;
    if (typeof id === "string" || typeof id === "number" || typeof id === "bigint") return String(id);
  }
  return null;
}

export class RunLoop {
  private status: SyncRunStatus = "running";
  private lastWriteAtMs = Date.now();
  private chain: Promise<unknown> = Promise.resolve();
  /** Aborted when the store is disconnected during the run. */
  private readonly disconnected = new AbortController();
  /** The caller's signal (worker stopping, lease lost) or a disconnect: store reads stop on either. */
  private readonly signal: AbortSignal;
  /** The store's counters were counted after this run's last write: its end need not count them again. */
  private countersCurrent = false;

  constructor(
    private readonly db: AppDb,
    private readonly state: RunState,
    private readonly options: RunLoopOptions,
  ) {
    this.signal = AbortSignal.any([options.signal, this.disconnected.signal]);
  }

  /** Runs every resource not done yet, then records the outcome. Failures end up in the summary. */
  async run(): Promise<SyncRunSummary> {
    // A run resumed for a store disconnected since (an interrupted run) stops before it reads anything.
    await this.stopIfDisconnected();
    let checkedAtMs = Date.now();
    const heartbeat = setInterval(() => {
      if (Date.now() - checkedAtMs >= CONNECTED_CHECK_INTERVAL_MS) {
        checkedAtMs = Date.now();
        void this.stopIfDisconnected();
      }
      if (Date.now() - this.lastWriteAtMs < PROGRESS_INTERVAL_MS) return;
      void this.serial(() => this.writeState(this.db)).catch(() => undefined);
    }, PROGRESS_INTERVAL_MS / 2);
    heartbeat.unref?.();
    let fatal: string | null = null;
    let databaseUnavailable: DatabaseUnavailableError | null = null;
    try {
      for (const resource of this.state.resources) {
        if ((await this.syncResource(resource)) === "stop") break;
      }
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) databaseUnavailable = error;
      else {
        fatal = errorMessage(error);
        this.state.checkpoint.failureCode = errorCode(error);
      }
    } finally {
      clearInterval(heartbeat);
    }
    const { signal } = this;
    if (signal.aborted && isResumableAbort(signal.reason)) return this.leaveResumable();
    if (databaseUnavailable) {
      // Our database failed, not the store: nothing about the run is wrong. It stays `running` at its last committed
      // page for the job's retry to resume (if the database refuses this write too, the heartbeat goes stale by
      // itself), and the error goes up so the job is retried.
      await this.leaveResumable().catch(() => undefined);
      throw databaseUnavailable;
    }
    return this.finish(fatal);
  }

  /** Reads one resource page by page from its checkpoint. A reader error stops this resource, not the run. */
  private async syncResource(resource: Resource): Promise<"next" | "stop"> {
    const { source } = this.options;
    const { signal } = this;
    const rc = this.state.checkpoint.resources[resource]!;
    if (rc.phase === "done") return "next";
    if (signal.aborted) return "stop";
    const reader = source.readers[resource] as ResourceReader<unknown> | undefined;
    if (!reader) return "next";
    this.state.currentResource = resource;
    rc.phase = "running";
    rc.error = undefined;
    rc.errorCode = undefined;
    if (rc.total === null && source.count) {
      rc.total = (await source.count(resource, signal).catch(() => undefined)) ?? null;
    }
    this.emit();
    try {
      const held = heldRecords(this.db, this.state.integrationId, resource);
      for await (const page of reader.read(rc.cursor, signal, held)) {
        await databaseWrite(() => this.syncPage(resource, rc, reader, page));
        this.emit();
        if (signal.aborted) break;
      }
      if (signal.aborted) return "next";
      rc.phase = "done";
      // Integration counters follow the data resource by resource, not only at the end of the run.
      await databaseWrite(() =>
        this.serial(() =>
          this.db.$transaction(async (tx) => {
            await this.writeState(tx);
            await refreshIntegrationCounters(tx, this.db, this.state.integrationId);
          }, TX_OPTIONS),
        ),
      );
      this.countersCurrent = true;
      return "next";
    } catch (error) {
      if (signal.aborted) return "stop";
      // Not a read failure: the run as a whole is retried (run()).
      if (error instanceof DatabaseUnavailableError) throw error;
      rc.phase = "failed";
      rc.error = errorMessage(error);
      rc.errorCode = errorCode(error);
      this.addError({ resource, externalId: null, message: `Reading ${resource} stopped: ${rc.error}` });
      await this.serial(() => this.writeState(this.db));
      return "next";
    }
  }

  /** Maps and writes one page; a batch that fails is retried record by record so a poison record fails alone. */
  private async syncPage(
    resource: Resource,
    rc: ResourceCheckpoint,
    reader: ResourceReader<unknown>,
    page: SourcePage<unknown>,
  ) {
    const { clock } = this.options;
    // Before any write of the page (its rows may be committed one by one even if its checkpoint then fails).
    this.countersCurrent = false;
    if (page.estimatedTotal !== undefined) rc.total = page.estimatedTotal;
    const ctx: WriteContext = { ...this.options.writeContext, now: clock() };
    // A page's failures join the run's counters only together with its rows and cursor (one commit), so a crash
    // before that commit never counts them twice when the page is read again.
    const pageErrors: SyncError[] = [];
    const fail = (externalId: string | null, message: string) =>
      pageErrors.push({ resource, externalId, message, at: clock().toISOString() });
    // A reader's warning is kept with the run's errors but counts no record as failed.
    const warnings: SyncError[] = page.warning
      ? [{ resource, externalId: null, message: page.warning, at: clock().toISOString() }]
      : [];
    const mapped: CanonicalRecordOf[Resource][] = [];
    for (const remote of page.records) {
      try {
        mapped.push(reader.map(remote));
      } catch (error) {
        fail(remoteIdOf(reader, remote), `Could not read record: ${errorMessage(error)}`);
      }
    }
    const writer = writerFor(resource);
    // Deletions the store listed with this page (its trash) are committed with the page's rows and cursor.
    const deletions = async (tx: SqlExecutor): Promise<number> => {
      if (!page.deleted?.length) return 0;
      return deleteRecordsIn(tx, this.db.$kind, {
        integrationId: ctx.integrationId,
        resource,
        externalIds: page.deleted,
        deletedAt: ctx.now,
      });
    };
    const batchOk = await this.serial(async () => {
      try {
        await this.db.$transaction(async (tx) => {
          await writer(tx, ctx, mapped);
          const deleted = await deletions(tx);
          await this.commitPage(tx, rc, page.cursor, {
            synced: mapped.length,
            deleted,
            pageErrors,
            warnings,
          });
        }, TX_OPTIONS);
        return true;
      } catch (error) {
        // The database failed, not a record: no record-by-record search (see databaseWrite).
        if (isTransientDatabaseError(error)) throw error;
        return false;
      }
    });
    if (batchOk) return;
    // Find the poison record(s): each record in its own transaction, then the page's checkpoint.
    let synced = 0;
    for (const record of mapped) {
      const outcome = await this.serial(() => writeRecordAlone(this.db, ctx, writer, record));
      if (outcome === null) synced += 1;
      else fail(record.externalId, `Could not save record: ${outcome}`);
    }
    await this.serial(() =>
      this.db.$transaction(async (tx) => {
        const deleted = await deletions(tx);
        await this.commitPage(tx, rc, page.cursor, { synced, deleted, pageErrors, warnings });
      }, TX_OPTIONS),
    );
  }

  /** Adds the page to the in-memory checkpoint, writes it in `tx`, and undoes the addition if that fails. */
  private async commitPage(
    tx: SqlExecutor,
    rc: ResourceCheckpoint,
    cursor: string | null,
    page: { synced: number; deleted: number; pageErrors: SyncError[]; warnings: SyncError[] },
  ) {
    const { checkpoint, errors } = this.state;
    const before = {
      synced: rc.synced,
      failed: rc.failed,
      deleted: rc.deleted,
      cursor: rc.cursor,
      errors: errors.length,
      count: checkpoint.errorCount,
    };
    rc.synced += page.synced;
    rc.failed += page.pageErrors.length;
    if (page.deleted > 0) rc.deleted = (rc.deleted ?? 0) + page.deleted;
    rc.cursor = cursor;
    for (const e of [...page.pageErrors, ...page.warnings]) this.addError(e);
    try {
      await this.writeState(tx);
    } catch (error) {
      Object.assign(rc, {
        synced: before.synced,
        failed: before.failed,
        deleted: before.deleted,
        cursor: before.cursor,
      });
      errors.length = before.errors;
      checkpoint.errorCount = before.count;
      throw error;
    }
  }

  /**
   * Stopped to be resumed (worker shutdown, lost lease): the run stays `running` with its checkpoint and a
   * heartbeat in the past, so the next worker picks it up at once (findInterruptedRuns) and continues from there.
   */
  private async leaveResumable(): Promise<SyncRunSummary> {
    await this.serial(() =>
      this.db.$transaction(async (tx) => {
        await this.writeState(tx, { workerId: null, heartbeatAt: new Date(0) });
        await tx.integration.updateMany({
          where: { id: this.state.integrationId, status: "syncing" },
          data: { status: "connected", statusCode: null },
        });
      }, TX_OPTIONS),
    );
    this.emit();
    return summaryOf((await this.db.syncRun.findUnique({ where: { id: this.state.runId } }))!);
  }

  /** A disconnect (by the merchant, the store owner, an uninstall) stops the run: store reads are aborted. */
  private async stopIfDisconnected(): Promise<void> {
    const row = await this.db.integration
      .findUnique({ where: { id: this.state.integrationId }, select: { status: true } })
      .catch(() => null);
    if (row?.status === "disconnected") this.disconnected.abort(new StoreDisconnectedAbort());
  }

  /** Final status, counters and the integration's status (a read failure needs the merchant's attention). */
  private async finish(fatal: string | null): Promise<SyncRunSummary> {
    const { checkpoint, resources, integrationId } = this.state;
    const rcs = resources.map((r) => checkpoint.resources[r]!);
    let status: SyncRunStatus;
    if (this.signal.aborted) status = "cancelled";
    else if (fatal || (rcs.length > 0 && rcs.every((c) => c.phase === "failed"))) status = "failed";
    else if (rcs.some((c) => c.phase === "failed" || c.failed > 0)) status = "partial";
    else status = "succeeded";
    this.status = status;
    this.state.currentResource = null;
    const finishedAt = this.options.clock();
    const failedRead = rcs.find((c) => c.phase === "failed");
    const readFailure = failedRead?.error;
    const message = this.disconnected.signal.aborted
      ? STOPPED_BY_DISCONNECT
      : (fatal ?? (readFailure ? `A store read failed: ${readFailure}` : null));

    const current = await this.db.integration.findUnique({
      where: { id: integrationId },
      select: { status: true },
    });
    const healthy =
      status === "succeeded" || (status === "partial" && !readFailure) || status === "cancelled";
    await this.serial(() =>
      this.db.$transaction(async (tx) => {
        await this.writeState(tx, { status, finishedAt, errorMessage: message, heartbeatAt: finishedAt });
        const outcome = {
          lastSyncAt: status === "cancelled" ? undefined : finishedAt,
          ...(current?.status === "disconnected"
            ? {}
            : {
                status: healthy ? "connected" : "needs_attention",
                statusReason: healthy ? null : message,
                // The code of the failure the reason tells (the fatal error's, else the failed read's).
                statusCode: healthy
                  ? null
                  : ((fatal ? checkpoint.failureCode : failedRead?.errorCode) ?? "sync_failed"),
              }),
        };
        // Counted at the end of the last resource and nothing written since: the three COUNTs would read the same.
        if (this.countersCurrent) await recordIntegrationOutcome(tx, this.db, integrationId, outcome);
        else await refreshIntegrationCounters(tx, this.db, integrationId, outcome);
      }, TX_OPTIONS),
    );
    this.emit();
    return {
      runId: this.state.runId,
      integrationId,
      kind: this.state.kind,
      status,
      resources: resourceResultsOf(this.state),
      errorCount: checkpoint.errorCount,
      errorMessage: message,
      startedAt: this.state.startedAt,
      finishedAt,
    };
  }

  private snapshot(): ProgressSnapshot {
    const { runId, integrationId, currentResource, checkpoint, resources } = this.state;
    return progressSnapshot(
      { runId, integrationId, status: this.status, currentResource },
      checkpoint,
      resources,
    );
  }

  private writeState(tx: SqlExecutor, extra: Record<string, unknown> = {}) {
    this.lastWriteAtMs = Date.now();
    return writeRunState(tx, this.db, this.state, this.snapshot(), this.options.clock(), extra);
  }

  private addError(error: Omit<SyncError, "at"> & { at?: string }) {
    this.state.checkpoint.errorCount += 1;
    if (this.state.errors.length < MAX_STORED_ERRORS) {
      this.state.errors.push({ ...error, at: error.at ?? this.options.clock().toISOString() });
    }
  }

  private emit() {
    try {
      this.options.onProgress?.(this.snapshot());
    } catch {
      // A progress listener's failure must not break the sync.
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Runs a write of the run; a transient failure of the app's database becomes DatabaseUnavailableError. */
async function databaseWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isTransientDatabaseError(error) && !(error instanceof DatabaseUnavailableError)
      ? new DatabaseUnavailableError(error)
      : error;
  }
}
