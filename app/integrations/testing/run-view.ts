/**
 * A sync run as the status reads it (`describeRun` of a stored row), for tests of what a store shows: an
 * incremental orders run, one record synced, finished at 2026-01-01T00:01Z, its heartbeat now (a running run is live)
 * unless `extra` says otherwise.
 */
import { describeRun } from "../sync-runs.server";

export function runView(status: string, extra: Partial<Parameters<typeof describeRun>[0]> = {}) {
  return describeRun({
    id: "r",
    kind: "incremental",
    status,
    triggeredBy: "system",
    resources: ["orders"],
    checkpoint: { resources: { orders: { phase: "done", synced: 1, failed: 0, total: 1 } } },
    errors: [],
    errorMessage: null,
    currentResource: null,
    progressDone: 1,
    progressTotal: 1,
    heartbeatAt: new Date(),
    startedAt: new Date("2026-01-01T00:00:00Z"),
    finishedAt: new Date("2026-01-01T00:01:00Z"),
    contactsSynced: 0,
    contactsFailed: 0,
    ordersSynced: 1,
    ordersFailed: 0,
    productsSynced: 0,
    productsFailed: 0,
    ...extra,
  });
}
