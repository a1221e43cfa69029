import type { SyncRunView } from "../integrations/sync-runs.server";
import { humanize } from "./format";

/**
 * What a run's error drill-down lists, each fact once: the run's failure (unless it only repeats a resource's read
 * failure), each resource that could not be read, and the record errors (without the engine's "Reading … stopped"
 * entry that repeats a read failure).
 */
export function runErrorLines(run: Pick<SyncRunView, "errorMessage" | "resources" | "errors">): {
  summary: string | null;
  readFailures: string[];
  records: string[];
} {
  const failed = run.resources.filter((r) => r.error);
  const summary =
    run.errorMessage && !failed.some((r) => run.errorMessage!.endsWith(r.error!)) ? run.errorMessage : null;
  const repeatsReadFailure = (e: SyncRunView["errors"][number]) =>
    !e.externalId &&
    failed.some(
      (r) => r.resource === e.resource && e.message === `Reading ${r.resource} stopped: ${r.error}`,
    );
  return {
    summary,
    readFailures: failed.map((r) => `${humanize(r.resource)} could not be read: ${r.error}`),
    records: run.errors
      .filter((e) => !repeatsReadFailure(e))
      .map((e) => `${humanize(e.resource)}${e.externalId ? ` #${e.externalId}` : ""}: ${e.message}`),
  };
}
