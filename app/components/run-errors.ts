import type { SyncRunView } from "../integrations/sync-runs.server";
import { withoutRetryNote } from "../lib/errors";
import { humanize } from "./format";

/**
 * What a run's error drill-down lists, each fact once: the run's failure (unless it only repeats a resource's read
 * failure), each resource that could not be read, and the record errors (without the engine's "Reading … stopped"
 * entry that repeats a read failure). A failure's "Commerce Sync will try again later." is left out: a past run
 * promises nothing, and the store's status says what really comes next.
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
    summary: summary === null ? null : withoutRetryNote(summary).text,
    readFailures: failed.map(
      (r) => `${humanize(r.resource)} could not be read: ${withoutRetryNote(r.error!).text}`,
    ),
    records: run.errors
      .filter((e) => !repeatsReadFailure(e))
      .map(
        (e) =>
          `${humanize(e.resource)}${e.externalId ? ` #${e.externalId}` : ""}: ${withoutRetryNote(e.message).text}`,
      ),
  };
}
