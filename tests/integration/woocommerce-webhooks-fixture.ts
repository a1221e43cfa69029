/**
 * What the WooCommerce webhook tests share (woocommerce-webhooks*.test.ts): a `kind` database, an emulated store
 * that delivers over HTTP to the app's ingest on a real socket, a WooCommerce integration connected to it (its
 * webhooks subscribed) and brought in by a full sync, and the job handlers that process what ingest stored.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { startWooEmulator, type WooEmulator } from "../../emulators/woocommerce/server";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { connectWooCommerce } from "../../app/integrations/woocommerce-connect.server";
import { ingestWooWebhook } from "../../app/integrations/woocommerce-webhooks.server";
import { createJobHandlers } from "../../app/jobs/handlers.server";
import { createJobQueue, type JobQueue } from "../../app/jobs/queue.server";
import type { JobContext, JobHandlers } from "../../app/jobs/types";
import { testPlatforms } from "../../app/platforms/testing/test-platforms";
import type { WooCommercePlatform } from "../../app/platforms/woocommerce/index.server";
import { testPlatform as wooTestPlatform } from "../../app/platforms/woocommerce/testing/harness";
import type { AppDb } from "../../app/sync/platform";
import type { DatabaseKind } from "../../app/db/database-url";
import { createTestDatabase, type TestDatabase } from "../setup/db";

export const keyring = keyringFrom(randomBytes(32).toString("base64"));

/** The context a worker gives one attempt of a `kind` job. */
export const jobCtx = (kind: string): JobContext => ({
  jobId: "job",
  kind: kind as JobContext["kind"],
  attempt: 1,
  maxAttempts: 3,
  workerId: "test",
  signal: new AbortController().signal,
});

/** The app's webhook endpoint on a real socket: raw bytes in, ingest's answer out. Can be made to fail. */
async function appEndpoint(
  ingest: (
    integrationId: string | null,
    headers: Headers,
    raw: Buffer,
  ) => Promise<{ status: number; body: string }>,
) {
  const state = { failWith: 0, answers: [] as number[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const url = new URL(req.url ?? "/", "http://app.local");
      const answer = state.failWith
        ? { status: state.failWith, body: "down" }
        : await ingest(url.searchParams.get("integration"), headers, Buffer.concat(chunks));
      state.answers.push(answer.status);
      res.writeHead(answer.status, { "Content-Type": "text/plain" });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type AppEndpoint = Awaited<ReturnType<typeof appEndpoint>>;

/** What the fixture starts, each part set as soon as it is open so afterAll closes exactly what was opened. */
interface Parts {
  t: TestDatabase;
  db: AppDb;
  woo: WooEmulator;
  app: AppEndpoint;
  platform: WooCommercePlatform;
  queue: JobQueue;
  handlers: JobHandlers;
  integrationId: string;
}

/**
 * For the enclosing `describe`: everything above, started in its `beforeAll` and closed in its `afterAll`. `queued`
 * holds the ids of the events ingest stored and enqueued, in order of receipt; `deliverAndProcess` sends what the
 * store has queued, then processes every stored event in that order.
 */
export function useWooWebhooks(kind: DatabaseKind) {
  const parts: Partial<Parts> = {};
  const queued: string[] = [];
  const live = (): Parts => {
    if (parts.integrationId === undefined)
      throw new Error(
        `The WooCommerce webhook fixture on ${kind} is used before its beforeAll connected the store.`,
      );
    return parts as Parts;
  };

  beforeAll(async () => {
    const t = (parts.t = await createTestDatabase(kind));
    const db = (parts.db = t.db as unknown as AppDb);
    const woo = (parts.woo = await startWooEmulator({
      counts: { customers: 20, orders: 30, products: 6 },
      autoDeliver: false,
    }));
    const app = (parts.app = await appEndpoint((integration, headers, rawBody) =>
      ingestWooWebhook(
        { db, keyring, enqueue: async (event) => void queued.push(event.id) },
        { integrationId: integration, headers, rawBody },
      ),
    ));
    const platform = (parts.platform = wooTestPlatform({ appUrl: app.url }));
    const platforms = testPlatforms([platform], { deps: { keyring } });
    const queue = (parts.queue = await createJobQueue(t.db, {
      databaseUrl: t.url,
      pgBoss: { maintenanceIntervalSeconds: 5 },
    }));
    const handlers = (parts.handlers = createJobHandlers({ db, queue, platforms, exportDir: "unused" }));
    const k = woo.createKey("read_write");
    const connected = await connectWooCommerce(
      { db, keyring, connector: platform.connector, enqueueSync: async () => undefined },
      {
        storeUrl: woo.url,
        consumerKey: k.consumer_key,
        consumerSecret: k.consumer_secret,
        actor: "woo-owner",
      },
    );
    if (!connected.success) throw new Error(connected.error.message);
    const integrationId = (parts.integrationId = connected.integrationId);
    await handlers["sync.full"]!({ integrationId }, jobCtx("sync.full"));
  });
  afterAll(async () => {
    parts.platform?.close();
    await parts.queue?.close();
    await parts.app?.close();
    await parts.woo?.close();
    await parts.t?.cleanup();
  });

  return {
    queued,
    get db() {
      return live().db;
    },
    get woo() {
      return live().woo;
    },
    get app() {
      return live().app;
    },
    get integrationId() {
      return live().integrationId;
    },
    get handlers() {
      return live().handlers;
    },
    async deliverAndProcess() {
      const { woo, handlers } = live();
      await woo.flushDeliveries();
      while (queued.length) {
        const id = queued.shift()!;
        await handlers["webhook.process"]!({ webhookEventId: id }, jobCtx("webhook.process"));
      }
    },
  };
}
