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
import { remoteIdOf } from "../sync/run-loop.server";
import { refreshIntegrationCounters } from "../sync/run-records.server";
import type {
  ApplyDecision,
  ComplianceRequest,
  IntegrationRow,
  OpenedPlatformContext,
  Platforms,
  StoredWebhookEvent,
  WebhookDecision,
} from "../sync/platform";
import type { RecordOutcome } from "../sync/types";
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
type Outcome = {
  status: "processed" | "ignored" | "failed" | "deferred";
  reason?: string;
  /** The event's records were written (or deleted) by an engine write of its own. */
  wrote?: boolean;
};
type Retry = { final: boolean; retryAt?: Date };

/** What one drain did. */
export interface DrainReport {
  processed: number;
  ignored: number;
  failed: number;
  /** Failed for a reason that may pass: tried again at their `nextAttemptAt`. */
  deferred: number;
  /** Engine writes of records (one transaction each): consecutive deliveries share one. */
  writes: number;
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
  const report: DrainReport = {
    processed: 0,
    ignored: 0,
    failed: 0,
    deferred: 0,
    writes: 0,
    continued: false,
  };

  await db.webhookEvent.updateMany({
    where: { integrationId, status: "processing" },
    data: { status: "received" },
  });
  // An event handled in this drain is never read twice (a deferral sets a retry time; this is the guard for a
  // clock that does not move).
  const seen = new Set<string>();
  const outOfTime = () => ctx?.signal.aborted === true || Date.now() - started >= maxMs;
  for (;;) {
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
    if (outOfTime() || seen.size >= maxEvents) {
      report.continued = true;
      break;
    }
    const taken = fresh.slice(0, maxEvents - seen.size);
    for (const event of taken) seen.add(event.id);
    const finished = await drainChunk(deps, integrationId, taken, report, { now, outOfTime });
    if (!finished || taken.length < fresh.length) {
      report.continued = true;
      break;
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
 * One chunk of a drain, in order of receipt. First attempts are marked `processing` (attempt counted) in one write;
 * an event tried before (a retry, or one a dead worker left `processing`) goes alone, with its own mark, so an event
 * that kills its worker is found out and fails on its own instead of taking its neighbours with it. Consecutive
 * `apply` decisions of one resource are written together by one engine write (`ApplyGroup`); every other decision
 * is carried out in its turn, after the records before it are written. Returns false when it stopped early (time
 * budget, or the worker stopping): the events it did not start are `received` again, their attempt not counted.
 */
async function drainChunk(
  deps: WebhookJobDeps,
  integrationId: string,
  events: WebhookRow[],
  report: DrainReport,
  clock: { now: () => Date; outOfTime: () => boolean },
): Promise<boolean> {
  const { db } = deps;
  const marked = new Set(events.filter((e) => e.attempts === 0).map((e) => e.id));
  if (marked.size > 0) {
    await db.webhookEvent.updateMany({
      where: { id: { in: [...marked] } },
      data: { status: "processing", attempts: { increment: 1 } },
    });
  }
  const state = chunkState(deps, integrationId);
  const group = new ApplyGroup(deps, integrationId, report);
  try {
    for (const [index, event] of events.entries()) {
      if (clock.outOfTime()) {
        await group.close();
        const unstarted = events.slice(index).filter((e) => marked.has(e.id));
        if (unstarted.length > 0) {
          await db.webhookEvent.updateMany({
            where: { id: { in: unstarted.map((e) => e.id) } },
            data: { status: "received", attempts: { decrement: 1 } },
          });
        }
        return false;
      }
      const attempt = event.attempts + 1;
      const retry: Retry = {
        final: attempt >= RETRY.webhook.maxAttempts,
        retryAt: new Date(clock.now().getTime() + backoffDelayMs(RETRY.webhook.backoff, attempt)),
      };
      const alone = !marked.has(event.id);
      if (alone) await group.flush();
      const options: ApplyOptions & Required<Pick<ApplyOptions, "beforeCarryOut">> = {
        refreshCounters: false,
        state,
        marked: !alone,
        // Everything but a write that can join the group waits for the group's records to be written first.
        beforeCarryOut: async (decision, integration) => {
          if (
            !alone &&
            integration !== null &&
            decision.action === "apply" &&
            (await group.add(event, decision, retry, integration))
          )
            return "collected";
          await group.flush();
          return "carry";
        },
      };
      const outcome = await applyWebhookEvent(deps, event, retry, options).catch(
        // Marked failed (and the store flagged) by applyWebhookEvent; the next events go on.
        (): Outcome => ({ status: "failed" }),
      );
      if (outcome !== "collected") {
        report[outcome.status] += 1;
        if (outcome.wrote) report.writes += 1;
        // The event may have changed the store's row (disconnected, flagged): read it again for the next one.
        state.stale();
      }
    }
    await group.close();
    return true;
  } finally {
    await state.close();
  }
}

/** The store's row and platform context, read once per chunk of a drain instead of once per event. */
interface ChunkState {
  integration(): Promise<IntegrationRow | null>;
  context(integration: IntegrationRow): Promise<OpenedPlatformContext>;
  /** An event may have changed the store's row: read it again when next asked. */
  stale(): void;
  close(): Promise<void>;
}

function chunkState(deps: WebhookJobDeps, integrationId: string): ChunkState {
  let row: Promise<IntegrationRow | null> | null = null;
  let context: Promise<OpenedPlatformContext> | null = null;
  return {
    integration: () =>
      (row ??= deps.db.integration.findUnique({ where: { id: integrationId } }).catch((error: unknown) => {
        row = null;
        throw error;
      })),
    // A context that could not be opened is asked for again by the next event (as before the drain shared it).
    context: (integration) =>
      (context ??= deps.platforms.contextFor(deps.db, integration).catch((error: unknown) => {
        context = null;
        throw error;
      })),
    stale: () => {
      row = null;
    },
    async close() {
      const opened = await context?.catch(() => null);
      await opened?.close();
    },
  };
}

/**
 * Consecutive first attempts whose decisions apply records of one resource: written by one
 * `applyRecords` call (one transaction) instead of one per event. A record already in the group (two deliveries of
 * one order) starts a new group, so the writer never sees a record twice in one write; the outcome of every record
 * goes back to the event that carried it. The events written are closed together at the end of the chunk.
 */
class ApplyGroup {
  private items: Array<{
    event: WebhookRow;
    decision: ApplyDecision;
    retry: Retry;
    integration: IntegrationRow;
  }> = [];
  private readonly recordIds = new Set<string>();
  /** Events whose records were all written, closed together by `close`. */
  private processed: string[] = [];

  constructor(
    private readonly deps: WebhookJobDeps,
    private readonly integrationId: string,
    private readonly report: DrainReport,
  ) {}

  /** Takes the decision into the group (writing the group first if it cannot join); false: carry it out alone. */
  async add(
    event: WebhookRow,
    decision: ApplyDecision,
    retry: Retry,
    integration: IntegrationRow,
  ): Promise<boolean> {
    const ids = decision.remote.map((remote) => remoteIdOf({}, remote));
    if (integration.status === "disconnected" || ids.some((id) => id === null)) return false;
    const first = this.items[0]?.decision;
    const joins =
      first === undefined ||
      (first.resource === decision.resource &&
        this.items.length < DRAIN_CHUNK &&
        !ids.some((id) => this.recordIds.has(id as string)));
    if (!joins) await this.flush();
    this.items.push({ event, decision, retry, integration });
    for (const id of ids) this.recordIds.add(id as string);
    return true;
  }

  async flush(): Promise<void> {
    const items = this.items;
    if (items.length === 0) return;
    this.items = [];
    this.recordIds.clear();
    const { db } = this.deps;
    // Each record keeps its own event's mapper (platforms may build one per delivery, e.g. with the shop's currency).
    const remote = items.flatMap((item) =>
      item.decision.remote.map((record) => ({ id: remoteIdOf({}, record), record, map: item.decision.map })),
    );
    let outcomes: RecordOutcome[];
    this.report.writes += 1;
    try {
      outcomes = await applyRecords(db, {
        integrationId: this.integrationId,
        resource: items[0].decision.resource,
        remote,
        map: (wrapped) => {
          const { record, map } = wrapped as (typeof remote)[number];
          return (map as (remote: unknown) => ReturnType<typeof map>)(record);
        },
        emailDigestKeys: this.deps.platforms.emailDigestKeys,
        integration: items[0].integration,
        refreshCounters: false,
      });
    } catch (error) {
      // The write failed as a whole (the database, not a record): each event retries, or fails, on its own.
      for (const item of items) {
        const outcome = await settleFailure(this.deps, item.event, error, item.retry, item.integration);
        this.report[outcome.status] += 1;
      }
      return;
    }
    let at = 0;
    for (const item of items) {
      const mine = outcomes.slice(at, (at += item.decision.remote.length));
      const rejected = rejectedRecords(mine);
      if (rejected === null) this.processed.push(item.event.id);
      else {
        await finishEvent(db, item.event.id, "failed", rejected);
        this.report.failed += 1;
      }
    }
  }

  /**
   * Writes what is left, then closes the events written so far in one write. (A worker that dies before it leaves
   * them `processing`: the next drain applies them again, which changes nothing — newest wins.)
   */
  async close(): Promise<void> {
    await this.flush();
    const processed = this.processed;
    if (processed.length === 0) return;
    this.processed = [];
    await this.deps.db.webhookEvent.updateMany({
      where: { id: { in: processed } },
      data: { status: "processed", lastError: null, nextAttemptAt: null, processedAt: new Date() },
    });
    this.report.processed += processed.length;
  }
}

/** The records the writer rejected (bad data), in words; null when none was. */
function rejectedRecords(outcomes: RecordOutcome[]): string | null {
  const failures = outcomes.filter((o) => o.status === "failed");
  if (failures.length === 0) return null;
  return failures.map((f) => `${f.externalId ?? "record"}: ${"error" in f ? f.error : ""}`).join("; ");
}

/** Records an event's end (`processed`, `ignored`, `failed`) and why. */
async function finishEvent(
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
async function settleFailure(
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
    await flagWebhookFailure(db, integration.id, errorMessage(error));
  }
  return { status: "failed", reason };
}

interface ApplyOptions {
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
async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: Retry,
  options: ApplyOptions & Required<Pick<ApplyOptions, "beforeCarryOut">>,
): Promise<Outcome | "collected">;
async function applyWebhookEvent(
  deps: WebhookJobDeps,
  event: WebhookRow,
  retry: Retry,
  options?: Omit<ApplyOptions, "beforeCarryOut">,
): Promise<Outcome>;
async function applyWebhookEvent(
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
