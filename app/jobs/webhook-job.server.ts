/**
 * The `webhook.process` job: turns a stored WebhookEvent into a platform decision and carries it out. The job
 * runner never branches on the platform; the platform module (`handleWebhook`) says what the event means.
 *
 * `webhook.drain` (one job per store, however many deliveries arrived: `drainWebhookEvents`) applies the store's
 * waiting events oldest first; an event that failed for a reason that may pass is tried again later on its own
 * (`attempts`, `nextAttemptAt`), without holding back the events after it. `webhook.process` applies one event: an
 * event no store matched, and jobs queued before the drain existed.
 *
 * Decisions: `apply` / `delete` go through the engine (newest wins); `ignore` and `done` only close the event;
 * `uninstalled` disconnects the integration (data kept until the store asks for its deletion); `compliance`
 * enqueues the matching compliance job (deduplicated on the event); `sync` enqueues a deduplicated sync.
 */
import type { AppDb } from "../db/client.server";
import type { Logger } from "../lib/logger";
import { applyDeletions, applyRecords } from "../sync/apply.server";
import { errorMessage } from "../sync/errors";
import { refreshIntegrationCounters } from "../sync/run-records.server";
import type {
  ComplianceRequest,
  IntegrationRow,
  Platforms,
  StoredWebhookEvent,
  WebhookDecision,
} from "../sync/platform";
import {
  RETRY,
  enqueueCompliance,
  enqueueSync,
  enqueueWebhookDrain,
  isPermanentFailure,
} from "./enqueue.server";
import type { JobQueue } from "./queue.server";
import {
  PermanentJobError,
  backoffDelayMs,
  describeError,
  type JobContext,
  type WebhookDrainPayload,
  type WebhookJobPayload,
} from "./types";

export interface WebhookJobDeps {
  db: AppDb;
  queue: JobQueue;
  platforms: Platforms;
  logger?: Logger;
}

type WebhookRow = StoredWebhookEvent & { status: string; attempts: number };
type Outcome = { status: "processed" | "ignored" | "failed" | "deferred"; reason?: string };

/** What one drain did. */
export interface DrainReport {
  processed: number;
  ignored: number;
  failed: number;
  /** Failed for a reason that may pass: tried again at their `nextAttemptAt`. */
  deferred: number;
  /** The drain stopped at its budget (or the worker stopping) and queued the next one. */
  continued: boolean;
}

export interface DrainOptions {
  /** Most events one drain applies before it hands over to the next (other stores' jobs get their turn). */
  maxEvents?: number;
  /** Most time one drain runs before it hands over to the next. */
  maxMs?: number;
  now?: () => Date;
}

/** Events read per query. */
const DRAIN_CHUNK = 100;

/**
 * `webhook.drain`: applies the store's waiting events, oldest first, until none is left or the budget is spent (then
 * queues the next drain). This job holds the store's webhook lock, so an event still `processing` was left by a
 * worker that died: it is taken again. An event that fails for a reason that may pass (the store or the database
 * briefly down) waits for its own retry time (RETRY.webhook's backoff) while the events after it go on; the newest-
 * wins rule of the engine keeps a late retry from overwriting a newer state. After its last attempt, or at once for
 * a failure retrying cannot help, the event ends `failed` and the store is put in `needs_attention`.
 */
export async function drainWebhookEvents(
  deps: WebhookJobDeps,
  payload: WebhookDrainPayload,
  ctx?: Pick<JobContext, "signal">,
  options: DrainOptions = {},
): Promise<DrainReport> {
  const { db } = deps;
  if (!payload?.integrationId) throw new PermanentJobError("The job names no store.");
  const { integrationId } = payload;
  const maxEvents = options.maxEvents ?? 1_000;
  const maxMs = options.maxMs ?? 20_000;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const report: DrainReport = { processed: 0, ignored: 0, failed: 0, deferred: 0, continued: false };

  await db.webhookEvent.updateMany({
    where: { integrationId, status: "processing" },
    data: { status: "received" },
  });
  // An event handled in this drain is never read twice (a deferral sets a retry time; this is the guard for a
  // clock that does not move).
  const seen = new Set<string>();
  drain: for (;;) {
    const chunk = await db.webhookEvent.findMany({
      where: {
        integrationId,
        status: "received",
        OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now() } }],
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: DRAIN_CHUNK,
    });
    const fresh = chunk.filter((e) => !seen.has(e.id));
    if (fresh.length === 0) break;
    for (const event of fresh) {
      if (ctx?.signal.aborted || seen.size >= maxEvents || Date.now() - started >= maxMs) {
        report.continued = true;
        break drain;
      }
      seen.add(event.id);
      const attempt = event.attempts + 1;
      const final = attempt >= RETRY.webhook.maxAttempts;
      const retryAt = new Date(now().getTime() + backoffDelayMs(RETRY.webhook.backoff, attempt));
      const outcome = await applyWebhookEvent(deps, event, { final, retryAt }, false).catch(
        // Marked failed (and the store flagged) by applyWebhookEvent; the next events go on.
        (): Outcome => ({ status: "failed" }),
      );
      report[outcome.status] += 1;
    }
  }
  // Once per drain, not per event: the counts read every record of the store. (A failed event may have written the
  // records of its batch that were valid.)
  if (report.processed + report.failed > 0) await refreshIntegrationCounters(db, db, integrationId);
  if (report.continued) await enqueueWebhookDrain(deps.queue, integrationId);
  const waiting = await db.webhookEvent.findFirst({
    where: { integrationId, status: "received", nextAttemptAt: { gt: now() } },
    orderBy: { nextAttemptAt: "asc" },
    select: { nextAttemptAt: true },
  });
  if (waiting?.nextAttemptAt) await enqueueWebhookDrain(deps.queue, integrationId, waiting.nextAttemptAt);
  return report;
}

/** What an uninstalled store's integration says to the merchant. */
export const UNINSTALLED_REASON =
  "Commerce Sync was uninstalled from this store. Its data is kept until the store asks for its deletion; " +
  "installing the app again reconnects it.";

/**
 * Processes one webhook event. Events of the same record received earlier and still waiting are applied first, so
 * a job that runs late (retry, deferral) can never apply an older state after a newer one; the engine's newest-wins
 * rule covers the remaining case of an earlier event that failed and is retried later.
 */
export async function processWebhookJob(
  deps: WebhookJobDeps,
  payload: WebhookJobPayload,
  ctx?: Pick<JobContext, "attempt" | "maxAttempts">,
): Promise<Outcome> {
  const { db } = deps;
  if (!payload?.webhookEventId) throw new PermanentJobError("The job names no webhook event.");
  const event = await db.webhookEvent.findUnique({ where: { id: payload.webhookEventId } });
  if (!event) throw new PermanentJobError(`Webhook event ${payload.webhookEventId} no longer exists.`);
  if (event.status === "processed" || event.status === "ignored") return { status: event.status };

  if (event.integrationId && event.resourceId) {
    const earlier = await db.webhookEvent.findMany({
      where: {
        integrationId: event.integrationId,
        resourceId: event.resourceId,
        status: { in: ["received", "processing"] },
        id: { not: event.id },
        OR: [
          { receivedAt: { lt: event.receivedAt } },
          { receivedAt: event.receivedAt, id: { lt: event.id } },
        ],
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: 100,
    });
    // Their own jobs will find them processed; a failure here is recorded on the event and retried by its job.
    for (const e of earlier) await applyWebhookEvent(deps, e, { final: false }).catch(() => undefined);
  }
  const final = !ctx || ctx.attempt >= ctx.maxAttempts;
  return applyWebhookEvent(deps, event, { final });
}

/**
 * Applies one event and records the outcome on it. A failure is thrown after the event is marked `failed` (and the
 * store flagged when it is `final` or permanent) — unless `retryAt` is given and retrying may help: the event then
 * waits for that time, `received`, and the outcome is `deferred`.
 */
async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: { final: boolean; retryAt?: Date },
  /** Refresh the store's record counters after a write (false: the caller does, once). */
  refreshCounters = true,
): Promise<Outcome> {
  const { db, platforms } = deps;
  await db.webhookEvent.update({
    where: { id: event.id },
    data: { status: "processing", attempts: { increment: 1 } },
  });
  const finish = async (status: Outcome["status"], reason: string | null): Promise<Outcome> => {
    await db.webhookEvent.update({
      where: { id: event.id },
      data: {
        status,
        lastError: reason,
        nextAttemptAt: null,
        processedAt: status === "failed" ? null : new Date(),
      },
    });
    return { status, ...(reason ? { reason } : {}) };
  };

  let integration: IntegrationRow | null = null;
  try {
    if (!platforms.has(event.platform)) {
      return finish("ignored", `No platform module handles "${event.platform}" webhooks.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(event.payload);
    } catch {
      return finish("failed", "The webhook body is not valid JSON.");
    }
    integration = event.integrationId
      ? await db.integration.findUnique({ where: { id: event.integrationId } })
      : null;
    const context = integration ? await platforms.contextFor(db, integration) : null;
    let decision: WebhookDecision;
    try {
      decision = await platforms.get(event.platform).handleWebhook(event, body, context);
    } finally {
      await context?.close();
    }
    const outcome = await carryOut(deps, event, integration, decision, refreshCounters);
    return finish(outcome.status, outcome.reason ?? null);
  } catch (error) {
    const permanent = isPermanentFailure(error);
    if (!permanent && !retry.final && retry.retryAt) {
      const reason = describeError(error);
      await db.webhookEvent.update({
        where: { id: event.id },
        data: { status: "received", lastError: reason, nextAttemptAt: retry.retryAt },
      });
      return { status: "deferred", reason };
    }
    await finish("failed", describeError(error));
    if (integration && (permanent || retry.final)) {
      await flagWebhookFailure(db, integration.id, errorMessage(error));
    }
    if (permanent && !(error instanceof PermanentJobError)) {
      throw new PermanentJobError(errorMessage(error), { cause: error });
    }
    throw error;
  }
}

async function carryOut(
  deps: WebhookJobDeps,
  event: WebhookRow,
  integration: IntegrationRow | null,
  decision: WebhookDecision,
  refreshCounters: boolean,
): Promise<Outcome> {
  const { db, queue } = deps;
  switch (decision.action) {
    case "ignore":
      return { status: "ignored", reason: decision.reason };
    case "done":
      return { status: "processed", reason: decision.note };
  }
  if (!integration) return { status: "ignored", reason: `No connected store matches ${event.storeKey}.` };

  switch (decision.action) {
    case "uninstalled":
      return disconnectUninstalled(db, integration, event.topic);
    case "compliance": {
      const job = await enqueueComplianceRequest(queue, integration.id, decision.request, event);
      return { status: "processed", reason: `Queued ${job.kind} (job ${job.id}).` };
    }
  }
  if (integration.status === "disconnected") {
    return { status: "ignored", reason: "The store is disconnected; the change was not applied." };
  }
  switch (decision.action) {
    case "sync": {
      const job = await enqueueSync(queue, {
        integrationId: integration.id,
        kind: decision.kind,
        ...(decision.resources ? { resources: decision.resources } : {}),
        triggeredBy: `webhook:${event.topic}`,
      });
      return { status: "processed", reason: `Sync queued (job ${job.id}): ${decision.reason}` };
    }
    case "delete": {
      const changed = await applyDeletions(db, {
        integrationId: integration.id,
        resource: decision.resource,
        externalIds: decision.externalIds,
        deletedAt: decision.deletedAt,
        refreshCounters,
      });
      if (decision.reason)
        return { status: changed === 0 ? "ignored" : "processed", reason: decision.reason };
      return changed === 0
        ? { status: "processed", reason: "Nothing to delete (unknown or already deleted)" }
        : { status: "processed" };
    }
    case "apply": {
      const outcomes = await applyRecords(db, {
        integrationId: integration.id,
        ...decision,
        emailDigestKeys: deps.platforms.emailDigestKeys,
        refreshCounters,
      });
      const failures = outcomes.filter((o) => o.status === "failed");
      // The record itself was rejected (bad data): retrying the job cannot help, so the event ends failed. Like a
      // failed record in a sync, it does not put the whole store in `needs_attention`.
      if (failures.length === 0) return { status: "processed" };
      return {
        status: "failed",
        reason: failures.map((f) => `${f.externalId ?? "record"}: ${"error" in f ? f.error : ""}`).join("; "),
      };
    }
  }
}

/** `uninstalled`: the integration is disconnected (schedules skip it), its data kept; idempotent. */
async function disconnectUninstalled(
  db: AppDb,
  integration: IntegrationRow,
  topic: string,
): Promise<Outcome> {
  if (integration.status === "disconnected") {
    return { status: "processed", reason: "The store was already disconnected." };
  }
  await db.$transaction([
    db.integration.update({
      where: { id: integration.id },
      data: { status: "disconnected", statusReason: UNINSTALLED_REASON, disconnectedAt: new Date() },
    }),
    db.auditLog.create({
      data: {
        organizationId: integration.organizationId,
        integrationId: integration.id,
        actor: `webhook:${topic}`,
        action: "integration.disconnected",
        detail: { platform: integration.platform, reason: "uninstalled" },
      },
    }),
  ]);
  return { status: "processed", reason: "The store uninstalled the app: disconnected, data kept." };
}

/** `compliance`: the matching compliance job, deduplicated on the webhook event (a redelivery enqueues nothing). */
async function enqueueComplianceRequest(
  queue: JobQueue,
  integrationId: string,
  request: ComplianceRequest,
  event: WebhookRow,
): Promise<{ kind: string; id: string }> {
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

/** A webhook that could not be processed (for good) puts the store in `needs_attention`, in merchant words. */
async function flagWebhookFailure(db: AppDb, integrationId: string, cause: string): Promise<void> {
  await db.integration.updateMany({
    where: { id: integrationId, status: { not: "disconnected" } },
    data: {
      status: "needs_attention",
      statusReason: `A change sent by the store could not be applied: ${cause}`,
    },
  });
}
