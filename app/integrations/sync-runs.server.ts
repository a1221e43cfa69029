/**
 * Sync runs as the merchant's views and the integrations API show them: per-resource counts and progress read from
 * the run's stored checkpoint, duration, and the stored errors for the drill-down. Read-only.
 */
import { parseJsonValue } from "../lib/json";
import { RESOURCES, type Resource } from "../sync/types";

/** What a run row needs to be described (a SyncRun row satisfies it). */
export interface SyncRunRow {
  id: string;
  kind: string;
  status: string;
  triggeredBy: string;
  resources: unknown;
  checkpoint: unknown;
  errors: unknown;
  errorMessage: string | null;
  currentResource: string | null;
  progressDone: number;
  progressTotal: number | null;
  heartbeatAt: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  contactsSynced: number;
  contactsFailed: number;
  ordersSynced: number;
  ordersFailed: number;
  productsSynced: number;
  productsFailed: number;
}

export interface ResourceProgress {
  resource: Resource;
  /** "pending" | "running" | "done" | "failed" */
  phase: string;
  synced: number;
  failed: number;
  /** Records removed because the store deleted them (its trash, or confirmed gone without a webhook). */
  deleted: number;
  /** Records the store reported (null when it cannot tell in advance). */
  total: number | null;
  /** Why reading this resource stopped, when it failed. */
  error: string | null;
}

export interface SyncRunView {
  id: string;
  kind: string;
  status: string;
  triggeredBy: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Whether the run is going on now (running with a recent heartbeat). */
  active: boolean;
  currentResource: string | null;
  progress: { done: number; total: number | null };
  resources: ResourceProgress[];
  /** Totals over resources. */
  synced: number;
  failed: number;
  errorCount: number;
  errorMessage: string | null;
  /**
   * The stable code of what stopped the run (its own failure, else the first resource whose read failed), when it had
   * one: how the store's status tells a refused key from a site that is down.
   */
  failureCode: string | null;
  errors: Array<{ resource: string; externalId: string | null; message: string; at: string }>;
}

/** A running run whose heartbeat is older than this is not shown as live (the engine resumes it later). */
export const LIVE_HEARTBEAT_MS = 30_000;

const COUNTERS: Record<
  Resource,
  ["contactsSynced" | "ordersSynced" | "productsSynced", "contactsFailed" | "ordersFailed" | "productsFailed"]
> = {
  customers: ["contactsSynced", "contactsFailed"],
  orders: ["ordersSynced", "ordersFailed"],
  products: ["productsSynced", "productsFailed"],
};

type StoredCheckpoint = {
  resources?: Partial<
    Record<
      Resource,
      {
        phase?: string;
        synced?: number;
        failed?: number;
        deleted?: number;
        total?: number | null;
        error?: string;
        errorCode?: string;
      }
    >
  >;
  errorCount?: number;
  failureCode?: string;
};

/** Describes one stored run. */
export function describeRun(run: SyncRunRow, now: Date = new Date()): SyncRunView {
  const checkpoint = parseJsonValue<StoredCheckpoint>(run.checkpoint, {});
  const listed = parseJsonValue<string[]>(run.resources, []).filter((r): r is Resource =>
    (RESOURCES as readonly string[]).includes(r),
  );
  const resources: ResourceProgress[] = listed.map((resource) => {
    const c = checkpoint.resources?.[resource] ?? {};
    const [syncedColumn, failedColumn] = COUNTERS[resource];
    return {
      resource,
      phase: c.phase ?? (run.status === "running" ? "pending" : "done"),
      synced: run[syncedColumn],
      failed: run[failedColumn],
      deleted: typeof c.deleted === "number" ? c.deleted : 0,
      total: typeof c.total === "number" ? Math.max(c.total, run[syncedColumn] + run[failedColumn]) : null,
      error: c.error ?? null,
    };
  });
  const errors = parseJsonValue<SyncRunView["errors"]>(run.errors, []);
  const active =
    run.status === "running" &&
    !!run.heartbeatAt &&
    now.getTime() - run.heartbeatAt.getTime() < LIVE_HEARTBEAT_MS;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    triggeredBy: run.triggeredBy,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    active,
    currentResource: run.currentResource,
    progress: { done: run.progressDone, total: run.progressTotal },
    resources,
    synced: resources.reduce((n, r) => n + r.synced, 0),
    failed: resources.reduce((n, r) => n + r.failed, 0),
    errorCount: Math.max(checkpoint.errorCount ?? 0, errors.length),
    errorMessage: run.errorMessage,
    failureCode:
      checkpoint.failureCode ?? listed.map((r) => checkpoint.resources?.[r]?.errorCode).find(Boolean) ?? null,
    errors,
  };
}
