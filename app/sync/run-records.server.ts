/**
 * SyncRun rows and the integration's counters: opening (new or resumed) runs, writing a run's state with each page,
 * the per-store counters, live-run and stale-run scans, failed starts and the stored run's summary.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { AppDb } from "../db/client.server";
import { sqlDate } from "../db/sql-date";
import { parseJsonValue } from "../lib/json";
import { parseCheckpoint, resourceResults, startingCheckpoint, type Checkpoint } from "./checkpoint";
import { SyncAlreadyRunningError } from "./errors";
import { dialectFor, TX_OPTIONS, type SqlExecutor, type SqlType } from "./sql.server";
import type { Resource, SyncError, SyncKind, SyncRunStatus, SyncRunSummary } from "./types";

/** Errors kept on a run (the total is counted separately). */
export const MAX_STORED_ERRORS = 100;
/** A `running` run whose heartbeat is older than this is considered interrupted. */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/** SyncRun counter columns per resource. */
export const COUNTER_COLUMNS: Record<Resource, { synced: string; failed: string }> = {
  customers: { synced: "contactsSynced", failed: "contactsFailed" },
  orders: { synced: "ordersSynced", failed: "ordersFailed" },
  products: { synced: "productsSynced", failed: "productsFailed" },
};

export type SyncRunRow = NonNullable<Awaited<ReturnType<AppDb["syncRun"]["findUnique"]>>>;

/** What a run keeps in memory and writes to its row with every page. */
export interface RunState {
  runId: string;
  integrationId: string;
  kind: SyncKind;
  startedAt: Date;
  resources: Resource[];
  checkpoint: Checkpoint;
  /** Stored errors (bounded by MAX_STORED_ERRORS; `checkpoint.errorCount` counts them all). */
  errors: SyncError[];
  currentResource: Resource | null;
}

const COLUMN_TYPES: Record<string, SqlType> = {
  checkpoint: "json",
  errors: "json",
  heartbeatAt: "timestamp",
  finishedAt: "timestamp",
  status: "text",
  errorMessage: "text",
  currentResource: "text",
  workerId: "text",
};

/**
 * Writes the run's checkpoint, errors, counters and progress (plus `extra` columns) in `tx`: with a page's rows,
 * this is what makes the page atomic.
 */
export function writeRunState(
  tx: SqlExecutor,
  db: Pick<AppDb, "$kind">,
  state: RunState,
  progress: { done: number; total: number | null },
  now: Date,
  extra: Record<string, unknown> = {},
) {
  const data: Record<string, unknown> = {
    checkpoint: JSON.stringify(state.checkpoint),
    errors: JSON.stringify(state.errors),
    currentResource: state.currentResource,
    progressDone: progress.done,
    progressTotal: progress.total,
    heartbeatAt: now,
    ...extra,
  };
  for (const r of state.resources) {
    data[COUNTER_COLUMNS[r].synced] = state.checkpoint.resources[r]!.synced;
    data[COUNTER_COLUMNS[r].failed] = state.checkpoint.resources[r]!.failed;
  }
  const dialect = dialectFor(db.$kind);
  const entries = Object.entries(data);
  const sets = entries.map(([k], i) => `"${k}" = ${dialect.param(i + 1, COLUMN_TYPES[k] ?? "int")}`);
  const params = entries.map(([, v]) => (v instanceof Date ? sqlDate(db.$kind, v) : v));
  params.push(state.runId);
  return tx.$executeRawUnsafe(
    `UPDATE "SyncRun" SET ${sets.join(", ")} WHERE "id" = ${dialect.param(params.length, "text")}`,
    ...params,
  );
}

/** What a run's end writes on its store's row besides the counters. */
export interface IntegrationOutcome {
  lastSyncAt?: Date;
  status?: string;
  statusReason?: string | null;
  /** The stable code of `statusReason` (`Integration.statusCode`); written, null when absent, with `status`. */
  statusCode?: string | null;
}

/**
 * Current row counts of an integration, written to Integration.synced* so the counters always match the data
 * (the engine after each resource and webhook, the compliance operations after a redaction or purge). Contacts
 * count distinct people linked to this store (guests included; a deleted customer's tombstone is no link). `extra` also sets the status and last sync time.
 */
export async function refreshIntegrationCounters(
  tx: SqlExecutor,
  db: Pick<AppDb, "$kind">,
  integrationId: string,
  extra?: IntegrationOutcome,
) {
  const dialect = dialectFor(db.$kind);
  const p = (i: number) => dialect.param(i, "text");
  // Placeholders are positional on SQLite: every use of a value is its own parameter.
  const [row] = await tx.$queryRawUnsafe<{ contacts: unknown; orders: unknown; products: unknown }[]>(
    `SELECT
       (SELECT COUNT(DISTINCT "contactId") FROM "ContactSource" WHERE "integrationId" = ${p(1)} AND "deletedAt" IS NULL) AS "contacts",
       (SELECT COUNT(*) FROM "Order" WHERE "integrationId" = ${p(2)} AND "deletedAt" IS NULL) AS "orders",
       (SELECT COUNT(*) FROM "Product" WHERE "integrationId" = ${p(3)} AND "deletedAt" IS NULL) AS "products"`,
    integrationId,
    integrationId,
    integrationId,
  );
  await updateIntegration(tx, db, integrationId, extra, [
    ["syncedContacts", Number(row.contacts), "int"],
    ["syncedOrders", Number(row.orders), "int"],
    ["syncedProducts", Number(row.products), "int"],
  ]);
  return { contacts: Number(row.contacts), orders: Number(row.orders), products: Number(row.products) };
}

/**
 * A run's outcome on its store's row (status, last sync time) without counting: for a run whose counters were
 * counted after its last write (refreshIntegrationCounters at the end of its last resource).
 */
export async function recordIntegrationOutcome(
  tx: SqlExecutor,
  db: Pick<AppDb, "$kind">,
  integrationId: string,
  outcome: IntegrationOutcome,
) {
  await updateIntegration(tx, db, integrationId, outcome, []);
}

async function updateIntegration(
  tx: SqlExecutor,
  db: Pick<AppDb, "$kind">,
  integrationId: string,
  extra: IntegrationOutcome | undefined,
  counters: [string, unknown, SqlType][],
) {
  const dialect = dialectFor(db.$kind);
  const values: [string, unknown, SqlType][] = [
    ...counters,
    ["updatedAt", sqlDate(db.$kind, new Date()), "timestamp"],
  ];
  if (extra?.lastSyncAt) values.push(["lastSyncAt", sqlDate(db.$kind, extra.lastSyncAt), "timestamp"]);
  if (extra?.status) {
    values.push(["status", extra.status, "text"]);
    values.push(["statusReason", extra.statusReason ?? null, "text"]);
    values.push(["statusCode", extra.statusCode ?? null, "text"]);
  }
  const sets = values.map(([column, , type], i) => `"${column}" = ${dialect.param(i + 1, type)}`);
  await tx.$executeRawUnsafe(
    `UPDATE "Integration" SET ${sets.join(", ")} WHERE "id" = ${dialect.param(values.length + 1, "text")}`,
    ...values.map(([, value]) => value),
    integrationId,
  );
}

/** Refuses to start when another run of the integration has a live heartbeat. */
export async function assertNoLiveRun(db: AppDb, integrationId: string, now: Date) {
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

/** True when `run` is running on another worker whose heartbeat is fresh. */
export function isLiveElsewhere(run: SyncRunRow, workerId: string | null, now: Date): boolean {
  return (
    run.status === "running" &&
    run.workerId !== workerId &&
    run.heartbeatAt !== null &&
    run.heartbeatAt.getTime() > now.getTime() - DEFAULT_STALE_AFTER_MS
  );
}

async function lastFinishedCheckpoint(db: AppDb, integrationId: string): Promise<Checkpoint | null> {
  const last = await db.syncRun.findFirst({
    where: { integrationId, status: { in: ["succeeded", "partial"] } },
    orderBy: { startedAt: "desc" },
    select: { checkpoint: true },
  });
  return last ? parseCheckpoint(last.checkpoint) : null;
}

/**
 * Opens a run: resumes `existing` from its checkpoint, or creates a new one over `resources` starting where the
 * last finished run ended (incremental, reconcile) or from the beginning (full).
 */
export async function openRun(
  db: AppDb,
  options: {
    integrationId: string;
    kind: SyncKind;
    resources: Resource[];
    workerId?: string;
    triggeredBy?: string;
  },
  existing: SyncRunRow | null,
  now: Date,
): Promise<RunState> {
  if (existing) {
    await db.syncRun.update({
      where: { id: existing.id },
      data: {
        status: "running",
        workerId: options.workerId ?? existing.workerId,
        heartbeatAt: now,
        finishedAt: null,
        errorMessage: null,
      },
    });
    return {
      runId: existing.id,
      integrationId: existing.integrationId,
      kind: existing.kind as SyncKind,
      startedAt: existing.startedAt,
      resources: parseJsonValue<Resource[]>(existing.resources, options.resources),
      checkpoint: parseCheckpoint(existing.checkpoint),
      errors: parseJsonValue<SyncError[]>(existing.errors, []),
      currentResource: null,
    };
  }
  const previous = options.kind === "full" ? null : await lastFinishedCheckpoint(db, options.integrationId);
  const checkpoint = startingCheckpoint(options.resources, previous);
  const run = await db.syncRun.create({
    data: {
      id: randomUUID(),
      integrationId: options.integrationId,
      kind: options.kind,
      status: "running",
      resources: options.resources,
      checkpoint: checkpoint as unknown as Prisma.InputJsonValue,
      triggeredBy: options.triggeredBy ?? "system",
      workerId: options.workerId ?? null,
      heartbeatAt: now,
      startedAt: now,
    },
  });
  return {
    runId: run.id,
    integrationId: options.integrationId,
    kind: options.kind,
    startedAt: run.startedAt,
    resources: options.resources,
    checkpoint,
    errors: [],
    currentResource: null,
  };
}

/**
 * A run that could not start (its source could not be built: unknown platform, credentials missing or unreadable)
 * is recorded as a failed run and puts the integration in `needs_attention`, so the merchant sees why nothing syncs.
 */
export async function recordStartFailure(
  db: AppDb,
  options: {
    integrationId: string;
    kind: SyncKind;
    resources?: Resource[];
    workerId?: string;
    triggeredBy?: string;
  },
  runId: string | null,
  cause: string,
  now: Date,
  code: string = "sync_start_failed",
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
          resources: (options.resources ?? []) as unknown as Prisma.InputJsonValue,
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
      data: { status: "needs_attention", statusReason: message, statusCode: code },
    });
  }, TX_OPTIONS);
}

/** The per-resource result format of a run in progress (counts from its checkpoint). */
export function resourceResultsOf(state: RunState) {
  return resourceResults(state.resources, state.checkpoint, state.errors, (r) => ({
    synced: state.checkpoint.resources[r]!.synced,
    failed: state.checkpoint.resources[r]!.failed,
  }));
}

/** The per-resource result format for a stored run (finished or not). */
export function summaryOf(run: SyncRunRow): SyncRunSummary {
  const checkpoint = parseCheckpoint(run.checkpoint);
  const errors = parseJsonValue<SyncError[]>(run.errors, []);
  const resources = parseJsonValue<Resource[]>(run.resources, []);
  const column = (name: string) => Number((run as Record<string, unknown>)[name] ?? 0);
  return {
    runId: run.id,
    integrationId: run.integrationId,
    kind: run.kind as SyncKind,
    status: run.status as SyncRunStatus,
    resources: resourceResults(resources, checkpoint, errors, (r) => ({
      synced: column(COUNTER_COLUMNS[r].synced),
      failed: column(COUNTER_COLUMNS[r].failed),
    })),
    errorCount: checkpoint.errorCount ?? errors.length,
    errorMessage: run.errorMessage,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

/** Runs left `running` whose heartbeat is older than `staleAfterMs` (their worker died or was stopped). */
export async function findInterruptedRuns(
  db: AppDb,
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
