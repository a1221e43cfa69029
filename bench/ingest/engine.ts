/** `engine`: runSync over the in-memory source, the product's path. */
import { createPrismaClient } from "../../app/db/client.server";
import { runSync } from "../../app/sync/engine.server";
import { benchSource, shapeFor } from "../dataset";
import { countSyncedRows } from "../synced-rows";
import { setupIntegration, type IngestResult, type IngestRun } from "./common";

export async function engine(run: IngestRun): Promise<IngestResult> {
  const { integrationId } = await setupIntegration(run);
  const db = createPrismaClient(run.url);
  const started = performance.now();
  const summary = await runSync(db, {
    integrationId,
    kind: "full",
    source: benchSource(shapeFor(run.records), run.pageSize),
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.status !== "succeeded")
    throw new Error(`bench run ended ${summary.status}: ${summary.errorMessage}`);
  const rows = await countSyncedRows(db);
  await db.$disconnect();
  return { seconds, rows };
}
