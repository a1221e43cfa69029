/**
 * `shopify_full_sync.{sqlite,postgres}`: a first sync of an emulated Shopify store through the product's real path
 * (bench/suites/shopify-child.ts, engine mode), the emulator in its own process, at a small and a large size (peak RSS
 * must not grow with the size); beside the large one the floor (the same JSONL parsed and written by prepared
 * statements, same run). Records: 40 % customers, 50 %
 * orders (line items from the emulator's generator), 10 % products (with variants).
 */
import { BENCH_API_KEY, BENCH_API_SECRET, type ChildOptions } from "./shopify-shared";
import {
  arg,
  openDatabases,
  PORT_BASE,
  processCpuSeconds,
  QUICK,
  runChild,
  startEmulator,
  workerEnv,
  workerNodeFlags,
  type DatabaseKind,
} from "./common";
import { ratio, type Figure, type SuiteResult } from "./figures";

interface Measured {
  records: number;
  seconds: number;
  records_per_s: number;
  peak_rss_mb: number;
  /** CPU seconds (user + system) of the sync process while syncing (engine mode). */
  cpu_s?: number;
  /** CPU seconds the emulator used during the measurement (exports, downloads, API calls). */
  emulator_cpu_s?: number;
  rows?: Record<string, number>;
}

/** Extra Node flags for the engine child, for profiling: `BENCH_SHOPIFY_NODE_FLAGS="--cpu-prof --cpu-prof-dir=…"`. */
function shopifyChildExtraFlags(): string[] {
  return (process.env.BENCH_SHOPIFY_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
}

export function shapeFor(records: number) {
  const customers = Math.round(records * 0.4);
  const products = Math.round(records * 0.1);
  return { customers, products, orders: records - customers - products };
}

export async function shopifyFullSync(kinds: DatabaseKind[]): Promise<SuiteResult> {
  // `--shopify-sizes 100000` (one size: small = large) for iterating on one size; the floor runs at the largest.
  const sizes = arg("shopify-sizes", QUICK ? "2000,10000" : "100000,1000000")
    .split(",")
    .map(Number);
  const emulatorPort = PORT_BASE + 1;
  const appPort = PORT_BASE + 3;
  const byKind: Record<string, { engine: Measured[]; floor: Measured[] }> = {};
  for (const kind of kinds) byKind[kind] = { engine: [], floor: [] };
  const dbs = Object.fromEntries(
    await Promise.all(kinds.map(async (k) => [k, await openDatabases(k, "shopify")] as const)),
  );
  try {
    for (const records of sizes) {
      const expected = shapeFor(records);
      console.log(`  shopify emulator with ${records.toLocaleString("en-US")} records …`);
      const emulator = await startEmulator("shopify", [
        "--port",
        String(emulatorPort),
        "--seed",
        "12",
        "--customers",
        String(expected.customers),
        "--orders",
        String(expected.orders),
        "--products",
        String(expected.products),
        "--api-key",
        BENCH_API_KEY,
        "--api-secret",
        BENCH_API_SECRET,
        "--app-url",
        `http://127.0.0.1:${appPort}`,
      ]);
      try {
        for (const kind of kinds) {
          const options: ChildOptions = { expected, appPort };
          // The floor is measured at the large size (where the engine's figure is compared with it).
          for (const mode of records === sizes[sizes.length - 1]
            ? (["engine", "floor"] as const)
            : (["engine"] as const)) {
            process.stdout.write(
              `    ${kind} ${mode.padEnd(6)} ${records.toLocaleString("en-US")} records … `,
            );
            const emulatorCpuBefore = processCpuSeconds(emulator.child.pid);
            const result = await runChild<Measured>(
              "bench/suites/shopify-child.ts",
              [mode, await dbs[kind].fresh(), emulator.url, JSON.stringify(options)],
              // The engine runs as `npm run worker` runs it (same Node flags and environment, e.g. MALLOC_ARENA_MAX);
              // the floor is not the product. BENCH_SHOPIFY_NODE_FLAGS adds flags to the engine child (e.g.
              // `--cpu-prof --cpu-prof-dir=…`).
              mode === "engine"
                ? { nodeFlags: [...workerNodeFlags(), ...shopifyChildExtraFlags()], env: workerEnv() }
                : { nodeFlags: [] },
            );
            const emulatorCpuAfter = processCpuSeconds(emulator.child.pid);
            if (emulatorCpuBefore !== null && emulatorCpuAfter !== null)
              result.emulator_cpu_s = Number((emulatorCpuAfter - emulatorCpuBefore).toFixed(2));
            console.log(
              `${result.records_per_s} records/s, ${result.seconds} s${result.cpu_s === undefined ? "" : ` (CPU ${result.cpu_s} s)`}${result.emulator_cpu_s === undefined ? "" : `, emulator CPU ${result.emulator_cpu_s} s`}, peak RSS ${result.peak_rss_mb} MB`,
            );
            byKind[kind][mode].push(result);
          }
        }
      } finally {
        await emulator.stop();
      }
    }
  } finally {
    for (const d of Object.values(dbs)) await d.done();
  }

  const json: Record<string, unknown> = {};
  const figures: Figure[] = [];
  for (const kind of kinds) {
    const { engine, floor } = byKind[kind];
    const small = engine[0];
    const large = engine[engine.length - 1];
    const largeFloor = floor[floor.length - 1];
    const entry = {
      records: large.records,
      records_per_s: large.records_per_s,
      seconds: large.seconds,
      cpu_s: large.cpu_s,
      emulator_cpu_s: large.emulator_cpu_s,
      peak_rss_mb: large.peak_rss_mb,
      floor_records_per_s: largeFloor.records_per_s,
      floor_over_engine: ratio(largeFloor.records_per_s, large.records_per_s),
      small_records: small.records,
      small_records_per_s: small.records_per_s,
      small_seconds: small.seconds,
      small_peak_rss_mb: small.peak_rss_mb,
      peak_rss_growth: ratio(large.peak_rss_mb, small.peak_rss_mb),
      rows_written: large.rows,
    };
    json[kind] = entry;
    const p = `shopify_full_sync.${kind}`;
    const floorLabel = `floor, ${large.records.toLocaleString("en-US")}`;
    figures.push(
      {
        name: `${p}.records_per_s`,
        value: entry.records_per_s,
        against: { label: floorLabel, value: entry.floor_records_per_s },
        ratio: ratio(entry.records_per_s, entry.floor_records_per_s),
        target: kind === "sqlite" ? "≥ 20,000" : "(no target)",
        met: kind === "sqlite" ? entry.records_per_s >= 20_000 : null,
      },
      {
        name: `${p}.seconds`,
        value: entry.seconds,
        target: `wall time, ${large.records.toLocaleString("en-US")} records`,
        met: null,
      },
      {
        name: `${p}.small_records_per_s`,
        value: entry.small_records_per_s,
        target: `at ${small.records.toLocaleString("en-US")} records`,
        met: null,
      },
      {
        name: `${p}.peak_rss_mb`,
        value: entry.peak_rss_mb,
        against: { label: "limit", value: 300 },
        ratio: ratio(entry.peak_rss_mb, 300),
        target: `< 300 MB at ${large.records.toLocaleString("en-US")}`,
        met: entry.peak_rss_mb < 300,
      },
      {
        name: `${p}.peak_rss_growth`,
        value: entry.peak_rss_growth,
        against: { label: `MB at ${small.records.toLocaleString("en-US")}`, value: entry.small_peak_rss_mb },
        target: "≤ 1.2 (flat)",
        met: (entry.peak_rss_growth ?? Infinity) <= 1.2,
      },
    );
  }
  return { json, figures };
}
