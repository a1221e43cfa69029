/**
 * How work is put on the queue: the lock, dedupe and retry policy of every job kind, in one place. The scheduler,
 * the webhook processing, the compliance handlers, resume paths, routes and CLIs all enqueue through these
 * functions, so one store's syncs share one lock key and one dedupe scheme whoever asks.
 *
 * Concurrency (lock) keys:
 * - `sync:<integrationId>`: every job that bulk-writes a store's data (full, incremental, reconcile, compliance
 *   redactions and purges) and `npm run sync`. One at a time per integration, on every backend.
 * - `webhook:<integrationId>`: webhook events of one store are processed one at a time, in order of receipt.
 *
 * Webhook events of a store are processed by one `webhook.drain` job (dedupe key `webhooks:<integrationId>`): a
 * delivery stored while a drain waits adds no job, so the queue gets a row per drain, not per delivery (ADR 0035).
 */
import { isAppError } from "../lib/errors";
import type { ComplianceRequest } from "../sync/platform";
import type { Resource, SyncKind } from "../sync/types";
import type { JobQueue } from "./queue.server";
import type {
  BackoffOptions,
  EnqueueOptions,
  EnqueueResult,
  JobInfo,
  JobPayloads,
  SyncJobPayload,
} from "./types";

/** The lock key of everything that bulk-writes an integration's data. */
export function syncLockKey(integrationId: string): string {
  return `sync:${integrationId}`;
}

/** The lock key that keeps one store's webhook events in order. */
export function webhookLockKey(integrationId: string): string {
  return `webhook:${integrationId}`;
}

/** The integration a `syncLockKey` or `webhookLockKey` names; null for any other key. */
export function integrationOfLockKey(key: string | null | undefined): string | null {
  const match = /^(?:sync|webhook):(.+)$/.exec(key ?? "");
  return match ? match[1] : null;
}

/** The lock keys that name an integration (those `integrationOfLockKey` reads it from). */
export function lockKeysOf(integrationId: string): string[] {
  return [syncLockKey(integrationId), webhookLockKey(integrationId)];
}

interface RetryPolicy {
  maxAttempts: number;
  backoff: BackoffOptions;
}

/** Retry settings per kind of work. */
export const RETRY = {
  /** A failed sync is retried a few times, minutes apart (the store may be down). */
  sync: { maxAttempts: 4, backoff: { initialDelayMs: 60_000, factor: 4, maxDelayMs: 60 * 60_000 } },
  /** The nightly full re-sync: a few tries inside its window. */
  scheduledFullSync: { maxAttempts: 3, backoff: { initialDelayMs: 5 * 60_000 } },
  /** A reconcile is repeated by the next slot anyway: one retry. */
  reconcile: { maxAttempts: 2, backoff: { initialDelayMs: 60_000 } },
  /** One webhook event: kept on the event itself by `webhook.drain` (`attempts`, `nextAttemptAt`). */
  webhook: { maxAttempts: 6, backoff: { initialDelayMs: 5_000, factor: 3, maxDelayMs: 30 * 60_000 } },
  /** The drain job itself fails only when the database does (its events' own failures are kept on the events). */
  webhookDrain: { maxAttempts: 10, backoff: { initialDelayMs: 5_000, factor: 2, maxDelayMs: 10 * 60_000 } },
  /** Data-protection requests must complete: long, patient retries. */
  compliance: { maxAttempts: 8, backoff: { initialDelayMs: 30_000, factor: 3, maxDelayMs: 6 * 3600_000 } },
} satisfies Record<string, RetryPolicy>;

/**
 * True when retrying cannot help: an AppError raised on purpose with a 4xx status (unknown platform, credentials
 * missing or unreadable, a record that no longer exists). Jobs then fail at once instead of using their attempts.
 */
export function isPermanentFailure(error: unknown): boolean {
  return isAppError(error) && error.httpStatus >= 400 && error.httpStatus < 500;
}

/** The job kind that runs each sync kind. */
export const SYNC_JOB_KINDS = {
  full: "sync.full",
  incremental: "sync.incremental",
  reconcile: "reconcile",
} as const satisfies Record<SyncKind, keyof JobPayloads>;

/** A request to sync one integration. */
export interface SyncRequest {
  integrationId: string;
  kind: SyncKind;
  /** Only these resources (default: every resource the store offers). */
  resources?: Resource[];
  /** Stored on the run: "merchant:<who>", "schedule", "webhook:<topic>", "cli" … */
  triggeredBy?: string;
  /** Not before this time. */
  runAt?: Date;
  /**
   * The schedule slot this request belongs to (start of the reconcile interval or of the nightly window): at most
   * one job per slot, even when several workers tick at once.
   */
  slot?: Date;
  /** Continue this interrupted run from its checkpoint (one resume job per run). */
  resumeRunId?: string;
}

/**
 * The dedupe key of a sync request: one waiting job per integration and kind (resource-limited requests get their
 * own key so they never swallow a whole-store request), per schedule slot, or per resumed run.
 */
export function syncDedupeKey(request: SyncRequest): string {
  const id = request.integrationId;
  if (request.resumeRunId) return `resume:${request.resumeRunId}`;
  if (request.slot) {
    return `${request.kind === "full" ? "full-resync" : "reconcile"}:${id}:${request.slot.toISOString()}`;
  }
  const resources = request.resources?.length ? `:${[...request.resources].sort().join(",")}` : "";
  return `${SYNC_JOB_KINDS[request.kind]}:${id}${resources}`;
}

function syncRetry(request: SyncRequest): RetryPolicy {
  if (request.slot && request.kind === "full") return RETRY.scheduledFullSync;
  if (request.slot) return RETRY.reconcile;
  return RETRY.sync;
}

/** The one way to enqueue a sync: deduplicated, under the integration's sync lock, with its retry policy. */
export function enqueueSync(queue: JobQueue, request: SyncRequest): Promise<EnqueueResult> {
  const payload: SyncJobPayload = {
    integrationId: request.integrationId,
    ...(request.resources?.length ? { resources: request.resources } : {}),
    ...(request.resumeRunId ? { runId: request.resumeRunId } : {}),
    ...(request.triggeredBy ? { triggeredBy: request.triggeredBy } : {}),
  };
  return queue.enqueue(SYNC_JOB_KINDS[request.kind], payload, {
    concurrencyKey: syncLockKey(request.integrationId),
    dedupeKey: syncDedupeKey(request),
    ...(request.runAt ? { runAt: request.runAt } : {}),
    ...syncRetry(request),
  });
}

/**
 * The newest job `enqueueSync` made for this request, whatever its state (waiting, running, retrying, succeeded,
 * failed), or null: the scheduler's once-per-slot check. It asks by the request's job kind as well as its dedupe
 * key, so pg-boss reads that kind's queue only instead of every queue's (ADR 0049, slot check addendum).
 */
export async function latestSyncJob(queue: JobQueue, request: SyncRequest): Promise<JobInfo | null> {
  const [job] = await queue.listJobs({
    kinds: [SYNC_JOB_KINDS[request.kind]],
    dedupeKey: syncDedupeKey(request),
    limit: 1,
  });
  return job ?? null;
}

/** Enqueues processing of a stored WebhookEvent (call right after inserting it). */
export function enqueueWebhookEvent(
  queue: JobQueue,
  event: { id: string; integrationId: string | null },
): Promise<EnqueueResult> {
  if (event.integrationId) return enqueueWebhookDrain(queue, event.integrationId);
  const job = unmatchedWebhookJob(event.id);
  return queue.enqueue(job.kind, job.payload, job.options);
}

type WebhookJobOf<K extends "webhook.drain" | "webhook.process"> = {
  kind: K;
  payload: JobPayloads[K];
  options: EnqueueOptions & { dedupeKey: string };
};

/**
 * The job that processes a stored webhook event. An event of a known store: its store's `webhook.drain`, which one
 * waiting drain stands for however many events arrive meanwhile. An event no store matches: its own
 * `webhook.process` (it only gets its "no connected store" note). `enqueueWebhookEvent` and the SQLite webhook
 * intake (which writes the job in the event's own transaction, app/jobs/webhook-intake-store.server.ts) both build
 * it here.
 */
export function webhookJob(event: {
  id: string;
  integrationId: string | null;
}): WebhookJobOf<"webhook.drain"> | WebhookJobOf<"webhook.process"> {
  return event.integrationId ? webhookDrainJob(event.integrationId) : unmatchedWebhookJob(event.id);
}

function unmatchedWebhookJob(eventId: string): WebhookJobOf<"webhook.process"> {
  return {
    kind: "webhook.process",
    payload: { webhookEventId: eventId },
    options: { dedupeKey: `webhook:${eventId}`, ...RETRY.webhook },
  };
}

/**
 * A store's drain: at once, or at `runAt` for events waiting to be retried. The delayed one has its own dedupe key
 * (per time), so it never holds back the drain that new deliveries ask for.
 */
export function webhookDrainJob(integrationId: string, runAt?: Date): WebhookJobOf<"webhook.drain"> {
  return {
    kind: "webhook.drain",
    payload: { integrationId },
    options: {
      concurrencyKey: webhookLockKey(integrationId),
      dedupeKey: runAt ? `webhooks:${integrationId}:at:${runAt.getTime()}` : `webhooks:${integrationId}`,
      ...(runAt ? { runAt } : {}),
      ...RETRY.webhookDrain,
    },
  };
}

/** Enqueues a store's drain (see `webhookDrainJob`). */
export function enqueueWebhookDrain(
  queue: JobQueue,
  integrationId: string,
  runAt?: Date,
): Promise<EnqueueResult> {
  const job = webhookDrainJob(integrationId, runAt);
  return queue.enqueue(job.kind, job.payload, job.options);
}

export type ComplianceJobKind =
  "compliance.customer_redact" | "compliance.shop_redact" | "compliance.customer_data_request";

/**
 * Enqueues one compliance job. Redactions and purges wait for the store's sync lock, so they never interleave
 * with a sync page that could write the same rows back; the export only reads. A dedupe key (e.g. the webhook
 * event's) makes a redelivered request enqueue nothing new.
 */
export function enqueueCompliance<K extends ComplianceJobKind>(
  queue: JobQueue,
  kind: K,
  payload: JobPayloads[K],
  options: { dedupeKey?: string } = {},
): Promise<EnqueueResult> {
  return queue.enqueue(kind, payload, {
    ...(kind === "compliance.customer_data_request"
      ? {}
      : { concurrencyKey: syncLockKey(payload.integrationId) }),
    ...(options.dedupeKey ? { dedupeKey: options.dedupeKey } : {}),
    ...RETRY.compliance,
  });
}

/**
 * Enqueues the compliance job a platform's data-protection request (a webhook's `compliance` decision) asks for,
 * deduplicated on the webhook event that carried it, so a redelivery enqueues nothing new.
 */
export async function enqueueComplianceRequest(
  queue: JobQueue,
  integrationId: string,
  request: ComplianceRequest,
  event: { topic: string; dedupeKey: string },
): Promise<{ kind: ComplianceJobKind; id: string }> {
  const actor = `webhook:${event.topic}`;
  const dedupeKey = `compliance:${event.dedupeKey}`;
  if (request.kind === "shop_redact") {
    const job = await enqueueCompliance(
      queue,
      "compliance.shop_redact",
      { integrationId, actor },
      { dedupeKey },
    );
    return { kind: "compliance.shop_redact", id: job.id };
  }
  const selector = {
    integrationId,
    customerExternalId: request.customerExternalId,
    email: request.email,
    orderExternalIds: request.orderExternalIds,
    actor,
  };
  if (request.kind === "customer_redact") {
    const job = await enqueueCompliance(queue, "compliance.customer_redact", selector, { dedupeKey });
    return { kind: "compliance.customer_redact", id: job.id };
  }
  const job = await enqueueCompliance(
    queue,
    "compliance.customer_data_request",
    { ...selector, dataRequestId: request.dataRequestId },
    { dedupeKey },
  );
  return { kind: "compliance.customer_data_request", id: job.id };
}
