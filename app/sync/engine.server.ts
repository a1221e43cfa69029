/**
 * The sync engine: read a page → map → upsert the batch and the run's checkpoint in one transaction → repeat.
 *
 * It never branches on the platform: a SyncSource (see types.ts) supplies readers and pure mappers. Each page's
 * rows, the run's per-resource cursor and its counters commit together, so a run killed at any point (even
 * `kill -9`) resumes from the last committed page with exact counts and no duplicates. A page whose batch write
 * fails is retried record by record, so one poison record fails alone.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { AppDb, Db } from "../db/client.server";
import { errorMessage, isResumableAbort, SyncAlreadyRunningError, SyncTargetNotFoundError } from "./errors";
import type { SourceProvider } from "./platform";
import { dialectFor, executeIn, type SqlExecutor } from "./sql.server";
import {
  RESOURCES,
  type CanonicalRecordOf,
  type ProgressSnapshot,
  type RecordOutcome,
  type Resource,
  type ResourceReader,
  type ResourceResult,
  type SyncError,
  type SyncKind,
  type SyncRunStatus,
  type SyncRunSummary,
  type SyncSource,
} from "./types";
import { writeContacts, writeOrders, writeProducts, type WriteContext } from "./writer.server";

type SyncDb = AppDb;

/** Errors kept on a run (the total is counted separately). */
export const MAX_STORED_ERRORS = 100;
/** A `running` run whose heartbeat is older than this is considered interrupted. */
export const DEFAULT_STALE_AFTER_MS = 30_000;
/** Progress and heartbeat are persisted at least this often while a run is running. */
export const PROGRESS_INTERVAL_MS = 1_000;

const TX_OPTIONS = { maxWait: 30_000, timeout: 120_000 };

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
}

type Phase = "pending" | "running" | "done" | "failed";

interface ResourceCheckpoint {
  phase: Phase;
  /** Where to resume reading (the cursor of the last committed page). */
  cursor: string | null;
  synced: number;
  failed: number;
  total: number | null;
  /** Reader failure that stopped this resource, if any. */
  error?: string;
}

interface Checkpoint {
  version: 1;
  resources: Partial<Record<Resource, ResourceCheckpoint>>;
  errorCount: number;
}

const COUNTER_COLUMNS: Record<Resource, { synced: string; failed: string }> = {
  customers: { synced: "contactsSynced", failed: "contactsFailed" },
  orders: { synced: "ordersSynced", failed: "ordersFailed" },
  products: { synced: "productsSynced", failed: "productsFailed" },
};

type Writer<R extends Resource> = (
  tx: SqlExecutor,
  ctx: WriteContext,
  records: CanonicalRecordOf[R][],
) => Promise<void>;
const WRITERS: { [R in Resource]: Writer<R> } = {
  customers: writeContacts,
  orders: writeOrders,
  products: writeProducts,
};

function remoteIdOf(reader: Pick<ResourceReader<unknown>, "remoteId">, remote: unknown): string | null {
  const custom = reader.remoteId?.(remote);
  if (custom !== undefined) return custom;
  if (remote && typeof remote === "object" && "id" in remote) {
    const id = (remote as { id: unknown }).id;
    if (typeof id === "string" || typeof id === "number" || typeof id === "bigint") return String(id);
  }
  return null;
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as T;
    } catch {
      return fallback;
    }
  }
  return value as T;
}

/** Loads the integration and the context every write needs. */
async function writeContextFor(db: SyncDb, integrationId: string, platform: string | undefined, now: Date) {
  const integration = await db.integration.findUnique({ where: { id: integrationId } });
  if (!integration) throw new SyncTargetNotFoundError(`Integration ${integrationId} does not exist.`);
  const ctx: WriteContext = {
    dialect: dialectFor(db.$kind),
    organizationId: integration.organizationId,
    integrationId,
    platform: platform ?? integration.platform,
    now,
  };
  return { integration, ctx };
}

/**
 * Current row counts of an integration, written to Integration.synced* so the counters always match the data.
 * Contacts count distinct people linked to this store (guests included).
 */
export async function refreshIntegrationCounters(
  tx: SqlExecutor,
  db: SyncDb,
  integrationId: string,
  extra?: { lastSyncAt?: Date; status?: string; statusReason?: string | null },
) {
  const dialect = dialectFor(db.$kind);
  const p = (i: number) => dialect.param(i, "text");
  // Placeholders are positional on SQLite: every use of a value is its own parameter.
  const [row] = await tx.$queryRawUnsafe<{ contacts: unknown; orders: unknown; products: unknown }[]>(
    `SELECT
       (SELECT COUNT(DISTINCT "contactId") FROM "ContactSource" WHERE "integrationId" = ${p(1)}) AS "contacts",
       (SELECT COUNT(*) FROM "Order" WHERE "integrationId" = ${p(2)} AND "deletedAt" IS NULL) AS "orders",
       (SELECT COUNT(*) FROM "Product" WHERE "integrationId" = ${p(3)} AND "deletedAt" IS NULL) AS "products"`,
    integrationId,
    integrationId,
    integrationId,
  );
  const values: [string, unknown, "int" | "timestamp" | "text"][] = [
    ["syncedContacts", Number(row.contacts), "int"],
    ["syncedOrders", Number(row.orders), "int"],
    ["syncedProducts", Number(row.products), "int"],
    ["updatedAt", sqlNow(db), "timestamp"],
  ];
  if (extra?.lastSyncAt) values.push(["lastSyncAt", dateParam(db, extra.lastSyncAt), "timestamp"]);
  if (extra?.status) {
    values.push(["status", extra.status, "text"]);
    values.push(["statusReason", extra.statusReason ?? null, "text"]);
  }
  const sets = values.map(([column, , type], i) => `"${column}" = ${dialect.param(i + 1, type)}`);
  await tx.$executeRawUnsafe(
    `UPDATE "Integration" SET ${sets.join(", ")} WHERE "id" = ${p(values.length + 1)}`,
    ...values.map(([, value]) => value),
    integrationId,
  );
  return { contacts: Number(row.contacts), orders: Number(row.orders), products: Number(row.products) };
}

function dateParam(db: SyncDb, date: Date): string {
  const iso = date.toISOString();
  return db.$kind === "sqlite" ? iso.replace("Z", "+00:00") : iso;
}
function sqlNow(db: SyncDb): string {
  return dateParam(db, new Date());
}

/**
 * Runs (or, with `runId`, resumes) one sync of one integration.
 *
 * Full = every resource read from no cursor; incremental/reconcile = each resource read from the cursor the last
 * finished run of this integration ended at (a full read when there is none). Returns the seed's per-resource
 * `{ success, synced, failed, errors }` with the run's final status. Throws only when the run cannot start
 * (unknown integration or platform, another run alive); failures during the run end up in the summary.
 */
export async function runSync(db: SyncDb, options: RunSyncOptions): Promise<SyncRunSummary> {
  const clock = options.now ?? (() => new Date());
  const { integration, ctx: integrationCtx } = await writeContextFor(
    db,
    options.integrationId,
    undefined,
    clock(),
  );
  const signal = options.signal ?? new AbortController().signal;

  const run = options.runId ? await db.syncRun.findUnique({ where: { id: options.runId } }) : null;
  if (options.runId && !run) throw new SyncTargetNotFoundError(`Sync run ${options.runId} does not exist.`);
  if (run && run.integrationId !== options.integrationId) {
    throw new SyncTargetNotFoundError(`Sync run ${run.id} belongs to another integration.`);
  }
  if (run && (run.status === "succeeded" || run.status === "cancelled")) return summaryOf(run);
  if (
    run?.status === "running" &&
    run.workerId !== (options.workerId ?? null) &&
    run.heartbeatAt &&
    run.heartbeatAt.getTime() > clock().getTime() - DEFAULT_STALE_AFTER_MS
  ) {
    throw new SyncAlreadyRunningError(run.integrationId, run.id);
  }
  if (!run) await assertNoLiveRun(db, options.integrationId, clock());

  let source: SyncSource;
  try {
    if (options.source) source = options.source;
    else if (options.sources) source = await options.sources.sourceFor(db, integration);
    else throw new Error("runSync needs a source or a source provider.");
  } catch (error) {
    await recordStartFailure(db, options, run?.id ?? null, errorMessage(error), clock());
    throw error;
  }
  try {
    return await runWithSource(db, options, integration, integrationCtx, source, run, signal, clock);
  } finally {
    await source.close?.().catch(() => undefined);
  }
}

/**
 * A run that could not start (its source could not be built: unknown platform, credentials missing or unreadable)
 * is recorded as a failed run and puts the integration in `needs_attention`, so the merchant sees why nothing syncs.
 */
async function recordStartFailure(
  db: SyncDb,
  options: RunSyncOptions,
  runId: string | null,
  cause: string,
  now: Date,
) {
  const message = `Commerce Sync could not start syncing this store: ${cause}`;
  await db.$transaction(async (tx) => {
    if (runId) {
      await tx.syncRun.update({
        where: { id: runId },
        data: { status: "failed", finishedAt: now, errorMessage: message, heartbeatAt: now },
      });
    } else {
      await tx.syncRun.create({
        data: {
          id: randomUUID(),
          integrationId: options.integrationId,
          kind: options.kind,
          status: "failed",
          resources: (options.resources ?? [...RESOURCES]) as unknown as Prisma.InputJsonValue,
          triggeredBy: options.triggeredBy ?? "system",
          workerId: options.workerId ?? null,
          startedAt: now,
          finishedAt: now,
          errorMessage: message,
        },
      });
    }
    await tx.integration.updateMany({
      where: { id: options.integrationId, status: { not: "disconnected" } },
      data: { status: "needs_attention", statusReason: message },
    });
  }, TX_OPTIONS);
}

async function runWithSource(
  db: SyncDb,
  options: RunSyncOptions,
  integration: { id: string; status: string },
  integrationCtx: WriteContext,
  source: SyncSource,
  existing: NonNullable<Awaited<ReturnType<Db["syncRun"]["findUnique"]>>> | null,
  signal: AbortSignal,
  clock: () => Date,
): Promise<SyncRunSummary> {
  let run = existing;
  const baseCtx: WriteContext = { ...integrationCtx, platform: source.platform };
  const available = RESOURCES.filter((r) => source.readers[r]);

  let checkpoint: Checkpoint;
  let resources: Resource[];
  let errors: SyncError[];
  if (run) {
    checkpoint = parseJson<Checkpoint>(run.checkpoint, { version: 1, resources: {}, errorCount: 0 });
    resources = parseJson<Resource[]>(run.resources, available);
    errors = parseJson<SyncError[]>(run.errors, []);
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        status: "running",
        workerId: options.workerId ?? run.workerId,
        heartbeatAt: clock(),
        finishedAt: null,
        errorMessage: null,
      },
    });
  } else {
    resources = (options.resources ?? available).filter((r) => available.includes(r));
    checkpoint = { version: 1, resources: {}, errorCount: 0 };
    const previous = options.kind === "full" ? null : await lastFinishedCheckpoint(db, options.integrationId);
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
    errors = [];
    run = await db.syncRun.create({
      data: {
        id: randomUUID(),
        integrationId: options.integrationId,
        kind: options.kind,
        status: "running",
        resources,
        checkpoint: checkpoint as unknown as Prisma.InputJsonValue,
        triggeredBy: options.triggeredBy ?? "system",
        workerId: options.workerId ?? null,
        heartbeatAt: clock(),
        startedAt: clock(),
      },
    });
  }
  const runId = run.id;
  const kind = run.kind as SyncKind;
  const startedAt = run.startedAt;

  if (integration.status !== "disconnected") {
    await db.integration.update({
      where: { id: integration.id },
      data: { status: "syncing", statusReason: null },
    });
  }

  const state = {
    currentResource: null as Resource | null,
    lastWriteAt: Date.now(),
    status: "running" as SyncRunStatus,
  };
  const snapshot = (): ProgressSnapshot => {
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
    return {
      runId,
      integrationId: options.integrationId,
      status: state.status,
      currentResource: state.currentResource,
      done,
      total: totalKnown ? total : null,
      resources: perResource,
    };
  };

  // All of this run's writes go through one chain so the heartbeat never interleaves with a page transaction.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const runUpdate = (tx: SqlExecutor, extra: Record<string, unknown> = {}) => {
    const snap = snapshot();
    const data: Record<string, unknown> = {
      checkpoint: JSON.stringify(checkpoint),
      errors: JSON.stringify(errors),
      currentResource: state.currentResource,
      progressDone: snap.done,
      progressTotal: snap.total,
      heartbeatAt: clock(),
      ...extra,
    };
    for (const r of resources) {
      data[COUNTER_COLUMNS[r].synced] = checkpoint.resources[r]!.synced;
      data[COUNTER_COLUMNS[r].failed] = checkpoint.resources[r]!.failed;
    }
    const dialect = dialectFor(db.$kind);
    const entries = Object.entries(data);
    const typeOf = (key: string) =>
      key === "checkpoint" || key === "errors"
        ? "json"
        : key === "heartbeatAt" || key === "finishedAt"
          ? "timestamp"
          : key === "status" || key === "errorMessage" || key === "currentResource"
            ? "text"
            : "int";
    const sets = entries.map(([k], i) => `"${k}" = ${dialect.param(i + 1, typeOf(k))}`);
    const params = entries.map(([, v]) => (v instanceof Date ? dateParam(db, v) : v));
    params.push(runId);
    state.lastWriteAt = Date.now();
    return tx.$executeRawUnsafe(
      `UPDATE "SyncRun" SET ${sets.join(", ")} WHERE "id" = ${dialect.param(params.length, "text")}`,
      ...params,
    );
  };

  const emit = () => {
    try {
      options.onProgress?.(snapshot());
    } catch {
      // A progress listener's failure must not break the sync.
    }
  };

  const heartbeat = setInterval(() => {
    if (Date.now() - state.lastWriteAt < PROGRESS_INTERVAL_MS) return;
    void serial(() => runUpdate(db)).catch(() => undefined);
  }, PROGRESS_INTERVAL_MS / 2);
  heartbeat.unref?.();

  const addError = (resource: Resource, externalId: string | null, message: string) => {
    checkpoint.errorCount += 1;
    if (errors.length < MAX_STORED_ERRORS)
      errors.push({ resource, externalId, message, at: clock().toISOString() });
  };

  let fatal: string | null = null;
  try {
    for (const resource of resources) {
      const rc = checkpoint.resources[resource]!;
      if (rc.phase === "done") continue;
      if (signal.aborted) break;
      const reader = source.readers[resource] as ResourceReader<unknown> | undefined;
      if (!reader) continue;
      state.currentResource = resource;
      rc.phase = "running";
      rc.error = undefined;
      if (rc.total === null && source.count) {
        rc.total = (await source.count(resource, signal).catch(() => undefined)) ?? null;
      }
      emit();
      try {
        for await (const page of reader.read(rc.cursor, signal)) {
          if (page.estimatedTotal !== undefined) rc.total = page.estimatedTotal;
          const ctx: WriteContext = { ...baseCtx, now: clock() };
          // A page's failures join the run's counters only together with its rows and cursor (one commit), so a
          // crash before that commit never counts them twice when the page is read again.
          const pageErrors: SyncError[] = [];
          const fail = (externalId: string | null, message: string) =>
            pageErrors.push({ resource, externalId, message, at: clock().toISOString() });
          const mapped: CanonicalRecordOf[Resource][] = [];
          for (const remote of page.records) {
            try {
              mapped.push(reader.map(remote) as CanonicalRecordOf[Resource]);
            } catch (error) {
              fail(remoteIdOf(reader, remote), `Could not read record: ${errorMessage(error)}`);
            }
          }
          const writer = WRITERS[resource] as Writer<Resource>;
          /** Adds the page to the in-memory checkpoint, writes it in `tx`, and undoes the addition if that fails. */
          const commitPage = async (tx: SqlExecutor, synced: number) => {
            const before = {
              synced: rc.synced,
              failed: rc.failed,
              cursor: rc.cursor,
              errors: errors.length,
              count: checkpoint.errorCount,
            };
            rc.synced += synced;
            rc.failed += pageErrors.length;
            rc.cursor = page.cursor;
            for (const e of pageErrors) addError(e.resource, e.externalId, e.message);
            try {
              await runUpdate(tx);
            } catch (error) {
              Object.assign(rc, { synced: before.synced, failed: before.failed, cursor: before.cursor });
              errors.length = before.errors;
              checkpoint.errorCount = before.count;
              throw error;
            }
          };
          const batchOk = await serial(async () => {
            try {
              await db.$transaction(async (tx) => {
                await writer(tx, ctx, mapped);
                await commitPage(tx, mapped.length);
              }, TX_OPTIONS);
              return true;
            } catch {
              return false;
            }
          });
          if (!batchOk) {
            // Find the poison record(s): each record in its own transaction, then the page's checkpoint.
            let synced = 0;
            for (const record of mapped) {
              const outcome = await serial(() => writeOne(db, ctx, writer, record));
              if (outcome === null) synced += 1;
              else fail((record as { externalId: string }).externalId, `Could not save record: ${outcome}`);
            }
            await serial(() => db.$transaction((tx) => commitPage(tx, synced), TX_OPTIONS));
          }
          emit();
          if (signal.aborted) break;
        }
        if (!signal.aborted) {
          rc.phase = "done";
          // Integration counters follow the data resource by resource, not only at the end of the run.
          await serial(() =>
            db.$transaction(async (tx) => {
              await runUpdate(tx);
              await refreshIntegrationCounters(tx, db, options.integrationId);
            }, TX_OPTIONS),
          );
        }
      } catch (error) {
        if (signal.aborted) break;
        rc.phase = "failed";
        rc.error = errorMessage(error);
        addError(resource, null, `Reading ${resource} stopped: ${rc.error}`);
        await serial(() => runUpdate(db));
      }
    }
  } catch (error) {
    fatal = errorMessage(error);
  } finally {
    clearInterval(heartbeat);
  }

  if (signal.aborted && isResumableAbort(signal.reason)) {
    // Stopped to be resumed (worker shutdown, lost lease): the run stays `running` with its checkpoint and a
    // heartbeat in the past, so the next worker picks it up at once (findInterruptedRuns) and continues from there.
    await serial(() =>
      db.$transaction(async (tx) => {
        await runUpdate(tx, { workerId: null, heartbeatAt: new Date(0) });
        await tx.integration.updateMany({
          where: { id: options.integrationId, status: "syncing" },
          data: { status: "connected" },
        });
      }, TX_OPTIONS),
    );
    emit();
    return summaryOf((await db.syncRun.findUnique({ where: { id: runId } }))!);
  }

  const rcs = resources.map((r) => checkpoint.resources[r]!);
  let status: SyncRunStatus;
  if (signal.aborted) status = "cancelled";
  else if (fatal || (rcs.length > 0 && rcs.every((c) => c.phase === "failed"))) status = "failed";
  else if (rcs.some((c) => c.phase === "failed" || c.failed > 0)) status = "partial";
  else status = "succeeded";
  state.status = status;
  state.currentResource = null;
  const finishedAt = clock();
  const readFailure = rcs.find((c) => c.phase === "failed")?.error;
  const message = fatal ?? (readFailure ? `A store read failed: ${readFailure}` : null);

  const current = await db.integration.findUnique({
    where: { id: options.integrationId },
    select: { status: true },
  });
  await serial(() =>
    db.$transaction(async (tx) => {
      await runUpdate(tx, { status, finishedAt, errorMessage: message, heartbeatAt: finishedAt });
      const healthy =
        status === "succeeded" || (status === "partial" && !readFailure) || status === "cancelled";
      await refreshIntegrationCounters(tx, db, options.integrationId, {
        lastSyncAt: status === "cancelled" ? undefined : finishedAt,
        ...(current?.status === "disconnected"
          ? {}
          : { status: healthy ? "connected" : "needs_attention", statusReason: healthy ? null : message }),
      });
    }, TX_OPTIONS),
  );
  emit();

  const result: Partial<Record<Resource, ResourceResult>> = {};
  for (const r of resources) {
    const c = checkpoint.resources[r]!;
    result[r] = {
      success: c.phase === "done" && c.failed === 0,
      synced: c.synced,
      failed: c.failed,
      errors: errors
        .filter((e) => e.resource === r)
        .map((e) => (e.externalId ? `${e.externalId}: ${e.message}` : e.message)),
    };
  }
  return {
    runId,
    integrationId: options.integrationId,
    kind,
    status,
    resources: result,
    errorCount: checkpoint.errorCount,
    errorMessage: message,
    startedAt,
    finishedAt,
  };
}

async function writeOne<R extends Resource>(
  db: SyncDb,
  ctx: WriteContext,
  writer: Writer<R>,
  record: CanonicalRecordOf[R],
): Promise<string | null> {
  try {
    await db.$transaction((tx) => writer(tx, ctx, [record]), TX_OPTIONS);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

async function assertNoLiveRun(db: SyncDb, integrationId: string, now: Date) {
  const live = await db.syncRun.findFirst({
    where: {
      integrationId,
      status: "running",
      heartbeatAt: { gte: new Date(now.getTime() - DEFAULT_STALE_AFTER_MS) },
    },
    select: { id: true },
  });
  if (live) throw new SyncAlreadyRunningError(integrationId, live.id);
}

async function lastFinishedCheckpoint(db: SyncDb, integrationId: string): Promise<Checkpoint | null> {
  const last = await db.syncRun.findFirst({
    where: { integrationId, status: { in: ["succeeded", "partial"] } },
    orderBy: { startedAt: "desc" },
    select: { checkpoint: true },
  });
  return last ? parseJson<Checkpoint>(last.checkpoint, { version: 1, resources: {}, errorCount: 0 }) : null;
}

type SyncRunRow = NonNullable<Awaited<ReturnType<Db["syncRun"]["findUnique"]>>>;

/** The seed's result format for a stored run (finished or not). */
export function summaryOf(run: SyncRunRow): SyncRunSummary {
  const checkpoint = parseJson<Checkpoint>(run.checkpoint, { version: 1, resources: {}, errorCount: 0 });
  const errors = parseJson<SyncError[]>(run.errors, []);
  const resources = parseJson<Resource[]>(run.resources, []);
  const result: Partial<Record<Resource, ResourceResult>> = {};
  for (const r of resources) {
    const c = checkpoint.resources[r];
    const synced = Number((run as Record<string, unknown>)[COUNTER_COLUMNS[r].synced] ?? 0);
    const failed = Number((run as Record<string, unknown>)[COUNTER_COLUMNS[r].failed] ?? 0);
    result[r] = {
      success: c?.phase === "done" && failed === 0,
      synced,
      failed,
      errors: errors
        .filter((e) => e.resource === r)
        .map((e) => (e.externalId ? `${e.externalId}: ${e.message}` : e.message)),
    };
  }
  return {
    runId: run.id,
    integrationId: run.integrationId,
    kind: run.kind as SyncKind,
    status: run.status as SyncRunStatus,
    resources: result,
    errorCount: checkpoint.errorCount ?? errors.length,
    errorMessage: run.errorMessage,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** Runs left `running` whose heartbeat is older than `staleAfterMs` (their worker died or was stopped). */
export async function findInterruptedRuns(
  db: SyncDb,
  options: { staleAfterMs?: number; now?: Date } = {},
): Promise<{ id: string; integrationId: string; heartbeatAt: Date | null }[]> {
  const cutoff = new Date(
    (options.now ?? new Date()).getTime() - (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS),
  );
  return db.syncRun.findMany({
    where: {
      status: "running",
      OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, startedAt: { lt: cutoff } }],
    },
    orderBy: { startedAt: "asc" },
    select: { id: true, integrationId: true, heartbeatAt: true },
  });
}

/**
 * Resumes every interrupted run in turn on this worker. Each run is claimed first (compare-and-set on its
 * heartbeat), so two workers restarting together never resume the same run twice.
 */
export async function resumeInterruptedRuns(
  db: SyncDb,
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

/**
 * Applies remote records outside a run (webhooks): same mapping, upsert rules and newest-wins as a sync. The batch
 * is written in one transaction; if that fails, record by record. Integration counters are refreshed.
 */
export async function applyRecords<R extends Resource>(
  db: SyncDb,
  options: {
    integrationId: string;
    resource: R;
    remote: unknown[];
    /** The platform's pure mapper (method syntax: a mapper typed for the platform's record shape fits). */
    map(remote: unknown): CanonicalRecordOf[R];
    /** Stored as Contact.source / Order.platform on new rows (defaults to the integration's platform). */
    platform?: string;
  },
): Promise<RecordOutcome[]> {
  const { ctx } = await writeContextFor(db, options.integrationId, options.platform, new Date());
  const writer = WRITERS[options.resource] as Writer<Resource>;
  const outcomes: RecordOutcome[] = [];
  const mapped: { index: number; record: CanonicalRecordOf[Resource] }[] = [];
  options.remote.forEach((remote, index) => {
    try {
      mapped.push({ index, record: options.map(remote) });
      outcomes.push({ externalId: remoteIdOf({}, remote), status: "applied" });
    } catch (error) {
      outcomes.push({
        externalId: remoteIdOf({}, remote),
        status: "failed",
        error: errorMessage(error),
      });
    }
  });
  for (const m of mapped) outcomes[m.index].externalId = (m.record as { externalId: string }).externalId;
  try {
    await db.$transaction(
      (tx) =>
        writer(
          tx,
          ctx,
          mapped.map((m) => m.record),
        ),
      TX_OPTIONS,
    );
  } catch {
    for (const m of mapped) {
      const failure = await writeOne(db, ctx, writer, m.record);
      if (failure !== null)
        outcomes[m.index] = { externalId: outcomes[m.index].externalId, status: "failed", error: failure };
    }
  }
  await refreshIntegrationCounters(db, db, options.integrationId);
  return outcomes;
}

/**
 * Applies deletions reported by a store (webhooks orders/delete, products/delete, customers/delete): orders and
 * products are soft-deleted (`deletedAt`, excluded from the counters; a later newer update brings them back), a
 * deleted customer loses this store's link (the contact stays: it may have orders or come from another store).
 * Returns how many rows changed.
 */
export async function applyDeletions(
  db: SyncDb,
  options: { integrationId: string; resource: Resource; externalIds: string[]; deletedAt?: Date },
): Promise<number> {
  const dialect = dialectFor(db.$kind);
  const at = dateParam(db, options.deletedAt ?? new Date());
  const fixed = [{ value: options.integrationId, type: "text" as const }];
  let changed = 0;
  await db.$transaction(async (tx) => {
    if (options.resource === "customers") {
      changed = await executeIn(
        tx,
        dialect,
        fixed,
        options.externalIds,
        ([integration], list) =>
          `DELETE FROM "ContactSource" WHERE "integrationId" = ${integration} AND "externalId" IN (${list})`,
      );
    } else {
      const table = options.resource === "orders" ? "Order" : "Product";
      changed = await executeIn(
        tx,
        dialect,
        [{ value: at, type: "timestamp" }, ...fixed],
        options.externalIds,
        ([deletedAt, integration], list) =>
          `UPDATE "${table}" SET "deletedAt" = ${deletedAt} WHERE "integrationId" = ${integration} AND "externalId" IN (${list}) AND "deletedAt" IS NULL`,
      );
    }
    await refreshIntegrationCounters(tx, db, options.integrationId);
  }, TX_OPTIONS);
  return changed;
}
