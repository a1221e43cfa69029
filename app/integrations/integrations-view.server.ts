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

export type DisplayStatus = "connected" | "syncing" | "needs_attention" | "disconnected";

export interface IntegrationListItem {
  id: string;
  platform: string;
  name: string;
  storeKey: string;
  status: DisplayStatus;
  statusReason: string | null;
  lastSyncAt: string | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
  createdAt: string;
  disconnectedAt: string | null;
  /** The run going on now, with its progress. */
  activeRun: SyncRunView | null;
  /** The newest finished run. */
  lastRun: { id: string; status: string; finishedAt: string | null; errorMessage: string | null } | null;
}

/** A job that failed for an integration (from the queue), for the status shown. */
export interface FailedJobNotice {
  integrationId: string;
  kind: string;
  error: string | null;
  finishedAt: Date | null;
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
  lastSyncAt: Date | null;
  syncedContacts: number;
  syncedOrders: number;
  syncedProducts: number;
  createdAt: Date;
  disconnectedAt: Date | null;
};

/**
 * The status a merchant sees. Order of precedence: disconnected; a live run (syncing); the stored needs_attention;
 * a failed last run; a failed job newer than the last finished run; a partial last run; connected.
 */
export function displayStatus(
  row: Pick<IntegrationRowForList, "status" | "statusReason">,
  activeRun: SyncRunView | null,
  lastRun: SyncRunView | null,
  failedJob: FailedJobNotice | null,
): { status: DisplayStatus; statusReason: string | null } {
  if (row.status === "disconnected") return { status: "disconnected", statusReason: row.statusReason };
  if (activeRun) return { status: "syncing", statusReason: null };
  if (row.status === "needs_attention")
    return { status: "needs_attention", statusReason: row.statusReason ?? "The last sync could not finish." };
  if (lastRun?.status === "failed")
    return {
      status: "needs_attention",
      statusReason: `The last sync failed: ${lastRun.errorMessage ?? "see its errors in the sync history."}`,
    };
  const lastFinishedAt = lastRun?.finishedAt ? new Date(lastRun.finishedAt).getTime() : 0;
  if (failedJob && (failedJob.finishedAt?.getTime() ?? Date.now()) > lastFinishedAt) {
    return {
      status: "needs_attention",
      statusReason: `A scheduled ${failedJob.kind.replace(/^sync\./, "")} sync failed before it could run: ${failedJob.error ?? "unknown error"}`,
    };
  }
  if (lastRun?.status === "partial")
    return {
      status: "needs_attention",
      statusReason:
        lastRun.failed > 0
          ? `The last sync skipped ${lastRun.failed.toLocaleString("en-US")} record(s) it could not save.`
          : `The last sync could not read everything: ${lastRun.resources.find((r) => r.error)?.error ?? "see the sync history."}`,
    };
  if (row.status === "syncing") return { status: "connected", statusReason: null };
  return { status: "connected", statusReason: null };
}

const FINISHED = ["succeeded", "partial", "failed", "cancelled"];

async function runsByIntegration(db: AppDb, integrationIds: string[], now: Date) {
  const active = new Map<string, SyncRunView>();
  const last = new Map<string, SyncRunView>();
  if (integrationIds.length === 0) return { active, last };
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
  return { active, last };
}

function toItem(
  row: IntegrationRowForList,
  activeRun: SyncRunView | null,
  lastRun: SyncRunView | null,
  failedJob: FailedJobNotice | null,
): IntegrationListItem {
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    storeKey: row.storeKey,
    ...displayStatus(row, activeRun, lastRun, failedJob),
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    syncedContacts: row.syncedContacts,
    syncedOrders: row.syncedOrders,
    syncedProducts: row.syncedProducts,
    createdAt: row.createdAt.toISOString(),
    disconnectedAt: row.disconnectedAt?.toISOString() ?? null,
    activeRun,
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

function newestFailedJob(failedJobs: FailedJobNotice[] | undefined, integrationId: string) {
  const mine = (failedJobs ?? []).filter((j) => j.integrationId === integrationId);
  mine.sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0));
  return mine[0] ?? null;
}

/** Every integration of the organization, oldest first. */
export async function listIntegrations(
  db: AppDb,
  organizationId: string,
  options: { failedJobs?: FailedJobNotice[]; now?: Date } = {},
): Promise<IntegrationListItem[]> {
  const now = options.now ?? new Date();
  const rows = await db.integration.findMany({ where: { organizationId }, orderBy: { createdAt: "asc" } });
  const { active, last } = await runsByIntegration(
    db,
    rows.map((r) => r.id),
    now,
  );
  return rows.map((row) =>
    toItem(
      row,
      active.get(row.id) ?? null,
      last.get(row.id) ?? null,
      newestFailedJob(options.failedJobs, row.id),
    ),
  );
}

/** One integration of the organization; another organization's id is not found. */
/** What a store page polls while a run is active (`/app/integrations/:id/progress`, `/woocommerce/stores/:id/progress`). */
export type LiveProgress = Pick<
  IntegrationListItem,
  | "status"
  | "statusReason"
  | "activeRun"
  | "syncedContacts"
  | "syncedOrders"
  | "syncedProducts"
  | "lastSyncAt"
>;

/** The live part of a store, as both progress routes answer it. */
export function liveProgress(integration: IntegrationListItem): LiveProgress {
  return {
    status: integration.status,
    statusReason: integration.statusReason,
    activeRun: integration.activeRun,
    syncedContacts: integration.syncedContacts,
    syncedOrders: integration.syncedOrders,
    syncedProducts: integration.syncedProducts,
    lastSyncAt: integration.lastSyncAt,
  };
}

export async function getIntegration(
  db: AppDb,
  organizationId: string,
  integrationId: string,
  options: { failedJobs?: FailedJobNotice[]; now?: Date } = {},
): Promise<IntegrationListItem> {
  const row = await db.integration.findFirst({ where: { id: integrationId, organizationId } });
  if (!row) throw new IntegrationNotFoundError();
  const { active, last } = await runsByIntegration(db, [row.id], options.now ?? new Date());
  return toItem(
    row,
    active.get(row.id) ?? null,
    last.get(row.id) ?? null,
    newestFailedJob(options.failedJobs, row.id),
  );
}

/** Failed jobs of the queue that name an integration, as status notices. */
export function failedJobNotices(
  jobs: Array<{ kind: string; payload: unknown; lastError: string | null; finishedAt: Date | null }>,
): FailedJobNotice[] {
  const notices: FailedJobNotice[] = [];
  for (const job of jobs) {
    const integrationId = (job.payload as { integrationId?: unknown } | null)?.integrationId;
    if (typeof integrationId !== "string" || !/^(sync\.|reconcile)/.test(job.kind)) continue;
    notices.push({ integrationId, kind: job.kind, error: job.lastError, finishedAt: job.finishedAt });
  }
  return notices;
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
