/**
 * How much bounded page concurrency buys against a slow WooCommerce host:
 * `npx tsx bench/woocommerce-pages.ts [--latency-ms 300] [--orders 6000] [--customers 3000] [--concurrency 1,4,8]`.
 *
 * The WooCommerce emulator sits behind a small proxy that delays every answer by `latency-ms` (a PHP host rendering a
 * page of 100 orders) and counts requests in flight. Each concurrency setting runs a full sync of orders and
 * customers into a fresh SQLite database; the output gives wall time, pages, the in-flight high-water mark and the
 * ratio to one page at a time. Not a test: figures depend on the machine.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
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

/** A delaying, counting proxy in front of the emulator. */
async function slowProxy(latencyMs: number) {
  const stats = { inFlight: 0, highWater: 0, requests: 0 };
  const target = { port: 0 };
  const server = http.createServer((req, res) => {
    stats.inFlight++;
    stats.requests++;
    stats.highWater = Math.max(stats.highWater, stats.inFlight);
    const upstream = http.request(
      { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        setTimeout(() => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => stats.inFlight--);
        }, latencyMs);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { port: (server.address() as AddressInfo).port, target, stats, close: () => server.close() };
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

  // The emulator checks OAuth signatures against its site URL: the proxy's, the address the app talks to.
  const proxy = await slowProxy(latencyMs);
  const store = await startWooEmulator({
    counts,
    autoDeliver: false,
    siteUrl: `http://127.0.0.1:${proxy.port}`,
  });
  proxy.target.port = store.port;
  const results: Array<{ concurrency: number; seconds: number; highWater: number; pages: number }> = [];
  for (const concurrency of settings) {
    const file = `tmp/bench/woo-${concurrency}.sqlite`;
    copyFileSync(template, file);
    const db = createPrismaClient(`file:./${file}`) as unknown as AppDb;
    const platform = testPlatform({ pageConcurrency: concurrency, timeoutMs: 60_000 });
    const seeded = await seedWooStore(db, `http://127.0.0.1:${proxy.port}`, store.createKey("read"));
    Object.assign(proxy.stats, { inFlight: 0, highWater: 0, requests: 0 });
    const started = performance.now();
    const summary = await runSync(db, {
      integrationId: seeded.integration.id,
      kind: "full",
      resources: ["customers", "orders"],
      source: await platform.createSource(seeded.ctx),
    });
    const seconds = (performance.now() - started) / 1000;
    if (summary.status !== "succeeded") throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
    results.push({ concurrency, seconds, highWater: proxy.stats.highWater, pages: proxy.stats.requests });
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
  proxy.close();
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
