/**
 * Webhook delivery as Shopify does it: every emitted event goes to each matching subscription (GraphQL-created ones
 * in `shop.webhookSubscriptions` and those declared in `shopify.app.toml`) as a REST JSON body signed with the app
 * secret. Failures (non-2xx, network error, timeout) are retried with backoff up to 8 times; the schedule is
 * scaled by `timeScale` so tests run it in milliseconds. Faults (duplicates, drops, delays, reordering) can be
 * injected to exercise the receiver's idempotency.
 */
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import type { EmittedWebhook, EmulatorContext, WebhookDispatcherLike } from "../model";
import { stringifyJson } from "./json";

/**
 * Delay before retry n (index 0 = first retry), in ms of emulated time. Eight retries spread over four hours, as
 * Shopify documents (10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, ~2 h 8 min → 4 h in total).
 */
export const SHOPIFY_RETRY_SCHEDULE_MS: readonly number[] = [
  10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_700_000,
];

export const DEFAULT_DELIVERY_TIMEOUT_MS = 5_000;

/** Injectable delivery faults. Rates are 0..1 and drawn from a seeded generator, so runs repeat. */
export interface WebhookFaults {
  /** Share of events delivered twice (the copy has the same event id and a new webhook id). */
  duplicateRate: number;
  /** The next N events are delivered twice. */
  duplicateNext: number;
  /** Share of deliveries silently dropped (never sent, logged as "dropped"). */
  dropRate: number;
  /** The next N deliveries are dropped. */
  dropNext: number;
  /** Extra delay before the first attempt, in ms of emulated time (scaled by timeScale). */
  delayMs: number;
  /** Holds first attempts until this many are queued, then releases them in reverse order (0 or 1 = off). */
  reorderWindow: number;
}

export const NO_FAULTS: WebhookFaults = {
  duplicateRate: 0,
  duplicateNext: 0,
  dropRate: 0,
  dropNext: 0,
  delayMs: 0,
  reorderWindow: 0,
};

/** One delivery attempt (or a dropped delivery) as shown by GET /_emulator/deliveries. */
export interface DeliveryLogEntry {
  seq: number;
  shop: string;
  topic: string;
  url: string;
  webhookId: string;
  eventId: string;
  apiVersion: string;
  /** 1 for the first attempt; retries count up to 1 + maxRetries. */
  attempt: number;
  /** "delivered" (2xx), "failed" (will retry), "gave_up" (last retry failed), "dropped" (fault injection). */
  outcome: "delivered" | "failed" | "gave_up" | "dropped";
  status: number | null;
  error: string | null;
  headers: Record<string, string>;
  /** The raw body exactly as sent (and signed). */
  body: string;
  duplicate: boolean;
  triggeredAt: string;
  sentAt: string;
  completedAt: string;
  durationMs: number;
  /** When the next attempt is due (emulated time), if one is scheduled. */
  nextAttemptAt: string | null;
}

/** A subscription after merging GraphQL and TOML sources. */
export interface ResolvedSubscription {
  /** REST topic, e.g. customers/update. */
  topic: string;
  url: string;
  apiVersion: string;
  source: "graphql" | "toml";
  /** True for compliance_topics entries of the TOML. */
  compliance: boolean;
}

export interface TomlWebhookConfig {
  apiVersion: string | null;
  subscriptions: { topics: string[]; uri: string; compliance: boolean }[];
}

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
  /** API version used when a subscription has none (default: TOML api_version, else 2025-04). */
  defaultApiVersion?: string;
  /** Oldest log entries are discarded beyond this count. */
  maxLogEntries?: number;
}

interface DeliveryJob {
  shop: string;
  topic: string;
  url: string;
  apiVersion: string;
  webhookId: string;
  eventId: string;
  body: string;
  triggeredAt: Date;
  duplicate: boolean;
  /** Attempt number of the next send (1-based). */
  attempt: number;
  /** Real-clock ms when the next send is due. */
  dueAtMs: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Topics that are delivered even after the app was uninstalled from the shop. */
const ALWAYS_DELIVERED = new Set([
  "app/uninstalled",
  "shop/redact",
  "customers/redact",
  "customers/data_request",
]);
export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

/**
 * Where a delivery is really sent. Shopify only accepts https:// endpoints; a local app serves plain http behind a
 * TLS-terminating tunnel (what `shopify app dev` sets up). The emulator stands in for that tunnel: an https://
 * address on a loopback host (127.0.0.1, localhost, [::1]) is delivered over http to the same host and port.
 */
export function transportUrl(url: string): string {
  const m = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])([:/?#]|$)/i.exec(url);
  return m ? `http://${url.slice("https://".length)}` : url;
}

/** REST topic (customers/update) → GraphQL enum (CUSTOMERS_UPDATE). The reverse is ambiguous, so match this way. */
export function topicToEnum(restTopic: string): string {
  return restTopic.replace(/\//g, "_").toUpperCase();
}

export function defaultTomlPath(): string {
  return fileURLToPath(new URL("../../../shopify.app.toml", import.meta.url));
}

/** Reads the `[webhooks]` part of shopify.app.toml; a missing file means no subscriptions. */
export function loadTomlWebhooks(path: string | null): TomlWebhookConfig {
  if (!path || !existsSync(path)) return { apiVersion: null, subscriptions: [] };
  const doc = parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  const webhooks = (doc.webhooks ?? {}) as Record<string, unknown>;
  const apiVersion = typeof webhooks.api_version === "string" ? webhooks.api_version : null;
  const subs = Array.isArray(webhooks.subscriptions)
    ? (webhooks.subscriptions as Record<string, unknown>[])
    : [];
  const subscriptions: TomlWebhookConfig["subscriptions"] = [];
  for (const sub of subs) {
    const uri = typeof sub.uri === "string" ? sub.uri : null;
    if (!uri) continue;
    const topics = Array.isArray(sub.topics)
      ? sub.topics.filter((t): t is string => typeof t === "string")
      : [];
    const compliance = Array.isArray(sub.compliance_topics)
      ? sub.compliance_topics.filter((t): t is string => typeof t === "string")
      : [];
    if (topics.length) subscriptions.push({ topics, uri, compliance: false });
    if (compliance.length) subscriptions.push({ topics: compliance, uri, compliance: true });
  }
  return { apiVersion, subscriptions };
}

/** mulberry32: small seeded generator so injected fault rates are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  private readonly defaultApiVersion: string | undefined;
  private readonly maxLogEntries: number;
  private faultState: WebhookFaults;
  private random: () => number;

  private readonly waiting = new Set<DeliveryJob>();
  private readonly ready: DeliveryJob[] = [];
  private held: DeliveryJob[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private log: DeliveryLogEntry[] = [];
  private seq = 0;
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
    this.defaultApiVersion = options.defaultApiVersion;
    this.maxLogEntries = options.maxLogEntries ?? 10_000;
    this.faultState = { ...NO_FAULTS, ...options.faults };
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Re-reads shopify.app.toml (after the developer edits it). */
  reloadToml(): TomlWebhookConfig {
    this.toml = loadTomlWebhooks(this.tomlPath);
    return this.toml;
  }

  get tomlConfig(): TomlWebhookConfig {
    return this.toml;
  }

  faults(): WebhookFaults {
    return { ...this.faultState };
  }

  /** Merges fault settings; `setFaults(NO_FAULTS)` turns them all off. */
  setFaults(faults: Partial<WebhookFaults>, seed?: number): WebhookFaults {
    this.faultState = { ...this.faultState, ...faults };
    if (seed !== undefined) this.random = seededRandom(seed);
    if (this.faultState.reorderWindow <= 1) this.releaseHeld();
    return this.faults();
  }

  private apiVersionFallback(): string {
    return this.defaultApiVersion ?? this.toml.apiVersion ?? "2025-04";
  }

  /** The subscriptions an event on `shop` for REST `topic` is delivered to (deduplicated by URL). */
  subscriptionsFor(shopDomain: string, topic: string): ResolvedSubscription[] {
    const ctx = this.getContext();
    const shop = ctx.shops.get(shopDomain);
    if (!shop) return [];
    const result: ResolvedSubscription[] = [];
    const seen = new Set<string>();
    const add = (sub: ResolvedSubscription) => {
      if (seen.has(sub.url)) return;
      seen.add(sub.url);
      result.push(sub);
    };
    const enumTopic = topicToEnum(topic);
    for (const sub of shop.webhookSubscriptions.values()) {
      if (sub.topic !== enumTopic) continue;
      add({
        topic,
        url: sub.uri,
        apiVersion: sub.apiVersion || this.apiVersionFallback(),
        source: sub.source,
        compliance: false,
      });
    }
    for (const sub of this.toml.subscriptions) {
      if (!sub.topics.includes(topic)) continue;
      let url: string;
      try {
        url = new URL(sub.uri, ctx.app.appUrl).toString();
      } catch {
        continue;
      }
      // Pub/Sub and EventBridge URIs cannot be reached from here.
      if (!/^https?:/.test(url)) continue;
      add({ topic, url, apiVersion: this.apiVersionFallback(), source: "toml", compliance: sub.compliance });
    }
    return result;
  }

  /** Queues delivery of an event to every matching subscription. Never throws; returns the number queued. */
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
      const body = typeof event.body === "string" ? event.body : stringifyJson(event.body);
      const eventId = event.eventId ?? randomUUID();
      const triggeredAt = ctx.now();
      const duplicateEvent = this.takeDuplicate();
      let queued = 0;
      for (const sub of subs) {
        const copies = duplicateEvent ? 2 : 1;
        for (let copy = 0; copy < copies; copy++) {
          const job: DeliveryJob = {
            shop: event.shop,
            topic: event.topic,
            url: sub.url,
            apiVersion: sub.apiVersion,
            webhookId: randomUUID(),
            eventId,
            body,
            triggeredAt,
            duplicate: copy > 0,
            attempt: 1,
            dueAtMs: 0,
            timer: null,
          };
          if (this.takeDrop()) {
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

  private takeDuplicate(): boolean {
    if (this.faultState.duplicateNext > 0) {
      this.faultState.duplicateNext--;
      return true;
    }
    return this.faultState.duplicateRate > 0 && this.random() < this.faultState.duplicateRate;
  }

  private takeDrop(): boolean {
    if (this.faultState.dropNext > 0) {
      this.faultState.dropNext--;
      return true;
    }
    return this.faultState.dropRate > 0 && this.random() < this.faultState.dropRate;
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

  /** The headers Shopify sends with a delivery. */
  private headersFor(job: DeliveryJob): Record<string, string> {
    const secret = this.getContext().app.apiSecret;
    return {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": job.topic,
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(job.body, "utf8").digest("base64"),
      "X-Shopify-Shop-Domain": job.shop,
      "X-Shopify-API-Version": job.apiVersion,
      "X-Shopify-Webhook-Id": job.webhookId,
      "X-Shopify-Event-Id": job.eventId,
      "X-Shopify-Triggered-At": job.triggeredAt.toISOString(),
    };
  }

  private async send(job: DeliveryJob): Promise<void> {
    const headers = this.headersFor(job);
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
    const nextAttemptAt = new Date(this.getContext().now().getTime() + delayMs);
    this.record(job, { outcome: "failed", status, error, headers, startedMs, nextAttemptAt });
    job.attempt++;
    this.schedule(job, delayMs);
  }

  private record(
    job: DeliveryJob,
    result: {
      outcome: DeliveryLogEntry["outcome"];
      status: number | null;
      error: string | null;
      headers: Record<string, string>;
      startedMs: number;
      nextAttemptAt: Date | null;
    },
  ): void {
    const now = this.getContext().now();
    const durationMs = Date.now() - result.startedMs;
    this.log.push({
      seq: ++this.seq,
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
      triggeredAt: job.triggeredAt.toISOString(),
      sentAt: new Date(now.getTime() - durationMs).toISOString(),
      completedAt: now.toISOString(),
      durationMs,
      nextAttemptAt: result.nextAttemptAt ? result.nextAttemptAt.toISOString() : null,
    });
    if (this.log.length > this.maxLogEntries) this.log = this.log.slice(-this.maxLogEntries);
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
    return [...this.log];
  }

  clearDeliveries(): void {
    this.log = [];
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
