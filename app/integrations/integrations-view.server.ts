/**
 * The organization's integrations as the overview, the detail page and `GET /api/integrations` show them (the seed's
 * `list` shape plus what a merchant needs to trust it). The status shown never looks healthier than the facts: a
 * "connected" store whose last sync failed, or whose scheduled jobs fail before a run even starts, is shown as
 * needing attention with the reason.
 */
import { IDS_PER_STATEMENT, idChunks } from "../db/id-chunks";
import type { AppDb } from "../sync/platform";
import { IntegrationNotFoundError } from "./disconnect.server";
import { describeRun, type SyncRunView } from "./sync-runs.server";
import { effectiveSchedule, nextCheckAt, type ScheduleDefaults } from "../jobs/schedule";
import { displayStatus, type AttentionCause, type NextAttempt, type DisplayStatus } from "./display-status";

export {
  failedJobNotices,
  jobNotices,
  shownStoresNotices,
  statusContext,
  type JobNotices,
  type QueuedSyncNotice,
  type ShownStores,
} from "./job-notices.server";
import type { JobNotices, QueuedSyncNotice } from "./job-notices.server";

export {
  displayStatus,
  type DisplayStatus,
  type FailedJobNotice,
  type WaitingJobNotice,
  WAITING_GRACE_MS,
} from "./display-status";

export interface IntegrationListItem {
  id: string;
  platform: string;
  name: string;
  storeKey: string;
  status: DisplayStatus;
  statusReason: string | null;
  /** Why it needs attention (`AttentionCause`), null otherwise: the page offers Reconnect only where that can help. */
  attentionCause: AttentionCause | null;
  lastSyncAt: string | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
  createdAt: string;
  disconnectedAt: string | null;
  /** The run going on now, with its progress. */
  activeRun: SyncRunView | null;
  /** The store's earliest sync waiting in the queue (its first sync, a retry, a Sync now), or null. */
  queuedSync: { kind: string; runAt: string } | null;
  /** The newest finished run. */
  lastRun: { id: string; status: string; finishedAt: string | null; errorMessage: string | null } | null;
}

const RUN_SELECT = {
  id: true,
  integrationId: true,
  kind: true,
  status: true,
  triggeredBy: true,
  resources: true,
  checkpoint: true,
  errors: true,
  errorMessage: true,
  currentResource: true,
  progressDone: true,
  progressTotal: true,
  heartbeatAt: true,
  startedAt: true,
  finishedAt: true,
  contactsSynced: true,
  contactsFailed: true,
  ordersSynced: true,
  ordersFailed: true,
  productsSynced: true,
  productsFailed: true,
} as const;

type IntegrationRowForList = {
  id: string;
  platform: string;
  name: string;
  storeKey: string;
  status: string;
  statusReason: string | null;
  /** `Integration.statusCode`: the stable code of the reason. */
  statusCode?: string | null;
  lastSyncAt: Date | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
  createdAt: Date;
  disconnectedAt: Date | null;
  /** The last webhook maintenance's report (`Integration.webhookHealth`). */
  webhookHealth?: unknown;
  settings?: unknown;
};

const FINISHED = ["succeeded", "partial", "failed", "cancelled"];

async function runsByIntegration(db: AppDb, integrationIds: string[], now: Date) {
  const active = new Map<string, SyncRunView>();
  /** Runs still marked running whose worker stopped beating (killed, or stopped before it could finish). */
  const stalled = new Map<string, SyncRunView>();
  const last = new Map<string, SyncRunView>();
  if (integrationIds.length === 0) return { active, stalled, last };
  // An organization may hold any number of stores: their ids are named a slice at a time (see app/db/id-chunks.ts).
  const running = [];
  for (const ids of idChunks(integrationIds)) {
    running.push(
      ...(await db.syncRun.findMany({
        where: { integrationId: { in: ids }, status: "running" },
        select: RUN_SELECT,
        orderBy: { startedAt: "desc" },
      })),
    );
  }
  for (const run of running) {
    const view = describeRun(run, now);
    if (view.active && !active.has(run.integrationId)) active.set(run.integrationId, view);
    else if (!view.active && !stalled.has(run.integrationId)) stalled.set(run.integrationId, view);
  }
  // Newest finished run per integration: two statements per slice of stores, however many stores there are. The
  // second names two parameters per store, hence half a slice.
  for (const ids of idChunks(integrationIds, IDS_PER_STATEMENT / 2)) {
    const newest = await db.syncRun.groupBy({
      by: ["integrationId"],
      where: { integrationId: { in: ids }, status: { in: FINISHED } },
      _max: { startedAt: true },
    });
    const pairs = newest.flatMap((n) =>
      n._max.startedAt ? [{ integrationId: n.integrationId, startedAt: n._max.startedAt }] : [],
    );
    if (pairs.length === 0) continue;
    const runs = await db.syncRun.findMany({
      where: { status: { in: FINISHED }, OR: pairs },
      select: RUN_SELECT,
      // Two finished runs started in the same millisecond: the same one every time.
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    });
    for (const run of runs)
      if (!last.has(run.integrationId)) last.set(run.integrationId, describeRun(run, now));
  }
  return { active, stalled, last };
}

/** What a view of the stores reads besides the database: the queue's notices and the schedule's defaults. */
export interface StatusOptions extends JobNotices {
  now?: Date;
  /**
   * The deployment's schedule defaults (env), to say when a failed or partial sync is tried again; without them a
   * status keeps its reason's own words.
   */
  scheduleDefaults?: ScheduleDefaults;
}

/** Whom a status reason speaks to: the overview (or the API) lists stores; the store's page is where Sync now is. */
type Reader = "list" | "store page";

function nextAttemptOf(
  row: IntegrationRowForList,
  runs: Array<SyncRunView | null>,
  queuedSync: QueuedSyncNotice | null,
  options: StatusOptions,
  reader: Reader,
): NextAttempt | null {
  if (!options.scheduleDefaults) return null;
  const now = options.now ?? new Date();
  const schedule = effectiveSchedule(row.settings, options.scheduleDefaults);
  // As the scheduler reckons it: one interval after the newest run started.
  const newest = runs.reduce<Date | null>((latest, run) => {
    const started = run ? new Date(run.startedAt) : null;
    return started && (!latest || started > latest) ? started : latest;
  }, null);
  return {
    now,
    queuedSyncAt: queuedSync?.runAt ?? null,
    nextCheckAt: nextCheckAt(newest, schedule.intervalMinutes, now),
    onStorePage: reader === "store page",
  };
}

function toItem(
  row: IntegrationRowForList,
  activeRun: SyncRunView | null,
  lastRun: SyncRunView | null,
  options: StatusOptions,
  stalledRun: SyncRunView | null,
  reader: Reader,
): IntegrationListItem {
  const queuedSync = firstNoticeOf(
    options.queuedSyncs,
    row.id,
    (a, b) => a.runAt.getTime() - b.runAt.getTime(),
  );
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    storeKey: row.storeKey,
    ...displayStatus(
      row,
      activeRun,
      lastRun,
      firstNoticeOf(
        options.failedJobs,
        row.id,
        (a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0),
      ),
      firstNoticeOf(options.waitingJobs, row.id, (a, b) => a.dueAt.getTime() - b.dueAt.getTime()),
      stalledRun,
      nextAttemptOf(row, [activeRun, lastRun, stalledRun], queuedSync, options, reader),
    ),
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    syncedContacts: row.syncedContacts,
    syncedOrders: row.syncedOrders,
    syncedProducts: row.syncedProducts,
    createdAt: row.createdAt.toISOString(),
    disconnectedAt: row.disconnectedAt?.toISOString() ?? null,
    activeRun,
    queuedSync: queuedSync ? { kind: queuedSync.kind, runAt: queuedSync.runAt.toISOString() } : null,
    lastRun: lastRun
      ? {
          id: lastRun.id,
          status: lastRun.status,
          finishedAt: lastRun.finishedAt,
          errorMessage: lastRun.errorMessage,
        }
      : null,
  };
}

/** The store's notice that comes first by `order` (e.g. the newest failure), or null. */
function firstNoticeOf<T extends { integrationId: string }>(
  notices: T[] | undefined,
  integrationId: string,
  order: (a: T, b: T) => number,
): T | null {
  return (notices ?? []).filter((n) => n.integrationId === integrationId).sort(order)[0] ?? null;
}

/** Every integration of the organization, oldest first. */
export async function listIntegrations(
  db: AppDb,
  organizationId: string,
  options: StatusOptions = {},
): Promise<IntegrationListItem[]> {
  const now = options.now ?? new Date();
  const rows = await db.integration.findMany({ where: { organizationId }, orderBy: { createdAt: "asc" } });
  const { active, stalled, last } = await runsByIntegration(
    db,
    rows.map((r) => r.id),
    now,
  );
  return rows.map((row) =>
    toItem(
      row,
      active.get(row.id) ?? null,
      last.get(row.id) ?? null,
      options,
      stalled.get(row.id) ?? null,
      "list",
    ),
  );
}

/** What a store page polls while a run is active (`/app/integrations/:id/progress`, `/woocommerce/stores/:id/progress`). */
export type LiveProgress = Pick<
  IntegrationListItem,
  | "status"
  | "statusReason"
  | "attentionCause"
  | "activeRun"
  | "syncedContacts"
  | "syncedOrders"
  | "syncedProducts"
  | "lastSyncAt"
  | "lastRun"
  | "queuedSync"
>;

/** The live part of a store, as both progress routes answer it. */
export function liveProgress(integration: IntegrationListItem): LiveProgress {
  return {
    status: integration.status,
    statusReason: integration.statusReason,
    attentionCause: integration.attentionCause,
    activeRun: integration.activeRun,
    syncedContacts: integration.syncedContacts,
    syncedOrders: integration.syncedOrders,
    syncedProducts: integration.syncedProducts,
    lastSyncAt: integration.lastSyncAt,
    lastRun: integration.lastRun,
    queuedSync: integration.queuedSync,
  };
}

/** One integration of the organization; another organization's id is not found. */
export async function getIntegration(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  options: StatusOptions = {},
): Promise<IntegrationListItem> {
  const row = await db.integration.findFirst({ where: { id: integrationId, organizationId } });
  if (!row) throw new IntegrationNotFoundError();
  const { active, stalled, last } = await runsByIntegration(db, [row.id], options.now ?? new Date());
  return toItem(
    row,
    active.get(row.id) ?? null,
    last.get(row.id) ?? null,
    options,
    stalled.get(row.id) ?? null,
    "store page",
  );
}

export interface SyncHistoryPage {
  runs: SyncRunView[];
  /** Pass as `before` to get older runs; null when there are none. */
  nextBefore: string | null;
}

/** The integration's runs, newest first (the seed's `syncHistory`), `limit` at a time. */
export async function syncHistory(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  options: { limit?: number; before?: string | null; now?: Date } = {},
): Promise<SyncHistoryPage> {
  const integration = await db.integration.findFirst({
    where: { id: integrationId, organizationId },
    select: { id: true },
  });
  if (!integration) throw new IntegrationNotFoundError();
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const before = options.before ? new Date(options.before) : null;
  const runs = await db.syncRun.findMany({
    where: {
      integrationId,
      ...(before && !Number.isNaN(before.getTime()) ? { startedAt: { lt: before } } : {}),
    },
    select: RUN_SELECT,
    orderBy: { startedAt: "desc" },
    take: limit + 1,
  });
  const page = runs.slice(0, limit).map((r) => describeRun(r, options.now));
  return { runs: page, nextBefore: runs.length > limit ? page[page.length - 1].startedAt : null };
}
