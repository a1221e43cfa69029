/**
 * The table rows of the ingest benchmark (measured by bench/run.ts and bench/ingest.ts), read from its JSON so the
 * ingest code stays where it is. Targets from issue 12: both databases ≥ 25,000 records/s; SQLite within 1.5× of
 * its floor; PostgreSQL within 3× of the COPY floor (`copy_floor_records_per_s`, when the run measured it).
 */
import { ratio, type Figure } from "./figures";

interface IngestEntry {
  records_per_s?: number;
  floor_records_per_s?: number;
  copy_floor_records_per_s?: number;
  peak_rss_mb?: number;
}

export function ingestFigures(ingest: Record<string, unknown>): Figure[] {
  const figures: Figure[] = [];
  for (const [kind, raw] of Object.entries(ingest)) {
    const entry = raw as IngestEntry;
    const value = entry.records_per_s ?? null;
    const copy = kind === "postgres" ? (entry.copy_floor_records_per_s ?? null) : null;
    const floor = copy ?? entry.floor_records_per_s ?? null;
    const within = kind === "sqlite" ? 1.5 : 3;
    const floorOverEngine = ratio(floor, value);
    figures.push(
      {
        name: `ingest.${kind}.records_per_s`,
        value,
        target: "≥ 25,000",
        met: value === null ? false : value >= 25_000,
      },
      {
        name: `ingest.${kind}.floor_over_engine`,
        value: floorOverEngine,
        against: { label: copy !== null ? "COPY floor" : "floor", value: floor },
        target: `≤ ${within} (engine within ${within}× of the floor)`,
        met: floorOverEngine === null ? false : floorOverEngine <= within,
      },
    );
  }
  return figures;
}
