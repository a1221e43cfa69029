/**
 * One Shopify measurement in its own process (so peak RSS is the sync's alone), against a Shopify emulator running
 * in another process:
 *
 *   tsx bench/suites/shopify-child.ts engine    <database url> <emulator url> <options json>
 *   tsx bench/suites/shopify-child.ts throttled <database url> <emulator url> <options json>
 *   tsx bench/suites/shopify-child.ts floor     <database url> <emulator url> <options json>
 *
 * - engine: the product's path. The shop is installed through the authorization-code grant (token stored in the
 *   encrypted session storage, webhook subscriptions made, shop info read), then `runSync` (full) through the real
 *   Shopify platform: counts, bulk operations, JSONL download into the spool, join, map, write. The app's webhook
 *   route is stood in for by `receiveShopifyWebhook` on the app URL, so `bulk_operations/finish` arrives and is
 *   stored as in production. Prints records/s, wall time and the process's peak RSS.
 * - throttled: the same install, then an incremental sync read through pages only (no bulk) against a Standard
 *   bucket; every GraphQL answer's `actualQueryCost` is summed, and the emulator's clock gives the emulated time.
 * - floor: the same bulk queries run once, their JSONL files downloaded to disk (not timed), then parsed with
 *   `JSON.parse`, mapped and written with prepared statements in one transaction (timed): no spool, no engine.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { createPrismaClient } from "../../app/db/client.server";
import { databaseKind } from "../../app/db/database-url";
import { parseEnv, SHOPIFY_SCOPES } from "../../app/env.server";
import { completeShopifyInstall } from "../../app/integrations/shopify-install.server";
import {
  beginShopifyAuthorization,
  completeShopifyAuthorization,
  type ShopifyOAuthDeps,
} from "../../app/integrations/shopify-oauth.server";
import { receiveShopifyWebhook } from "../../app/integrations/shopify-webhooks.server";
import { silentLogger } from "../../app/lib/logger";
import { buildPlatforms } from "../../app/platforms/index.server";
import { shopifyFetch } from "../../app/platforms/shopify/config.server";
import {
  emulatorRedirectFetch,
  routeShopifyToEmulator,
} from "../../app/platforms/shopify/emulator-fetch.server";
import { createShopifyPlatform } from "../../app/platforms/shopify/index.server";
import { runSync } from "../../app/sync/engine.server";
import type { AppDb } from "../../app/sync/platform";
import type {} from "../../app/sync/sql.server";
import { RESOURCES } from "../../app/sync/types";
import { peakRssMb } from "./common";
import { BENCH_API_KEY, BENCH_API_SECRET, SHOP, type ChildOptions } from "./shopify-shared";
import { shopifyFloor } from "./shopify-floor";
import { countSyncedRows } from "../synced-rows";

const [mode, url, emulatorUrl, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? "{}") as ChildOptions;
const kind = databaseKind(url);

/** The app's webhook route, stood in for on the app URL (same intake service, signature checked by it). */
async function startWebhookReceiver(db: AppDb, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(key, value);
      const request = new Request(`http://127.0.0.1:${port}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "POST" ? new Uint8Array(Buffer.concat(chunks)) : undefined,
      });
      receiveShopifyWebhook(
        {
          db,
          apiSecret: BENCH_API_SECRET,
          enqueue: async () => undefined,
        },
        request,
      )
        .then((response) => {
          res.writeHead(response.status);
          res.end();
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

interface CostMeter {
  actualPoints: number;
  throttledAnswers: number;
  requests: number;
}

/** Installs the shop through the authorization-code grant, as a merchant starting from the login page would. */
async function install(fetchFn?: typeof fetch) {
  const appUrl = `http://127.0.0.1:${options.appPort}`;
  const env = parseEnv({
    NODE_ENV: "production",
    SHOPIFY_API_KEY: BENCH_API_KEY,
    SHOPIFY_API_SECRET: BENCH_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    SHOPIFY_EMULATOR_URL: emulatorUrl,
    DATABASE_URL: url,
  });
  routeShopifyToEmulator(emulatorUrl);
  const db = createPrismaClient(url) as unknown as AppDb;
  const deps = { env, keyring: keyringFrom(env.ENCRYPTION_KEY), logger: silentLogger };
  const spoolDir = mkdtempSync(join(tmpdir(), "bench-shopify-spool-"));
  const platform = createShopifyPlatform(deps, {
    spoolDir,
    ...(fetchFn ? { fetch: fetchFn } : {}),
    tuning:
      mode === "throttled"
        ? { bulkThreshold: Number.POSITIVE_INFINITY, timeScale: options.timeScale ?? 1 }
        : {},
  });
  const platforms = buildPlatforms(deps, { factories: [() => platform] });
  const receiver = await startWebhookReceiver(db, options.appPort);
  const oauth: ShopifyOAuthDeps = {
    db,
    apiKey: env.SHOPIFY_API_KEY,
    apiSecret: env.SHOPIFY_API_SECRET,
    appUrl,
    scopes: [...SHOPIFY_SCOPES],
    keyring: deps.keyring,
    fetch: shopifyFetch(env),
    sessions: platform.sessionsFor(db),
    install: (input) =>
      completeShopifyInstall({ db, platform, enqueueFullSync: async () => undefined }, input),
    adminUrlFor: () => `${emulatorUrl}/admin`,
  };
  const { authUrl } = beginShopifyAuthorization(oauth, { shop: SHOP, callbackPath: "/auth/callback" });
  const approved = await fetch(`${authUrl}&auto_approve=1`, { redirect: "manual" });
  const location = approved.headers.get("Location");
  if (!location) throw new Error(`The emulator did not approve the install (HTTP ${approved.status}).`);
  const result = await completeShopifyAuthorization(
    oauth,
    Object.fromEntries(new URL(location).searchParams),
  );
  const close = async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    receiver.closeAllConnections();
    await db.$disconnect();
    rmSync(spoolDir, { recursive: true, force: true });
  };
  return { db, platforms, integrationId: result.integrationId, close };
}

function checkCounts(resources: Record<string, { synced: number; success: boolean } | undefined>) {
  for (const resource of RESOURCES) {
    const got = resources[resource];
    if (!got?.success || got.synced !== options.expected[resource])
      throw new Error(
        `${resource}: synced ${got?.synced ?? 0} of ${options.expected[resource]} (${JSON.stringify(got)})`,
      );
  }
}

async function engine() {
  const { db, platforms, integrationId, close } = await install();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await runSync(db, { integrationId, kind: "full", sources: platforms });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (summary.status !== "succeeded") throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
  checkCounts(summary.resources);
  const rows = await countSyncedRows(db);
  const finishWebhooks = await db.webhookEvent.count({ where: { topic: "bulk_operations/finish" } });
  await close();
  // CPU of this process while syncing (user + system): wall time on a shared machine moves with the load.
  const cpu_s = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  return { seconds, cpu_s, rows, finish_webhooks_stored: finishWebhooks };
}

async function emulatedNowMs(): Promise<number> {
  const clock = (await (await fetch(`${emulatorUrl}/_emulator/clock`)).json()) as { now: string };
  return Date.parse(clock.now);
}

async function throttled() {
  const meter: CostMeter = { actualPoints: 0, throttledAnswers: 0, requests: 0 };
  const base = emulatorRedirectFetch(emulatorUrl);
  // Reads the cost Shopify reports on every GraphQL answer (the client reads the same body; this reads a clone).
  const metered = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const response = await base(input, init);
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (target.endsWith("/graphql.json") && response.status === 200) {
      const body = (await response.clone().json()) as {
        errors?: Array<{ extensions?: { code?: string } }>;
        extensions?: { cost?: { actualQueryCost?: number | null } };
      };
      meter.requests += 1;
      if (Array.isArray(body.errors) && body.errors.some((e) => e.extensions?.code === "THROTTLED"))
        meter.throttledAnswers += 1;
      else meter.actualPoints += body.extensions?.cost?.actualQueryCost ?? 0;
    }
    return response;
  }) as typeof fetch;
  const { db, platforms, integrationId, close } = await install(metered);
  // A Standard bucket, full, from here on (install's own calls do not count).
  const bucket = { maximumAvailable: 2000, restoreRate: 100 };
  const reset = await fetch(`${emulatorUrl}/_emulator/faults/throttle`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...bucket, currentlyAvailable: bucket.maximumAvailable, shop: SHOP }),
  });
  if (!reset.ok) throw new Error(`Could not set the bucket: HTTP ${reset.status}`);
  Object.assign(meter, { actualPoints: 0, throttledAnswers: 0, requests: 0 });
  const startedEmulatedMs = await emulatedNowMs();
  const started = performance.now();
  const summary = await runSync(db, { integrationId, kind: "incremental", sources: platforms });
  const seconds = (performance.now() - started) / 1000;
  const emulatedS = ((await emulatedNowMs()) - startedEmulatedMs) / 1000;
  const surfaced =
    (summary.status === "succeeded" ? 0 : 1) +
    Object.values(summary.resources).reduce((n, r) => n + (r?.errors.length ?? 0) + (r?.failed ?? 0), 0);
  if (summary.status !== "succeeded" && !/throttl/i.test(summary.errorMessage ?? ""))
    throw new Error(`sync ${summary.status}: ${summary.errorMessage}`);
  checkCounts(summary.resources);
  await close();
  const allowedPoints = bucket.maximumAvailable + bucket.restoreRate * emulatedS;
  return {
    seconds,
    emulated_seconds: Number(emulatedS.toFixed(2)),
    time_scale: options.timeScale ?? 1,
    requests: meter.requests,
    actual_points: meter.actualPoints,
    achieved_points_per_s: Number((meter.actualPoints / emulatedS).toFixed(1)),
    allowed_points_per_s: Number((allowedPoints / emulatedS).toFixed(1)),
    throttled_answers_retried: meter.throttledAnswers,
    throttled_errors_surfaced: surfaced,
  };
}

/* ---------------------------------------------------------------- floor ---------------------------------------- */

const result =
  mode === "engine"
    ? await engine()
    : mode === "throttled"
      ? await throttled()
      : await shopifyFloor(url, emulatorUrl, options);
const records = options.expected.customers + options.expected.orders + options.expected.products;
process.stdout.write(
  `${JSON.stringify({
    mode,
    kind,
    records,
    ...result,
    seconds: Number(result.seconds.toFixed(2)),
    records_per_s: Math.round(records / result.seconds),
    peak_rss_mb: peakRssMb(),
  })}\n`,
);
process.exit(0);
