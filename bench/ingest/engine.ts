/** `engine`: runSync over the in-memory source, the product's path. */
import { createPrismaClient } from "../../app/db/client.server";
import { runSync } from "../../app/sync/engine.server";
import { benchSource, shapeFor } from "../dataset";
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
  const rows = {
    contacts: await db.contact.count(),
    orders: await db.order.count(),
    items: await db.orderItem.count(),
    products: await db.product.count(),
    variants: await db.productVariant.count(),
  };
  await db.$disconnect();
  return { seconds, rows };
}
