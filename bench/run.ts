/**
 * `npm run bench [-- --records 200000 --baseline-records 2000 --small-records 50000 --page-size 1000 --only sqlite]`
 *
 * Ingest benchmark of the sync engine. For SQLite and PostgreSQL, each in a fresh migrated
 * database and a fresh process: the engine at `records` and at `small-records` (memory must stay flat as the record
 * count grows), the floor (the same rows through prepared statements in one transaction) and the naive baseline
 * loop (on a smaller sample: it is slow). Prints a table and writes bench/results/latest.json. Not a test: figures
 * depend on the machine; the ratios, measured in the same run, are what to compare.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { QUICK, WORK_DIR, arg, openDatabases, suiteSelected } from "./suites/common";
import { ingestFigures } from "./suites/ingest-figures";
import { runOtherSuites } from "./suites/index";
import { formatTable } from "./suites/figures";

interface Measurement {
  mode: string;
  kind: string;
  records: number;
  pageSize: number;
  seconds: number;
  records_per_s: number;
  peak_rss_mb: number;
  rows: Record<string, number>;
}

const records = Number(arg("records", QUICK ? "10000" : "200000"));
const smallRecords = Number(arg("small-records", String(Math.round(records / 4))));
const baselineRecords = Number(arg("baseline-records", QUICK ? "300" : "2000"));
const pageSize = Number(arg("page-size", "1000"));
const only = arg("only", "");

function measure(mode: string, url: string, count: number): Measurement {
  process.stdout.write(`  ${mode.padEnd(10)} ${String(count).padStart(7)} records … `);
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/ingest.ts", mode, url, String(count), String(pageSize)],
    {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const line = child.stdout.trim().split("\n").at(-1) ?? "";
  if (child.status !== 0 || !line.startsWith("{")) {
    throw new Error(`bench/ingest.ts ${mode} failed (${child.status}):\n${child.stderr}\n${child.stdout}`);
  }
  const result = JSON.parse(line) as Measurement;
  process.stdout.write(`${result.records_per_s} records/s, peak RSS ${result.peak_rss_mb} MB\n`);
  return result;
}

async function bench(kind: "sqlite" | "postgres") {
  console.log(`\n${kind}:`);
  const dbs = await openDatabases(kind, "ingest");
  try {
    const engine = measure("engine", await dbs.fresh(), records);
    const small = measure("engine", await dbs.fresh(), smallRecords);
    const floor = measure("floor", await dbs.fresh(), records);
    // PostgreSQL: the same rows through COPY … FROM STDIN, the bulk-load floor the engine's COPY path aims at.
    const copyFloor = kind === "postgres" ? measure("copy_floor", await dbs.fresh(), records) : null;
    const baseline = measure("baseline", await dbs.fresh(), baselineRecords);
    return {
      records_per_s: engine.records_per_s,
      floor_records_per_s: floor.records_per_s,
      ...(copyFloor
        ? {
            copy_floor_records_per_s: copyFloor.records_per_s,
            copy_floor_over_engine: Number((copyFloor.records_per_s / engine.records_per_s).toFixed(2)),
            copy_floor_peak_rss_mb: copyFloor.peak_rss_mb,
          }
        : {}),
      baseline_records_per_s: baseline.records_per_s,
      peak_rss_mb: engine.peak_rss_mb,
      floor_over_engine: Number((floor.records_per_s / engine.records_per_s).toFixed(2)),
      engine_over_baseline: Number((engine.records_per_s / baseline.records_per_s).toFixed(1)),
      records: engine.records,
      baseline_records: baseline.records,
      page_size: pageSize,
      rows_written: engine.rows,
      seconds: engine.seconds,
      memory: {
        [`peak_rss_mb_at_${small.records}`]: small.peak_rss_mb,
        [`peak_rss_mb_at_${engine.records}`]: engine.peak_rss_mb,
      },
    };
  } finally {
    await dbs.done();
  }
}

mkdirSync(WORK_DIR, { recursive: true });
mkdirSync(resolve("bench/results"), { recursive: true });
const ingest: Record<string, unknown> = {};
// Taken before the first measurement (other processes on a shared machine move the figures).
const loadAtStart = loadavg();
console.log(
  `Ingest benchmark: ${records} records (40% customers, 50% orders × 3 items, 10% products × 2 variants), pages of ${pageSize}`,
);
console.log(
  `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadAtStart
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
for (const kind of ["sqlite", "postgres"] as const) {
  if (only && only !== kind) continue;
  if (!suiteSelected("ingest")) continue;
  ingest[kind] = await bench(kind);
}
// The end-to-end suites (bench/suites/): each its own module, each figure beside a floor or limit of this run.
const suites = await runOtherSuites({
  kinds: only ? [only as "sqlite" | "postgres"] : ["sqlite", "postgres"],
});
const result = {
  quick: QUICK,
  generatedAt: new Date().toISOString(),
  machine: {
    cores: cpus().length,
    loadAverageAtStart: loadAtStart.map((l) => Number(l.toFixed(2))),
    loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
  },
  ingest,
  ...suites.json,
};
// A run of some suites only (--suites, --only) does not replace the complete results.
const partial = process.argv.includes("--suites") || only !== "";
// Quick runs (CI) prove every figure is produced; they never replace a full run's figures.
const output = partial
  ? resolve(WORK_DIR, "partial.json")
  : resolve(QUICK ? "bench/results/quick.json" : "bench/results/latest.json");
writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);

console.log(`\n${formatTable([...ingestFigures(ingest), ...suites.figures])}`);
console.log(`\nWrote ${output}`);
