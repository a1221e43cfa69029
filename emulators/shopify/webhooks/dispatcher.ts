/**
 * Webhook delivery as Shopify does it: every emitted event goes to each matching subscription (subscriptions.ts)
 * as a REST JSON body in the app's configured webhook API version, signed with the app secret. Failures (non-2xx,
 * network error, timeout) are retried with backoff up to 8 times; the schedule is scaled by `timeScale` so tests run
 * it in milliseconds. An API-created subscription is deleted after 8 consecutive failed attempts. Faults
 * (faults.ts) can be injected to exercise the receiver's idempotency.
 */
import { randomUUID } from "node:crypto";
import type { EmittedWebhook, EmulatorContext, WebhookDispatcherLike } from "../model";
import { stringifyJson } from "../../shared/json";
import { deliveryHeaders, resourceIdOf, triggeredAtStamp } from "./delivery-headers";
import { DeliveryLog, type DeliveryLogEntry } from "./delivery-log";
import { FaultState, type WebhookFaults } from "./faults";
import { bodyForVersion } from "./payload-versions";
import {
  ALWAYS_DELIVERED,
  FailureTracker,
  subscriptionsFor,
  transportUrl,
  type ResolvedSubscription,
} from "./subscriptions";
import { defaultTomlPath, loadTomlWebhooks, type TomlWebhookConfig } from "./toml";

/**
 * Delay before retry n (index 0 = first retry), in ms of emulated time. Eight retries spread over four hours, as
 * Shopify documents (10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, ~2 h 8 min → 4 h in total).
 */
export const SHOPIFY_RETRY_SCHEDULE_MS: readonly number[] = [
  10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_700_000,
];

export const DEFAULT_DELIVERY_TIMEOUT_MS = 5_000;

/** Used when neither the options nor shopify.app.toml name the app's webhook API version. */
export const FALLBACK_WEBHOOK_API_VERSION = "2025-04";

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface WebhookDispatcherOptions {
  /** Lazily reads the emulator context (shops, app config, clock); the dispatcher is built before the context. */
  getContext: () => EmulatorContext;
  /** Path of shopify.app.toml; default `<repo>/shopify.app.toml`; null = no TOML subscriptions. */
  tomlPath?: string | null;
  /** HTTP client (default: global fetch). */
  fetch?: FetchLike;
  /** Multiplies every emulated delay (retry backoff, injected delay): 1 = real time, 0 = immediately. */
  timeScale?: number;
  /** Retry delays in ms of emulated time; its length is the number of retries (default: Shopify's 8 over 4 h). */
  retryScheduleMs?: readonly number[];
  /** Per-attempt timeout in real ms (Shopify: 5 s). */
  timeoutMs?: number;
  /** Deliveries sent at once. */
  concurrency?: number;
  faults?: Partial<WebhookFaults>;
  /** Seed of the generator behind fault rates. */
  seed?: number;
  /** The app's webhook API version (every delivery); default the TOML's api_version, else `defaultApiVersion`. */
  apiVersion?: string;
  /** Fallback when neither `apiVersion` nor the TOML says (default 2025-04). */
  defaultApiVersion?: string;
  /** Oldest log entries are discarded beyond this count. */
  maxLogEntries?: number;
}

interface DeliveryJob {
  shop: string;
  topic: string;
  url: string;
  subscriptionId: bigint | null;
  apiVersion: string;
  webhookId: string;
  eventId: string;
  body: string;
  /** `X-Shopify-Triggered-At` as sent (nine fractional digits), the same on every retry. */
  triggeredAt: string;
  /** The order's or product's id for `X-Shopify-Order-Id` / `X-Shopify-Product-Id`. */
  resourceId: string | null;
  /** The subscription's name (`X-Shopify-Name`). */
  name: string | null;
  duplicate: boolean;
  /** Attempt number of the next send (1-based). */
  attempt: number;
  /** Real-clock ms when the next send is due. */
  dueAtMs: number;
  timer: ReturnType<typeof setTimeout> | null;
}

interface AttemptResult {
  outcome: DeliveryLogEntry["outcome"];
  status: number | null;
  error: string | null;
  headers: Record<string, string>;
  startedMs: number;
  nextAttemptAt: Date | null;
}

/** The emulator's webhook dispatcher (see the file comment). */
export class WebhookDispatcher implements WebhookDispatcherLike {
  private readonly getContext: () => EmulatorContext;
  private readonly fetchFn: FetchLike;
  private readonly tomlPath: string | null;
  private toml: TomlWebhookConfig;
  timeScale: number;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  private readonly concurrency: number;
  private readonly configuredApiVersion: string | undefined;
  private readonly fallbackApiVersion: string;
  private readonly faultState: FaultState;
  private readonly log: DeliveryLog;
  private readonly failures = new FailureTracker();

  private readonly waiting = new Set<DeliveryJob>();
  private readonly ready: DeliveryJob[] = [];
  private held: DeliveryJob[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.getContext = options.getContext;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.tomlPath = options.tomlPath === undefined ? defaultTomlPath() : options.tomlPath;
    this.toml = loadTomlWebhooks(this.tomlPath);
    this.timeScale = options.timeScale ?? 1;
    this.retryScheduleMs = options.retryScheduleMs ?? SHOPIFY_RETRY_SCHEDULE_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.configuredApiVersion = options.apiVersion;
    this.fallbackApiVersion = options.defaultApiVersion ?? FALLBACK_WEBHOOK_API_VERSION;
    this.log = new DeliveryLog(options.maxLogEntries);
    this.faultState = new FaultState(options.faults, options.seed ?? 1);
  }

  /** Re-reads shopify.app.toml (after the developer edits it). */
  reloadToml(): TomlWebhookConfig {
    this.toml = loadTomlWebhooks(this.tomlPath);
    return this.toml;
  }

  get tomlConfig(): TomlWebhookConfig {
    return this.toml;
  }

  /** The API version every delivery is made in: the app's configured webhook version. */
  get apiVersion(): string {
    return this.configuredApiVersion ?? this.toml.apiVersion ?? this.fallbackApiVersion;
  }

  faults(): WebhookFaults {
    return this.faultState.get();
  }

  /** Merges fault settings; `setFaults(NO_FAULTS)` turns them all off. */
  setFaults(faults: Partial<WebhookFaults>, seed?: number): WebhookFaults {
    const state = this.faultState.set(faults, seed);
    if (state.reorderWindow <= 1) this.releaseHeld();
    return state;
  }

  /** The subscriptions an event on `shop` for REST `topic` is delivered to (deduplicated by URL). */
  subscriptionsFor(shopDomain: string, topic: string): ResolvedSubscription[] {
    const ctx = this.getContext();
    const shop = ctx.shops.get(shopDomain);
    return shop ? subscriptionsFor(ctx, this.toml, shop, topic) : [];
  }

  /** Queues delivery of an event to every matching subscription. Never throws. */
  emit(event: EmittedWebhook): void {
    this.emitCounted(event);
  }

  /**
   * Like `emit`, returning how many deliveries were queued (duplicates included, drops excluded). `delayMs`
   * (emulated time, scaled) holds the first attempt back, e.g. shop/redact 48 h after an uninstall.
   */
  emitCounted(event: EmittedWebhook, options: { delayMs?: number } = {}): number {
    try {
      if (this.closed) return 0;
      const ctx = this.getContext();
      const shop = ctx.shops.get(event.shop);
      if (!shop) return 0;
      if (!shop.installed && !ALWAYS_DELIVERED.has(event.topic)) return 0;
      const subs = this.subscriptionsFor(event.shop, event.topic);
      if (subs.length === 0) return 0;
      const apiVersion = this.apiVersion;
      const shaped = bodyForVersion(event.topic, event.body, apiVersion);
      const body = typeof shaped === "string" ? shaped : stringifyJson(shaped);
      const eventId = event.eventId ?? randomUUID();
      const triggeredAt = triggeredAtStamp(ctx.now());
      const resourceId = resourceIdOf(event.topic, event.body);
      const copies = this.faultState.takeDuplicate() ? 2 : 1;
      let queued = 0;
      for (const sub of subs) {
        for (let copy = 0; copy < copies; copy++) {
          const job: DeliveryJob = {
            shop: event.shop,
            topic: event.topic,
            url: sub.url,
            subscriptionId: sub.subscriptionId,
            apiVersion,
            webhookId: randomUUID(),
            eventId,
            body,
            triggeredAt,
            resourceId,
            name: sub.name,
            duplicate: copy > 0,
            attempt: 1,
            dueAtMs: 0,
            timer: null,
          };
          if (this.faultState.takeDrop()) {
            this.record(job, {
              outcome: "dropped",
              status: null,
              error: "dropped by fault injection",
              headers: {},
              startedMs: Date.now(),
              nextAttemptAt: null,
            });
            continue;
          }
          queued++;
          this.enqueueFirst(job, options.delayMs ?? 0);
        }
      }
      return queued;
    } catch {
      // emit() must never break the data change that triggered it.
      return 0;
    }
  }

  /**
   * Sends now what was held back for later (e.g. the shop/redact Shopify sends 48 h after an uninstall) for
   * `shop` and `topic`; returns how many deliveries that released.
   */
  releaseDelayed(shop: string, topic: string): number {
    let released = 0;
    for (const job of [...this.waiting]) {
      if (job.shop !== shop || job.topic !== topic || job.attempt !== 1) continue;
      if (job.timer) clearTimeout(job.timer);
      job.timer = null;
      this.waiting.delete(job);
      this.ready.push(job);
      released++;
    }
    if (released > 0) setImmediate(() => this.pump());
    return released;
  }

  private enqueueFirst(job: DeliveryJob, extraDelayMs: number): void {
    if (extraDelayMs > 0) {
      this.schedule(job, extraDelayMs + this.faultState.delayMs);
      return;
    }
    if (this.faultState.reorderWindow > 1) {
      this.held.push(job);
      if (this.held.length >= this.faultState.reorderWindow) this.releaseHeld();
      return;
    }
    this.schedule(job, this.faultState.delayMs);
  }

  /** Releases reorder-held deliveries, newest first. */
  private releaseHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    for (const job of held) this.schedule(job, this.faultState.delayMs);
  }

  private schedule(job: DeliveryJob, emulatedDelayMs: number): void {
    const realDelayMs = Math.max(0, Math.round(emulatedDelayMs * this.timeScale));
    job.dueAtMs = Date.now() + realDelayMs;
    if (realDelayMs === 0) {
      this.ready.push(job);
      // Let the emitting request finish first, as Shopify sends asynchronously.
      setImmediate(() => this.pump());
      return;
    }
    this.waiting.add(job);
    job.timer = setTimeout(() => {
      job.timer = null;
      if (!this.waiting.delete(job)) return;
      this.ready.push(job);
      this.pump();
    }, realDelayMs);
    job.timer.unref?.();
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.concurrency && this.ready.length > 0) {
      const job = this.ready.shift() as DeliveryJob;
      const p: Promise<void> = this.send(job).finally(() => {
        this.inFlight.delete(p);
        this.pump();
      });
      this.inFlight.add(p);
    }
  }

  private async send(job: DeliveryJob): Promise<void> {
    const headers = deliveryHeaders(job, this.getContext().app.apiSecret);
    const startedMs = Date.now();
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.fetchFn(transportUrl(job.url), {
        method: "POST",
        headers,
        body: job.body,
        signal: abort.signal,
      });
      status = response.status;
      // Drain the body so the connection can be reused; its content is irrelevant to Shopify.
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = abort.signal.aborted
        ? `timed out after ${this.timeoutMs} ms`
        : err instanceof Error
          ? err.cause instanceof Error
            ? `${err.message}: ${err.cause.message}`
            : err.message
          : String(err);
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
    const ctx = this.getContext();
    this.failures.record(ctx.shops.get(job.shop), job.subscriptionId, error === null);
    if (error === null) {
      this.record(job, { outcome: "delivered", status, error, headers, startedMs, nextAttemptAt: null });
      return;
    }
    const retryIndex = job.attempt - 1;
    if (this.closed || retryIndex >= this.retryScheduleMs.length) {
      this.record(job, { outcome: "gave_up", status, error, headers, startedMs, nextAttemptAt: null });
      return;
    }
    const delayMs = this.retryScheduleMs[retryIndex];
    const nextAttemptAt = new Date(ctx.now().getTime() + delayMs);
    this.record(job, { outcome: "failed", status, error, headers, startedMs, nextAttemptAt });
    job.attempt++;
    this.schedule(job, delayMs);
  }

  private record(job: DeliveryJob, result: AttemptResult): void {
    const now = this.getContext().now();
    const durationMs = Date.now() - result.startedMs;
    this.log.add({
      shop: job.shop,
      topic: job.topic,
      url: job.url,
      webhookId: job.webhookId,
      eventId: job.eventId,
      apiVersion: job.apiVersion,
      attempt: job.attempt,
      outcome: result.outcome,
      status: result.status,
      error: result.error,
      headers: result.headers,
      body: job.body,
      duplicate: job.duplicate,
      triggeredAt: job.triggeredAt,
      sentAt: new Date(now.getTime() - durationMs).toISOString(),
      completedAt: now.toISOString(),
      durationMs,
      nextAttemptAt: result.nextAttemptAt ? result.nextAttemptAt.toISOString() : null,
    });
  }

  /**
   * Sends everything due now — reorder-held deliveries included — and waits until nothing due is left in flight.
   * With `timeScale: 0` retries are due at once, so this drains every retry; later retries stay scheduled.
   */
  async flush(): Promise<void> {
    this.releaseHeld();
    for (;;) {
      const nowMs = Date.now();
      for (const job of [...this.waiting]) {
        if (job.dueAtMs > nowMs) continue;
        if (job.timer) clearTimeout(job.timer);
        job.timer = null;
        this.waiting.delete(job);
        this.ready.push(job);
      }
      this.pump();
      if (this.inFlight.size === 0 && this.ready.length === 0) return;
      await Promise.race(this.inFlight);
    }
  }

  /** Deliveries still waiting (for a retry or an injected delay), held for reordering or in flight. */
  pendingCount(): number {
    return this.waiting.size + this.ready.length + this.held.length + this.inFlight.size;
  }

  deliveries(): DeliveryLogEntry[] {
    return this.log.all();
  }

  clearDeliveries(): void {
    this.log.clear();
  }

  /** Cancels scheduled retries and aborts sends in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting) if (job.timer) clearTimeout(job.timer);
    this.waiting.clear();
    this.ready.length = 0;
    this.held = [];
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }
}
