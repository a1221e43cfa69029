/**
 * How much bounded page concurrency buys against a slow WooCommerce host:
 * `npx tsx bench/woocommerce-pages.ts [--latency-ms 300] [--orders 6000] [--customers 3000] [--concurrency 1,4,8]`.
 *
 * The WooCommerce emulator answers every REST list page `latency-ms` late (a PHP host rendering a page of 100
 * orders) and reports the most requests it had in flight. Each concurrency setting runs a full sync of orders and
 * customers into a fresh SQLite database; the output gives wall time, pages, the in-flight high-water mark and the
 * ratio to one page at a time. Not a test: figures depend on the machine.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { startWooEmulator } from "../emulators/woocommerce/server";
import { createPrismaClient } from "../app/db/client.server";
import { runSync } from "../app/sync/engine.server";
import type { AppDb } from "../app/sync/platform";
import { seedWooStore, testPlatform } from "../app/platforms/woocommerce/testing/harness";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** The emulator's view of the load: requests in flight at most since the last reset, and how many. */
async function load(url: string, reset = false): Promise<{ max_in_flight: number; requests: number }> {
  const response = await fetch(`${url}/_emulator/concurrency${reset ? "/reset" : ""}`, {
    method: reset ? "POST" : "GET",
  });
  return (await response.json()) as { max_in_flight: number; requests: number };
}

async function main() {
  const latencyMs = Number(arg("latency-ms", "300"));
  const counts = {
    customers: Number(arg("customers", "3000")),
    orders: Number(arg("orders", "6000")),
    products: 0,
  };
  const settings = arg("concurrency", "1,4,8").split(",").map(Number);
  mkdirSync("tmp/bench", { recursive: true });
  const template = "tmp/bench/woo-template.sqlite";
  rmSync(template, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    stdio: "ignore",
    env: { ...process.env, DATABASE_URL: `file:./${template}` },
  });

  // The emulator answers every REST list page `latencyMs` late and counts the requests in flight.
  const store = await startWooEmulator({ counts, autoDeliver: false, latencyMs });
  const results: Array<{ concurrency: number; seconds: number; highWater: number; pages: number }> = [];
  for (const concurrency of settings) {
    const file = `tmp/bench/woo-${concurrency}.sqlite`;
    copyFileSync(template, file);
    const db = createPrismaClient(`file:./${file}`) as unknown as AppDb;
    const platform = testPlatform({ pageConcurrency: concurrency, timeoutMs: 60_000 });
    const seeded = await seedWooStore(db, store.url, store.createKey("read"));
    await load(store.url, true);
    const started = performance.now();
    const summary = await runSync(db, {
      integrationId: seeded.integration.id,
      kind: "full",
      resources: ["customers", "orders"],
      source: await platform.createSource(seeded.ctx),
    });
    const seconds = (performance.now() - started) / 1000;
    if (summary.status !== "succeeded") throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
    const seen = await load(store.url);
    results.push({ concurrency, seconds, highWater: seen.max_in_flight, pages: seen.requests });
    platform.close();
    await db.$disconnect();
  }
  const sequential = results.find((r) => r.concurrency === 1)?.seconds ?? results[0].seconds;
  console.log(`latency ${latencyMs} ms/page, ${counts.customers} customers + ${counts.orders} orders`);
  for (const r of results) {
    console.log(
      `concurrency ${r.concurrency}: ${r.seconds.toFixed(1)} s, ${r.pages} pages, ${r.highWater} in flight at most, ` +
        `${(sequential / r.seconds).toFixed(2)}× one page at a time`,
    );
  }
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
