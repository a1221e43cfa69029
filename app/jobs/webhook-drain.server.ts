/**
 * The `webhook.drain` job (one per store, however many deliveries arrived): applies the store's waiting events oldest
 * first, consecutive deliveries of one resource written together (docs/decisions/0035-webhook-intake-fast-path.md,
 * last addendum). One event's steps — decide, carry out, record the outcome, retry or fail — are
 * app/jobs/webhook-job.server.ts's, shared with `webhook.process`.
 */
import { applyRecords } from "../sync/apply.server";
import { remoteIdOf } from "../sync/run-loop.server";
import { refreshIntegrationCounters } from "../sync/run-records.server";
import type { ApplyDecision, IntegrationRow, OpenedPlatformContext } from "../sync/platform";
import type { RecordOutcome } from "../sync/types";
import { RETRY, enqueueWebhookDrain } from "./enqueue.server";
import { PermanentJobError, backoffDelayMs, type JobContext, type WebhookDrainPayload } from "./types";
import {
  applyWebhookEvent,
  finishEvent,
  rejectedRecords,
  settleFailure,
  type ApplyOptions,
  type ChunkState,
  type Outcome,
  type Retry,
  type WebhookJobDeps,
  type WebhookRow,
} from "./webhook-job.server";

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

type GroupItem = { event: WebhookRow; decision: ApplyDecision; retry: Retry; integration: IntegrationRow };

/**
 * Which writes may pass each other: a product meets no contact and no order, so the products' group goes on across
 * customer and order deliveries; customers and orders may meet in one contact (email dedup), so between them the
 * order of receipt is kept (ADR 0035).
 */
type Lane = "products" | "contacts";
const laneOf = (resource: ApplyDecision["resource"]): Lane =>
  resource === "products" ? "products" : "contacts";

/**
 * First attempts whose decisions apply records, written by one `applyRecords` call (one transaction) per group
 * instead of one per event. A group holds one resource's consecutive deliveries in its lane: a customer after orders
 * starts a new group, products between them do not. A record already in the group (two deliveries of one order)
 * starts a new group, so the writer never sees a record twice in one write; the outcome of every record goes back to
 * the event that carried it. The events written are closed together at the end of the chunk.
 */
class ApplyGroup {
  private readonly lanes: Record<Lane, { items: GroupItem[]; recordIds: Set<string> }> = {
    products: { items: [], recordIds: new Set() },
    contacts: { items: [], recordIds: new Set() },
  };
  /** Events whose records were all written, closed together by `close`. */
  private processed: string[] = [];

  constructor(
    private readonly deps: WebhookJobDeps,
    private readonly integrationId: string,
    private readonly report: DrainReport,
  ) {}

  /** Takes the decision into its lane's group (written first if it cannot join); false: carry it out alone. */
  async add(
    event: WebhookRow,
    decision: ApplyDecision,
    retry: Retry,
    integration: IntegrationRow,
  ): Promise<boolean> {
    const ids = decision.remote.map((remote) => remoteIdOf({}, remote));
    if (integration.status === "disconnected" || ids.some((id) => id === null)) return false;
    const lane = this.lanes[laneOf(decision.resource)];
    const first = lane.items[0]?.decision;
    const joins =
      first === undefined ||
      (first.resource === decision.resource &&
        lane.items.length < DRAIN_CHUNK &&
        !ids.some((id) => lane.recordIds.has(id as string)));
    if (!joins) await this.write(lane);
    lane.items.push({ event, decision, retry, integration });
    for (const id of ids) lane.recordIds.add(id as string);
    return true;
  }

  /** Writes every lane's group: before a decision that is not a write, which waits for all received before it. */
  async flush(): Promise<void> {
    await this.write(this.lanes.contacts);
    await this.write(this.lanes.products);
  }

  private async write(lane: { items: GroupItem[]; recordIds: Set<string> }): Promise<void> {
    const items = lane.items;
    if (items.length === 0) return;
    lane.items = [];
    lane.recordIds.clear();
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
