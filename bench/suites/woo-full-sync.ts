/**
 * `woo_full_sync`: a full sync of orders from a WooCommerce emulator (its own process) that answers every REST list
 * page `latency` ms late, as a slow PHP host does: bounded page concurrency (the platform's setting) vs one page at
 * a time, each into a fresh SQLite database. The emulator reports the most requests it had in flight.
 */
import { createPrismaClient } from "../../app/db/client.server";
import { testPlatform, seedWooStore } from "../../app/platforms/woocommerce/testing/harness";
import { runSync } from "../../app/sync/engine.server";
import type { AppDb } from "../../app/sync/platform";
import { openDatabases, PORT_BASE, QUICK, startEmulator } from "./common";
import { ratio, type SuiteResult } from "./figures";

async function load(url: string, reset = false): Promise<{ max_in_flight: number; requests: number }> {
  const response = await fetch(`${url}/_emulator/concurrency${reset ? "/reset" : ""}`, {
    method: reset ? "POST" : "GET",
  });
  return (await response.json()) as { max_in_flight: number; requests: number };
}

export async function wooFullSync(): Promise<SuiteResult> {
  const orders = QUICK ? 2_000 : 50_000;
  const latencyMs = 300;
  const concurrency = 8;
  const emulator = await startEmulator("woocommerce", [
    "--port",
    String(PORT_BASE + 2),
    "--seed",
    "3",
    "--customers",
    "50",
    "--orders",
    String(orders),
    "--products",
    "20",
    "--latency-ms",
    String(latencyMs),
  ]);
  const dbs = await openDatabases("sqlite", "woo");
  const runs: Record<number, { seconds: number; maxInFlight: number; pages: number; synced: number }> = {};
  try {
    const keyResponse = await fetch(`${emulator.url}/_emulator/keys`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ permissions: "read" }),
    });
    const key = (await keyResponse.json()) as { consumer_key: string; consumer_secret: string };
    for (const setting of [concurrency, 1]) {
      process.stdout.write(
        `  ${orders.toLocaleString("en-US")} orders, ${latencyMs} ms/page, concurrency ${setting} … `,
      );
      const db = createPrismaClient(await dbs.fresh()) as unknown as AppDb;
      const platform = testPlatform({ pageConcurrency: setting, timeoutMs: 60_000 });
      const seeded = await seedWooStore(db, emulator.url, key);
      await load(emulator.url, true);
      const started = performance.now();
      const summary = await runSync(db, {
        integrationId: seeded.integration.id,
        kind: "full",
        resources: ["orders"],
        source: await platform.createSource(seeded.ctx),
      });
      const seconds = (performance.now() - started) / 1000;
      if (summary.status !== "succeeded")
        throw new Error(`woo sync ${summary.status}: ${summary.errorMessage}`);
      const synced = summary.resources.orders?.synced ?? 0;
      if (synced !== orders || (await db.order.count()) !== orders)
        throw new Error(`woo sync stored ${synced} of ${orders} orders`);
      const seen = await load(emulator.url);
      runs[setting] = { seconds, maxInFlight: seen.max_in_flight, pages: seen.requests, synced };
      console.log(
        `${Math.round(orders / seconds)} records/s, ${seconds.toFixed(1)} s, ${seen.max_in_flight} in flight at most`,
      );
      platform.close();
      await db.$disconnect();
    }
  } finally {
    await emulator.stop();
    await dbs.done();
  }
  const bounded = runs[concurrency];
  const sequential = runs[1];
  const json = {
    records: orders,
    latency_ms: latencyMs,
    concurrency,
    records_per_s: Math.round(orders / bounded.seconds),
    seconds: Number(bounded.seconds.toFixed(2)),
    sequential_records_per_s: Math.round(orders / sequential.seconds),
    sequential_seconds: Number(sequential.seconds.toFixed(2)),
    ratio: ratio(sequential.seconds, bounded.seconds),
    max_in_flight_seen_by_store: bounded.maxInFlight,
    sequential_max_in_flight: sequential.maxInFlight,
    requests: bounded.pages,
  };
  return {
    json,
    figures: [
      {
        name: "woo_full_sync.records_per_s",
        value: json.records_per_s,
        against: { label: "one page at a time", value: json.sequential_records_per_s },
        ratio: json.ratio,
        target: `≥ 4× at concurrency ${concurrency}`,
        met: (json.ratio ?? 0) >= 4,
      },
      {
        name: "woo_full_sync.max_in_flight_seen_by_store",
        value: json.max_in_flight_seen_by_store,
        against: { label: "limit: configured", value: concurrency },
        target: `≤ ${concurrency}`,
        met: json.max_in_flight_seen_by_store <= concurrency,
      },
    ],
  };
}
