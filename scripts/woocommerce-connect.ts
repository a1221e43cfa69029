/**
 * `npx tsx scripts/woocommerce-connect.ts --store <url> --key <ck_…> --secret <cs_…> [--organization <id>]
 *  [--read-only-ok] [--sync]`
 *
 * Connects a WooCommerce store without a browser (the demo connects its emulated store this way), through the same
 * service as the connect page: connection test, webhooks, sealed credentials, audit. The first sync is queued for
 * the worker, or run here with `--sync`. Prints the `woocommerceConnect` result as JSON; exit code 1 on failure.
 */
import { fileURLToPath } from "node:url";
import { keyringFrom } from "../app/crypto/encryption.server";
import { createPrismaClient, type AppDb } from "../app/db/client.server";
import { parseEnv, type Env } from "../app/env.server";
import { connectWooCommerce, type WooConnectResult } from "../app/integrations/woocommerce-connect.server";
import { enqueueSync } from "../app/jobs/enqueue.server";
import { createJobQueue } from "../app/jobs/queue.server";
import { createLogger } from "../app/lib/logger";
import { buildPlatformsFromEnv } from "../app/platforms/index.server";
import type { WooCommercePlatform } from "../app/platforms/woocommerce/index.server";
import { runSync } from "../app/sync/engine.server";

export interface ScriptConnectOptions {
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  organizationId?: string | null;
  allowReadOnly?: boolean;
  /** Run the first sync now (true) or queue it for a worker (false). */
  syncNow?: boolean;
  actor?: string;
  env?: Env;
  db?: AppDb;
}

/** Connects a store from a script with the app's environment; returns the connect result. */
export async function connectWooCommerceFromScript(options: ScriptConnectOptions): Promise<WooConnectResult> {
  const env = options.env ?? parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const platforms = buildPlatformsFromEnv(env, logger);
  const db = options.db ?? createPrismaClient(env.DATABASE_URL);
  const platform = platforms.get("woocommerce") as WooCommercePlatform;
  const queued: Array<{ integrationId: string; full: boolean }> = [];
  try {
    const result = await connectWooCommerce(
      {
        db,
        keyring: keyringFrom(env.ENCRYPTION_KEY, env.ENCRYPTION_KEYS_OLD),
        connector: platform.connector,
        enqueueSync: async (integrationId, { full }) => {
          queued.push({ integrationId, full });
        },
      },
      {
        storeUrl: options.storeUrl,
        consumerKey: options.consumerKey,
        consumerSecret: options.consumerSecret,
        organizationId: options.organizationId ?? null,
        allowReadOnly: options.allowReadOnly,
        actor: options.actor ?? "cli",
      },
    );
    const request = queued[0];
    if (result.success && request) {
      if (options.syncNow) {
        await runSync(db, {
          integrationId: request.integrationId,
          kind: request.full ? "full" : "incremental",
          sources: platforms,
          triggeredBy: options.actor ?? "cli",
        });
      } else {
        const queue = await createJobQueue(db, { databaseUrl: env.DATABASE_URL, logger });
        try {
          await enqueueSync(queue, {
            integrationId: request.integrationId,
            kind: request.full ? "full" : "incremental",
            triggeredBy: options.actor ?? "cli",
          });
        } finally {
          await queue.close();
        }
      }
    }
    return result;
  } finally {
    platform.close();
    if (!options.db) await db.$disconnect();
  }
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]) {
  const storeUrl = flag(argv, "store");
  const consumerKey = flag(argv, "key");
  const consumerSecret = flag(argv, "secret");
  if (!storeUrl || !consumerKey || !consumerSecret) {
    console.error(
      "Usage: npx tsx scripts/woocommerce-connect.ts --store <url> --key <ck_…> --secret <cs_…> [--organization <id>] [--read-only-ok] [--sync]",
    );
    process.exit(2);
  }
  const result = await connectWooCommerceFromScript({
    storeUrl,
    consumerKey,
    consumerSecret,
    organizationId: flag(argv, "organization") ?? null,
    allowReadOnly: argv.includes("--read-only-ok"),
    syncNow: argv.includes("--sync"),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(result.success ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
