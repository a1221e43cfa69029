/**
 * `npx tsx bench/check.ts [bench/results/latest.json]`: fails (exit 1) when the results of `npm run bench` lack any
 * figure the benchmark promises, or hold one that is not a finite number. CI runs it after `npm run bench -- --quick`.
 * It checks that every figure was measured, not that targets were met (quick figures on a shared CI machine are
 * indicative only; the printed table says met / not met).
 */
import { readFileSync } from "node:fs";

export const REQUIRED_FIGURES = [
  ...["sqlite", "postgres"].flatMap((kind) =>
    ["records_per_s", "floor_records_per_s", "peak_rss_mb"].map((f) => `ingest.${kind}.${f}`),
  ),
  "ingest.postgres.copy_floor_records_per_s",
  "ingest.postgres.copy_floor_over_engine",
  ...["sqlite", "postgres"].flatMap((kind) =>
    [
      "records",
      "records_per_s",
      "seconds",
      "peak_rss_mb",
      "floor_records_per_s",
      "small_records",
      "small_records_per_s",
      "small_peak_rss_mb",
      "peak_rss_growth",
    ].map((f) => `shopify_full_sync.${kind}.${f}`),
  ),
  "throttled_sync.achieved_points_per_s",
  "throttled_sync.allowed_points_per_s",
  "throttled_sync.achieved_over_allowed",
  "throttled_sync.throttled_errors_surfaced",
  "woo_full_sync.records_per_s",
  "woo_full_sync.sequential_records_per_s",
  "woo_full_sync.ratio",
  "woo_full_sync.max_in_flight_seen_by_store",
  "webhook_ingest.requests_per_s",
  "webhook_ingest.p50_ms",
  "webhook_ingest.p99_ms",
  "webhook_ingest.stored",
  "webhook_ingest.responses_2xx",
  "webhook_ingest.floor_requests_per_s",
  ...["sqlite", "postgres"].flatMap((kind) =>
    ["events_per_s", "floor_records_per_s", "floor_over_drain", "writes"].map(
      (f) => `webhook_drain.${kind}.${f}`,
    ),
  ),
  "machine.cores",
];

function at(data: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
      data,
    );
}

const file = process.argv[2] ?? "bench/results/latest.json";
let data: unknown;
try {
  data = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(
    `bench check: cannot read ${file}: ${(error as Error).message}. Run \`npm run bench\` first.`,
  );
  process.exit(1);
}
const missing = REQUIRED_FIGURES.filter((path) => {
  const value = at(data, path);
  return typeof value !== "number" || !Number.isFinite(value);
});
if (missing.length > 0) {
  console.error(`bench check: ${file} lacks ${missing.length} figure(s):\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `bench check: ${file} has all ${REQUIRED_FIGURES.length} figures (generated ${String(at(data, "generatedAt"))}).`,
);
