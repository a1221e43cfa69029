/**
 * One measurement in a fresh process (so peak RSS belongs to it alone):
 *   tsx bench/ingest.ts <engine|floor|copy_floor|baseline> <database url> <records> [pageSize]
 * Prints one JSON line: { mode, kind, records, seconds, records_per_s, peak_rss_mb, rows }.
 *
 * - engine:   runSync over the in-memory source (the product's path).
 * - floor:    the same source, mapped by the same mappers, the same rows written in ONE transaction with prepared
 *             statements (better-sqlite3 directly for SQLite; node-postgres prepared multi-row INSERTs for
 *             PostgreSQL). No dedupe lookups, no upsert guards, no checkpoints: a lower bound on write cost.
 * - copy_floor: PostgreSQL only: the same rows as `floor`, written with `COPY … FROM STDIN` into the real tables in
 *             ONE transaction (pg-copy-streams, text format as the engine's COPY path encodes it), in chunks of
 *             5,000 rows, parents first. The fastest way PostgreSQL accepts these rows: what the engine's
 *             PostgreSQL path is measured against.
 * - baseline: a naive loop through Prisma, one record at a time: find by email (or external id), then insert or
 *             update.
 */
import { databaseKind } from "../app/db/database-url";
import { baseline } from "./ingest/baseline";
import { setupIntegration, type IngestResult, type IngestRun } from "./ingest/common";
import { copyFloor } from "./ingest/copy-floor";
import { engine } from "./ingest/engine";
import { floorPostgres, floorSqlite } from "./ingest/floor";

const [mode, url, recordsArg, pageSizeArg] = process.argv.slice(2);
const run: IngestRun = {
  url,
  kind: databaseKind(url),
  records: Number(recordsArg),
  pageSize: Number(pageSizeArg ?? 1000),
};

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);

async function measure(): Promise<IngestResult> {
  if (mode === "engine") return engine(run);
  if (mode === "copy_floor" && run.kind !== "postgres")
    throw new Error("copy_floor is a PostgreSQL measurement");
  const ctx = await setupIntegration(run);
  if (mode === "floor") return run.kind === "sqlite" ? floorSqlite(run, ctx) : floorPostgres(run, ctx);
  if (mode === "copy_floor") return copyFloor(run, ctx);
  if (mode === "baseline") return baseline(run, ctx);
  throw new Error(`Unknown mode "${mode}" (engine, floor, copy_floor, baseline)`);
}

const result = await measure();
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({
    mode,
    kind: run.kind,
    records: run.records,
    pageSize: run.pageSize,
    seconds: Number(result.seconds.toFixed(3)),
    records_per_s: Math.round(run.records / result.seconds),
    peak_rss_mb: Number((peakRss / 1024 / 1024).toFixed(1)),
    rows: result.rows,
  })}\n`,
);
