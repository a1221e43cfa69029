/**
 * The `webhook.process` job: turns a stored WebhookEvent into a platform decision and carries it out. The job
 * runner never branches on the platform; the platform module (`handleWebhook`) says what the event means.
 *
 * `webhook.drain` (one job per store, however many deliveries arrived: `drainWebhookEvents` in webhook-drain.server.ts) applies the store's
 * waiting events oldest first; an event that failed for a reason that may pass is tried again later on its own
 * (`attempts`, `nextAttemptAt`), without holding back the events after it. `webhook.process` applies one event: an
 * event no store matched, and jobs queued before the drain existed.
 *
 * Decisions: `apply` / `delete` go through the engine (newest wins); `ignore` and `done` only close the event;
 * `uninstalled` disconnects the integration (data kept until the store asks for its deletion) unless it was
 * reinstalled meanwhile (`disconnectUninstalled`); `compliance` enqueues the matching compliance job (deduplicated
 * on the event); `sync` enqueues a deduplicated sync.
 */
import type { AppDb } from "../db/client.server";
import type { Logger } from "../lib/logger";
import { applyDeletions, applyRecords } from "../sync/apply.server";
import { errorCode, errorMessage } from "../sync/errors";
import type {
  IntegrationRow,
  OpenedPlatformContext,
  Platforms,
  StoredWebhookEvent,
  WebhookDecision,
} from "../sync/platform";
import type { RecordOutcome } from "../sync/types";
import { enqueueComplianceRequest, enqueueSync, isPermanentFailure } from "./enqueue.server";
import type { JobQueue } from "./queue.server";
import { PermanentJobError, describeError, type JobContext, type WebhookJobPayload } from "./types";

export interface WebhookJobDeps {
  db: AppDb;
  queue: JobQueue;
  platforms: Platforms;
  logger?: Logger;
}

export type WebhookRow = StoredWebhookEvent & { status: string; attempts: number };
export type Outcome = {
  status: "processed" | "ignored" | "failed" | "deferred";
  reason?: string;
  /** The event's records were written (or deleted) by an engine write of its own. */
  wrote?: boolean;
};
export type Retry = { final: boolean; retryAt?: Date };

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

/** The records the writer rejected (bad data), in words; null when none was. */
export function rejectedRecords(outcomes: RecordOutcome[]): string | null {
  const failures = outcomes.filter((o) => o.status === "failed");
  if (failures.length === 0) return null;
  return failures.map((f) => `${f.externalId ?? "record"}: ${"error" in f ? f.error : ""}`).join("; ");
}

/** Records an event's end (`processed`, `ignored`, `failed`) and why. */
export async function finishEvent(
  db: AppDb,
  id: string,
  status: Outcome["status"],
  reason: string | null,
): Promise<Outcome> {
  await db.webhookEvent.update({
    where: { id },
    data: {
      status,
      lastError: reason,
      nextAttemptAt: null,
      processedAt: status === "failed" ? null : new Date(),
    },
  });
  return { status, ...(reason ? { reason } : {}) };
}

/**
 * An event that failed: it waits for `retry.retryAt` (`deferred`) when retrying may help, or ends `failed` — and
 * the store is flagged when that was its last attempt or the failure is permanent.
 */
export async function settleFailure(
  deps: WebhookJobDeps,
  event: WebhookRow,
  error: unknown,
  retry: Retry,
  integration: IntegrationRow | null,
): Promise<Outcome> {
  const { db } = deps;
  const permanent = isPermanentFailure(error);
  const reason = describeError(error);
  if (!permanent && !retry.final && retry.retryAt) {
    await db.webhookEvent.update({
      where: { id: event.id },
      data: { status: "received", lastError: reason, nextAttemptAt: retry.retryAt },
    });
    return { status: "deferred", reason };
  }
  await finishEvent(db, event.id, "failed", reason);
  if (integration && (permanent || retry.final)) {
    await flagWebhookFailure(db, integration.id, error);
  }
  return { status: "failed", reason };
}

/** The store's row and platform context, read once per chunk of a drain instead of once per event. */
export interface ChunkState {
  integration(): Promise<IntegrationRow | null>;
  context(integration: IntegrationRow): Promise<OpenedPlatformContext>;
  /** An event may have changed the store's row: read it again when next asked. */
  stale(): void;
  close(): Promise<void>;
}

export interface ApplyOptions {
  /** Refresh the store's record counters after a write (false: the caller does, once). */
  refreshCounters?: boolean;
  /** The drain's chunk: the store's row and context shared by its events (otherwise read for this event). */
  state?: ChunkState;
  /** The attempt is already counted and the event marked `processing` (the drain marks its chunk at once). */
  marked?: boolean;
  /** Asked before the decision is carried out: "collected" hands it to the caller (the drain's write group). */
  beforeCarryOut?: (
    decision: WebhookDecision,
    integration: IntegrationRow | null,
  ) => Promise<"collected" | "carry">;
}

/**
 * Applies one event and records the outcome on it. A failure is thrown after the event is marked `failed` (and the
 * store flagged when it is `final` or permanent) — unless `retryAt` is given and retrying may help: the event then
 * waits for that time, `received`, and the outcome is `deferred`. "collected": the drain took the decision over.
 */
export async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: Retry,
  options: ApplyOptions & Required<Pick<ApplyOptions, "beforeCarryOut">>,
): Promise<Outcome | "collected">;
export async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: Retry,
  options?: Omit<ApplyOptions, "beforeCarryOut">,
): Promise<Outcome>;
export async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: Retry,
  options: ApplyOptions = {},
): Promise<Outcome | "collected"> {
  const { db, platforms } = deps;
  const { state } = options;
  if (!options.marked) {
    await db.webhookEvent.update({
      where: { id: event.id },
      data: { status: "processing", attempts: { increment: 1 } },
    });
  }
  const finish = (status: Outcome["status"], reason: string | null) =>
    finishEvent(db, event.id, status, reason);

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
    integration = !event.integrationId
      ? null
      : state
        ? await state.integration()
        : await db.integration.findUnique({ where: { id: event.integrationId } });
    let context: OpenedPlatformContext | null = null;
    let decision: WebhookDecision;
    try {
      if (integration)
        context = state ? await state.context(integration) : await platforms.contextFor(db, integration);
      decision = await platforms.get(event.platform).handleWebhook(event, body, context);
    } finally {
      if (!state) await context?.close();
    }
    if ((await options.beforeCarryOut?.(decision, integration)) === "collected") return "collected";
    const outcome = await carryOut(deps, event, integration, decision, options.refreshCounters ?? true);
    const finished = await finish(outcome.status, outcome.reason ?? null);
    return outcome.wrote ? { ...finished, wrote: true } : finished;
  } catch (error) {
    const outcome = await settleFailure(deps, event, error, retry, integration);
    if (outcome.status === "deferred") return outcome;
    const permanent = isPermanentFailure(error);
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
      return ignoredAndLogged(deps, event, decision.reason);
    case "done":
      return { status: "processed", reason: decision.note };
  }
  if (!integration) return { status: "ignored", reason: `No connected store matches ${event.storeKey}.` };

  switch (decision.action) {
    case "uninstalled":
      return disconnectUninstalled(deps, event, integration, decision);
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
        return { status: changed === 0 ? "ignored" : "processed", reason: decision.reason, wrote: true };
      return changed === 0
        ? { status: "processed", reason: "Nothing to delete (unknown or already deleted)", wrote: true }
        : { status: "processed", wrote: true };
    }
    case "apply": {
      const outcomes = await applyRecords(db, {
        integrationId: integration.id,
        ...decision,
        emailDigestKeys: deps.platforms.emailDigestKeys,
        refreshCounters,
      });
      // The record itself was rejected (bad data): retrying the job cannot help, so the event ends failed. Like a
      // failed record in a sync, it does not put the whole store in `needs_attention`.
      const rejected = rejectedRecords(outcomes);
      return rejected === null
        ? { status: "processed", wrote: true }
        : { status: "failed", reason: rejected, wrote: true };
    }
  }
}

/**
 * Worth a line: an ignored event is rare and can hide a store problem (or, for a late app/uninstalled, show why a
 * store that was reinstalled stayed connected).
 */
function ignoredAndLogged(deps: WebhookJobDeps, event: WebhookRow, reason: string): Outcome {
  deps.logger?.("info", "Webhook ignored", {
    webhookEventId: event.id,
    platform: event.platform,
    topic: event.topic,
    storeKey: event.storeKey,
    reason,
  });
  return { status: "ignored", reason };
}

/** Disconnect tries before the event is tried again later (the store's row kept changing in between). */
const DISCONNECT_TRIES = 3;

/**
 * `uninstalled`: the integration is disconnected (schedules skip it), its data kept; idempotent. A reinstall may race
 * the uninstall (ADR 0054 addendum), so the row is disconnected only if it is still as read before the decision
 * (`updatedAt`; the install stamps the row first thing), and only after the platform says the store was not installed
 * again since (`reinstalled`: then the event is ignored with its reason and the store stays connected). A row that
 * changed for another reason (a sync noting refused access) is read again and the same questions asked again.
 */
async function disconnectUninstalled(
  deps: WebhookJobDeps,
  event: WebhookRow,
  integration: IntegrationRow,
  decision: Extract<WebhookDecision, { action: "uninstalled" }>,
): Promise<Outcome> {
  const { db } = deps;
  let row: IntegrationRow | null = integration;
  for (let attempt = 1; ; attempt++) {
    if (!row) return { status: "ignored", reason: `No connected store matches ${event.storeKey}.` };
    if (row.status === "disconnected") {
      return { status: "processed", reason: "The store was already disconnected." };
    }
    const reinstalled = await decision.reinstalled?.();
    if (reinstalled) return ignoredAndLogged(deps, event, reinstalled);
    if (row.updatedAt) {
      if (await disconnectIfUnchanged(db, row, row.updatedAt, event.topic)) {
        return { status: "processed", reason: "The store uninstalled the app: disconnected, data kept." };
      }
      if (attempt >= DISCONNECT_TRIES) {
        throw new Error(
          `The store's record kept changing while its uninstall was processed (${DISCONNECT_TRIES} tries).`,
        );
      }
    }
    // Changed since it was read (or read without its write time): read it again.
    row = await db.integration.findUnique({ where: { id: row.id } });
  }
}

/** Disconnects the row (and audits it) if it was not written since `readAt`; false when it was. */
async function disconnectIfUnchanged(
  db: AppDb,
  row: IntegrationRow,
  readAt: Date,
  topic: string,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.integration.updateMany({
      where: { id: row.id, updatedAt: readAt },
      data: {
        status: "disconnected",
        statusReason: UNINSTALLED_REASON,
        statusCode: null,
        disconnectedAt: new Date(),
      },
    });
    if (count === 0) return false;
    await tx.auditLog.create({
      data: {
        organizationId: row.organizationId,
        integrationId: row.id,
        actor: `webhook:${topic}`,
        action: "integration.disconnected",
        detail: { platform: row.platform, reason: "uninstalled" },
      },
    });
    return true;
  });
}

/**
 * A webhook that could not be processed (for good) puts the store in `needs_attention`, in merchant words, with the
 * error's code or, without one, `webhook_change_failed` (the change itself: app/lib/attention-cause.ts).
 */
async function flagWebhookFailure(db: AppDb, integrationId: string, error: unknown): Promise<void> {
  // A PermanentJobError only says "do not retry": the code is its cause's.
  const code = errorCode(error instanceof PermanentJobError ? error.cause : error);
  await db.integration.updateMany({
    where: { id: integrationId, status: { not: "disconnected" } },
    data: {
      status: "needs_attention",
      statusReason: `A change sent by the store could not be applied: ${errorMessage(error)}`,
      statusCode: code ?? "webhook_change_failed",
    },
  });
}
