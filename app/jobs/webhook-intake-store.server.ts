/**
 * Durable storage of a verified webhook delivery: its WebhookEvent row (once per dedupe key) and the job that
 * processes it — its store's `webhook.drain`, one waiting per store however many deliveries arrive (ADR 0035). Both intakes (Shopify, app/integrations/shopify-webhooks.server.ts, and
 * WooCommerce, app/integrations/woocommerce-webhooks.server.ts) store through a `WebhookEventStore`; the caller
 * answers 200 only after `store()` resolved.
 *
 * - `prismaWebhookEventStore` (PostgreSQL, tests): the event through Prisma, then the job through the queue
 *   (pg-boss on PostgreSQL lives on its own connections, so the two are not one transaction there; an event stored
 *   but never enqueued — the process died in between — is enqueued by its redelivery, see below).
 * - `sqliteWebhookEventStore` (SQLite, the production server): group commit on the better-sqlite3 connection under
 *   Prisma's adapter (app/sync/sqlite-connection.server.ts). Deliveries arriving in the same turn of the event loop
 *   are written in ONE `BEGIN IMMEDIATE` transaction — per delivery: the integration lookup, the event insert and the
 *   drain's insert unless one waits already or this batch wrote it, with statements prepared once — and each
 *   caller's promise resolves only after that transaction
 *   committed (durability first: a 200 is never sent for an uncommitted row). Measured: docs/decisions/0035.
 *
 * Duplicates (same dedupe key) store nothing new; when the first copy is still `received` (stored, not yet
 * processed) its job is enqueued again (a no-op while one waits), which is what makes "stored but not enqueued"
 * heal on PostgreSQL.
 */
import type Database from "better-sqlite3";
import type { AppDb } from "../db/client.server";
import { orderedId } from "../db/ordered-id";
import { sqlDate } from "../db/sql-date";
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from "../sync/sqlite-checkpointer.server";
import { adapterConnection, prepared } from "../sync/sqlite-connection.server";
import { ENQUEUE_DEDUPED_SQL, dedupedJobParams } from "./embedded-backend.server";
import { webhookJob } from "./enqueue.server";

/** One verified delivery to store. */
export interface WebhookEventInput {
  /** The integration, when the caller knows it (WooCommerce); undefined: looked up by platform and store key. */
  integrationId?: string | null;
  platform: string;
  topic: string;
  dedupeKey: string;
  storeKey: string;
  resourceId: string | null;
  /** The raw body as received. */
  payload: string;
}

export interface StoredWebhook {
  status: "stored" | "duplicate";
  eventId: string;
}

export interface WebhookEventStore {
  /** Resolves once the event and its job are durably stored (or found already stored). */
  store(event: WebhookEventInput): Promise<StoredWebhook>;
  /** Stops the store's checkpoint thread, if any (the store keeps working; its connection checkpoints itself). */
  close?(): Promise<void>;
}

type Enqueue = (event: { id: string; integrationId: string | null }) => Promise<unknown>;

/** Event through Prisma, then its job through `enqueue` (the queue's backend). */
export function prismaWebhookEventStore(db: AppDb, enqueue: Enqueue): WebhookEventStore {
  return {
    async store(input) {
      const integrationId =
        input.integrationId !== undefined
          ? input.integrationId
          : ((
              await db.integration.findUnique({
                where: { platform_storeKey: { platform: input.platform, storeKey: input.storeKey } },
                select: { id: true },
              })
            )?.id ?? null);
      try {
        const event = await db.webhookEvent.create({
          data: {
            integrationId,
            platform: input.platform,
            topic: input.topic,
            dedupeKey: input.dedupeKey,
            storeKey: input.storeKey,
            resourceId: input.resourceId,
            payload: input.payload,
          },
          select: { id: true, integrationId: true },
        });
        await enqueue(event);
        return { status: "stored", eventId: event.id };
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error;
        const existing = await db.webhookEvent.findUniqueOrThrow({
          where: { dedupeKey: input.dedupeKey },
          select: { id: true, integrationId: true, status: true },
        });
        // A first delivery stored but never enqueued (the process died in between) is enqueued by its redelivery.
        if (existing.status === "received") await enqueue(existing);
        return { status: "duplicate", eventId: existing.id };
      }
    },
  };
}

const SELECT_INTEGRATION = `SELECT "id" FROM "Integration" WHERE "platform" = ? AND "storeKey" = ?`;
const INSERT_EVENT = `INSERT INTO "WebhookEvent" ("id", "integrationId", "platform", "topic", "dedupeKey", "storeKey",
                       "resourceId", "payload", "status", "attempts", "receivedAt")
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', 0, ?)
 ON CONFLICT ("dedupeKey") DO NOTHING
 RETURNING "id"`;
const SELECT_EVENT = `SELECT "id", "integrationId", "status" FROM "WebhookEvent" WHERE "dedupeKey" = ?`;

export interface SqliteWebhookStoreOptions {
  /** Called after a batch with new jobs committed (wakes this process's workers). */
  onJobsCommitted?: () => void;
  /** Most deliveries per transaction. */
  maxBatch?: number;
  /**
   * How long the first delivery of a batch waits for others (ms; default 0: those that arrived in the same
   * event-loop turn, flushed by `setImmediate`). A 1 ms window paid off while every ~100th commit also checkpointed
   * the WAL; with checkpoints on their own thread, flushing at once measured ~30 % more deliveries/s (senders wait
   * for their answer before sending more: docs/decisions/0035).
   */
  windowMs?: number;
  /**
   * Checkpoint the WAL on a worker thread instead of inside this connection's commits (app/sync/sqlite-checkpointer.
   * server.ts): the server process's store sets it; tests leave it off.
   */
  backgroundCheckpoints?: boolean;
  now?: () => Date;
}

interface Pending {
  input: WebhookEventInput;
  resolve: (stored: StoredWebhook) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on the SQLite connection under `db`. Falls back to `fallback` (Prisma) when that connection cannot be
 * found (a Prisma upgrade moved its internals).
 */
export function sqliteWebhookEventStore(
  db: AppDb,
  fallback: WebhookEventStore,
  options: SqliteWebhookStoreOptions = {},
): WebhookEventStore {
  const maxBatch = options.maxBatch ?? 256;
  const windowMs = options.windowMs ?? 0;
  const now = options.now ?? (() => new Date());
  let pending: Pending[] = [];
  let scheduled = false;
  let connection: Database.Database | null | undefined;
  let opening: Promise<void> | null = null;
  let checkpoints: BackgroundCheckpoints | null = null;

  /**
   * `drained`: the stores whose drain this batch already enqueued (or found waiting): their later deliveries in the
   * batch need no job statement.
   */
  function storeOne(
    c: Database.Database,
    input: WebhookEventInput,
    at: Date,
    drained: Set<string>,
  ): [StoredWebhook, boolean] {
    const integrationId =
      input.integrationId !== undefined
        ? input.integrationId
        : ((prepared(c, SELECT_INTEGRATION).get(input.platform, input.storeKey) as { id: string } | undefined)
            ?.id ?? null);
    // Time-ordered ids: the rows of a batch append to the primary-key indexes instead of dirtying a random page
    // each, and deliveries of one batch (same receivedAt) keep their arrival order (ADR 0035).
    const id = orderedId(at.getTime());
    const inserted = prepared(c, INSERT_EVENT).get(
      id,
      integrationId,
      input.platform,
      input.topic,
      input.dedupeKey,
      input.storeKey,
      input.resourceId,
      input.payload,
      sqlDate("sqlite", at),
    ) as { id: string } | undefined;
    const event = inserted
      ? { id, integrationId, status: "received" }
      : (prepared(c, SELECT_EVENT).get(input.dedupeKey) as {
          id: string;
          integrationId: string | null;
          status: string;
        });
    let enqueued = false;
    if (event.status === "received" && !(event.integrationId && drained.has(event.integrationId))) {
      const job = webhookJob(event);
      const result = prepared(c, ENQUEUE_DEDUPED_SQL).run(
        ...dedupedJobParams(orderedId(at.getTime()), job.kind, job.payload, job.options, at),
      );
      enqueued = result.changes > 0;
      if (event.integrationId) drained.add(event.integrationId);
    }
    return [{ status: inserted ? "stored" : "duplicate", eventId: event.id }, enqueued];
  }

  function flush() {
    scheduled = false;
    const c = connection;
    if (!c) return;
    // A Prisma interactive transaction of this process holds the connection (e.g. an in-process sync page):
    // statements run now would join it. Try again once it ended.
    if (c.inTransaction) {
      schedule(2);
      return;
    }
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    if (pending.length > 0) schedule(0);
    const at = now();
    let results: Array<[StoredWebhook, boolean]>;
    try {
      results = c
        .transaction(() => {
          const drained = new Set<string>();
          return batch.map((p) => storeOne(c, p.input, at, drained));
        })
        .immediate();
    } catch {
      // One delivery's failure must not fail the others: store each on its own, and report each one's own error.
      let jobs = false;
      for (const p of batch) {
        try {
          const [stored, enqueued] = c.transaction(() => storeOne(c, p.input, at, new Set())).immediate();
          jobs ||= enqueued;
          p.resolve(stored);
        } catch (error) {
          p.reject(error);
        }
      }
      if (jobs) options.onJobsCommitted?.();
      return;
    }
    // Committed: only now does any caller learn its delivery is stored.
    batch.forEach((p, i) => p.resolve(results[i][0]));
    if (results.some(([, enqueued]) => enqueued)) options.onJobsCommitted?.();
  }

  function schedule(delayMs: number) {
    if (scheduled) return;
    scheduled = true;
    if (delayMs > 0) setTimeout(flush, delayMs);
    else setImmediate(flush);
  }

  async function open(): Promise<void> {
    // Prisma opens its connection on first use.
    await db.$queryRawUnsafe("SELECT 1");
    connection = adapterConnection(db);
    if (connection && options.backgroundCheckpoints) checkpoints = startBackgroundCheckpoints(connection);
  }

  return {
    async store(input) {
      if (connection === undefined) {
        opening ??= open().finally(() => (opening = null));
        await opening;
      }
      if (!connection) return fallback.store(input);
      return new Promise<StoredWebhook>((resolve, reject) => {
        pending.push({ input, resolve, reject });
        schedule(pending.length >= maxBatch ? 0 : windowMs);
      });
    },
    async close() {
      await opening;
      await checkpoints?.stop();
      checkpoints = null;
    },
  };
}
