/**
 * `webhook_ingest`: signed Shopify webhook deliveries (real bodies: the 2026-04 reference payloads of orders/create,
 * customers/create and products/create, and the 2025-04 orders/updated body) against the production build —
 * `npm run build`, then `npm start` with PORT, checked through `/healthz` only — with autocannon as the load
 * generator. Every request carries a new X-Shopify-Event-Id (so none is a duplicate) and a valid HMAC of its raw
 * body. Afterwards the stored deliveries are counted in the database: each 200 must be a stored row.
 *
 * The floor is a bare Node HTTP server that only verifies the HMAC (bench/suites/hmac-floor-server.ts), loaded the
 * same way in the same run. Jobs do not run in the web process (RUN_JOBS_IN_PROCESS=false, the scale setup with a
 * separate worker): the measurement is the intake — verify, store, enqueue, answer.
 */
import { createHmac, randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { Session } from "@shopify/shopify-api";
import autocannon, { type AutocannonResult } from "autocannon";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { createPrismaClient } from "../../app/db/client.server";
import { EncryptedSessionStorage } from "../../app/platforms/shopify/session-storage.server";
import { SHOPIFY_API_VERSION } from "../../app/platforms/shopify/api-version";
import {
  openDatabases,
  PORT_BASE,
  processTreeCpuMs,
  QUICK,
  startBackground,
  WORK_DIR,
  type Background,
} from "./common";
import { ratio, type SuiteResult } from "./figures";

const SHOP = "bench-webhooks.myshopify.com";
const SECRET = "bench-webhook-secret-not-for-production";
const ENCRYPTION_KEY = Buffer.alloc(32, 5).toString("base64");
const BODIES: Array<{ topic: string; file: string }> = [
  { topic: "orders/create", file: "emulators/shopify/webhooks/reference-2026-04/orders-create.json" },
  { topic: "orders/updated", file: "app/platforms/shopify/mapping/fixtures/orders-updated-2025-04.json" },
  { topic: "customers/create", file: "emulators/shopify/webhooks/reference-2026-04/customers-create.json" },
  { topic: "products/create", file: "emulators/shopify/webhooks/reference-2026-04/products-create.json" },
];

async function waitForHealth(url: string): Promise<string | null> {
  try {
    const response = await fetch(`${url}/healthz`);
    return response.ok ? url : null;
  } catch {
    return null;
  }
}

/**
 * autocannon against `url` for `durationS` seconds (a time, not a count: with `amount` autocannon only stops on its
 * next one-second tick, which quantizes short runs), every request one of the bodies, signed, with a fresh event
 * and webhook id.
 */
async function load(url: string, durationS: number): Promise<AutocannonResult> {
  const deliveries = BODIES.map(({ topic, file }) => {
    // Compact, as Shopify sends it; the HMAC covers exactly these bytes.
    const body = JSON.stringify(JSON.parse(readFileSync(file, "utf8")));
    return { topic, body, hmac: createHmac("sha256", SECRET).update(body, "utf8").digest("base64") };
  });
  let n = 0;
  return autocannon({
    url,
    connections: 10,
    duration: durationS,
    timeout: 10,
    requests: [
      {
        method: "POST",
        path: "/api/webhooks/shopify",
        setupRequest: (request) => {
          const d = deliveries[n % deliveries.length];
          n += 1;
          return {
            ...request,
            body: d.body,
            headers: {
              "Content-Type": "application/json",
              "X-Shopify-Topic": d.topic,
              "X-Shopify-Hmac-Sha256": d.hmac,
              "X-Shopify-Shop-Domain": SHOP,
              "X-Shopify-API-Version": SHOPIFY_API_VERSION,
              "X-Shopify-Webhook-Id": randomUUID(),
              "X-Shopify-Event-Id": randomUUID(),
              "X-Shopify-Triggered-At": new Date().toISOString(),
            },
          };
        },
      },
    ],
  });
}

export async function webhookIngest(): Promise<SuiteResult> {
  const durationS = QUICK ? 5 : 20;
  const connections = 10;
  // Full mode always builds; quick mode (CI, after `npm test` built) only when app/ changed since the last build.
  if (!QUICK || buildIsStale()) {
    console.log("  npm run build …");
    const build = spawnSync("npm", ["run", "build", "--silent"], {
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    if (build.status !== 0)
      throw new Error(`npm run build failed (exit ${build.status}):\n${build.stderr.slice(-4000)}`);
  }
  const dbs = await openDatabases("sqlite", "webhooks");
  const databaseUrl = await dbs.fresh();
  // The shop is installed: its integration row and its encrypted offline session exist, as after a real install.
  const db = createPrismaClient(databaseUrl);
  const organizationId = randomUUID();
  await db.organization.create({ data: { id: organizationId, name: "Bench webhooks" } });
  await db.integration.create({
    data: { organizationId, platform: "shopify", name: "Bench webhooks", storeKey: SHOP },
  });
  await new EncryptedSessionStorage(db, keyringFrom(ENCRYPTION_KEY)).storeSession(
    new Session({
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "bench",
      isOnline: false,
      accessToken: "shpat_bench_not_a_token",
      scope: "read_customers,read_orders,read_products",
    }),
  );
  await db.$disconnect();

  const appPort = PORT_BASE + 10;
  const floorPort = PORT_BASE + 11;
  let app: Background | null = null;
  let floorServer: Background | null = null;
  let route: AutocannonResult;
  let floor: AutocannonResult;
  let stored: number;
  let appCpuMs: number | null = null;
  let floorCpuMs: number | null = null;
  try {
    console.log(`  npm start (production build) on port ${appPort} …`);
    app = await startBackground("npm", ["start"], () => waitForHealth(`http://127.0.0.1:${appPort}`), {
      logFile: resolve(WORK_DIR, "webhook-app.log"),
      env: {
        NODE_ENV: "production",
        PORT: String(appPort),
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
        SHOPIFY_API_KEY: "bench-api-key",
        SHOPIFY_API_SECRET: SECRET,
        SHOPIFY_APP_URL: `http://127.0.0.1:${appPort}`,
        ENCRYPTION_KEY,
        RUN_JOBS_IN_PROCESS: "false",
        // e.g. "--cpu-prof --cpu-prof-dir=tmp/bench/prof" to profile the server under load.
        ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
      },
    });
    // A short warm-up (module loading, JIT, the first database connection), not counted.
    await load(app.url, 1);
    await new Promise((r) => setTimeout(r, 1_000)); // the warm-up's last deliveries land before the count
    const before = await countStored(databaseUrl);
    process.stdout.write(`  route: ${durationS} s of signed deliveries, ${connections} connections … `);
    const appCpuBefore = processTreeCpuMs(app.child.pid!);
    route = await load(app.url, durationS);
    // Deliveries still in flight when the load stopped are answered and stored after it: let them land.
    await new Promise((r) => setTimeout(r, 1_000));
    const appCpuAfter = processTreeCpuMs(app.child.pid!);
    if (appCpuBefore !== null && appCpuAfter !== null) appCpuMs = appCpuAfter - appCpuBefore;
    stored = (await countStored(databaseUrl)) - before;
    console.log(
      `${Math.round(route["2xx"] / route.duration)} requests/s, p50 ${route.latency.p50} ms, p99 ${route.latency.p99} ms, ${route["2xx"]} × 200, ${stored} stored`,
    );
    await app.stop();
    app = null;
    floorServer = await startBackground(
      process.execPath,
      ["--import", "tsx", "bench/suites/hmac-floor-server.ts", String(floorPort), SECRET],
      (output) => /listening on (http:\/\/[^\s]+)/.exec(output)?.[1] ?? null,
    );
    await load(floorServer.url, 1);
    process.stdout.write(`  floor: bare HMAC server, ${durationS} s … `);
    const floorCpuBefore = processTreeCpuMs(floorServer.child.pid!);
    floor = await load(floorServer.url, durationS);
    const floorCpuAfter = processTreeCpuMs(floorServer.child.pid!);
    if (floorCpuBefore !== null && floorCpuAfter !== null) floorCpuMs = floorCpuAfter - floorCpuBefore;
    console.log(`${Math.round(floor["2xx"] / floor.duration)} requests/s, p99 ${floor.latency.p99} ms`);
  } finally {
    await app?.stop();
    await floorServer?.stop();
    await dbs.done();
  }
  // 200s ÷ the load's duration as autocannon measured it.
  const requestsPerS = Math.round(route["2xx"] / route.duration);
  const floorPerS = Math.round(floor["2xx"] / floor.duration);
  const floorOverRoute = ratio(floorPerS, requestsPerS);
  // Server CPU (user + system) per answered delivery: steadier than requests/s on a shared machine.
  const cpuUsPerDelivery = appCpuMs === null ? null : Math.round((appCpuMs * 1000) / route["2xx"]);
  const floorCpuUsPerDelivery = floorCpuMs === null ? null : Math.round((floorCpuMs * 1000) / floor["2xx"]);
  const json = {
    duration_s: durationS,
    connections,
    requests_per_s: requestsPerS,
    p50_ms: route.latency.p50,
    p99_ms: route.latency.p99,
    max_ms: route.latency.max,
    responses_2xx: route["2xx"],
    responses_non_2xx: route.non2xx,
    errors: route.errors,
    timeouts: route.timeouts,
    stored,
    floor_requests_per_s: floorPerS,
    floor_p99_ms: floor.latency.p99,
    floor_over_route: floorOverRoute,
    cpu_us_per_delivery: cpuUsPerDelivery,
    floor_cpu_us_per_delivery: floorCpuUsPerDelivery,
  };
  return {
    json,
    figures: [
      {
        name: "webhook_ingest.requests_per_s",
        value: requestsPerS,
        against: { label: "bare HMAC floor", value: floorPerS },
        ratio: floorOverRoute,
        target: "≥ 2,000; floor ÷ route ≤ 3",
        met: requestsPerS >= 2_000 && (floorOverRoute ?? Infinity) <= 3,
      },
      {
        name: "webhook_ingest.cpu_us_per_delivery",
        value: cpuUsPerDelivery,
        against: { label: "floor", value: floorCpuUsPerDelivery },
        ratio: ratio(cpuUsPerDelivery, floorCpuUsPerDelivery),
        target: "(reported: server CPU per 200)",
        met: null,
      },
      {
        name: "webhook_ingest.p50_ms",
        value: route.latency.p50,
        against: { label: "floor p50", value: floor.latency.p50 },
        target: "(reported)",
        met: null,
      },
      {
        name: "webhook_ingest.p99_ms",
        value: route.latency.p99,
        against: { label: "limit", value: 50 },
        target: "< 50 ms",
        met: route.latency.p99 < 50,
      },
      {
        name: "webhook_ingest.stored",
        value: stored,
        against: { label: "200s received", value: route["2xx"] },
        ratio: ratio(stored, route["2xx"]),
        // Every 200 is a stored row; at most the deliveries in flight when the load stopped are stored unanswered.
        target: `≥ 200s (+ ≤ ${connections} in flight), none lost`,
        met:
          stored >= route["2xx"] &&
          stored - route["2xx"] <= connections &&
          route.errors === 0 &&
          route.non2xx === 0,
      },
    ],
  };
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const built = "build/server/index.js";
  return !existsSync(built) || newestMtimeMs("app") > statSync(built).mtimeMs;
}

async function countStored(databaseUrl: string): Promise<number> {
  const db = createPrismaClient(databaseUrl);
  try {
    return await db.webhookEvent.count({ where: { platform: "shopify", storeKey: SHOP } });
  } finally {
    await db.$disconnect();
  }
}
