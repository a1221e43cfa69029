/**
 * Webhook deliveries as WooCommerce 11 makes them: hooks enqueue an Action Scheduler job (one pending job per
 * webhook + resource: later firings are absorbed), the job runs late (≈ 25 s by default) and builds the body from
 * the resource *as it is at send time*; no retries; a webhook is disabled once its failure count exceeds 5.
 * Pings are synchronous, form-encoded `webhook_id=N`, without X-WC-* headers.
 */
import { createHmac } from "node:crypto";
import { phpJsonEncode } from "../php";
import { WC_VERSION, WP_VERSION } from "../render/common";
import type { Clock, EmulatedWooWebhook } from "../store/records";
import type { StoreEvent, WooStore } from "../store/store";
import { post, type PostResult } from "./post";
import { UNSAFE_URL_ERROR, refusedBySafeRemoteRequest } from "./safe-url";

export const HOOKSHOT_USER_AGENT = `WooCommerce/${WC_VERSION} Hookshot (WordPress/${WP_VERSION})`;
/** `woocommerce_max_webhook_delivery_failures` default. */
export const MAX_DELIVERY_FAILURES = 5;

export interface PendingDelivery {
  seq: number;
  webhookId: number;
  topic: string;
  resourceId: number;
  enqueuedMs: number;
  dueMs: number;
}

export interface DeliveryLogEntry {
  seq: number;
  kind: "ping" | "webhook";
  webhook_id: number;
  topic: string | null;
  resource_id: number | null;
  delivery_url: string;
  delivery_id: string | null;
  request_headers: Record<string, string>;
  request_body: string;
  response_status: number | null;
  response_body: string;
  error: string | null;
  success: boolean;
  enqueued_at: string | null;
  sent_at: string;
}

export interface DeliveryOptions {
  clock: Clock;
  store: WooStore;
  delayMs: number;
  timeoutMs: number;
  /** Site URL without trailing slash. */
  siteUrl: () => string;
  /** The REST body of a resource now, or the REST error body when it is gone. */
  payload: (resource: string, id: number) => unknown;
  /** Secret for X-WC-Webhook-Delivery-ID (WordPress's wp_hash salt). */
  hashSalt: string;
  /** Refuse URLs as `wp_safe_remote_request` does by default (safe-url.ts) instead of calling any address. */
  safeRemoteRequests?: boolean;
}

const MAX_LOG_ENTRIES = 10_000;

export class DeliveryQueue {
  pending: PendingDelivery[] = [];
  log: DeliveryLogEntry[] = [];
  private seq = 1;
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DeliveryOptions) {}

  /** Called for every hook firing; queues one job per active webhook on the topic (deduplicated while pending). */
  onEvent(event: StoreEvent): void {
    const now = this.options.clock.now();
    for (const webhook of this.options.store.webhooks.values()) {
      if (webhook.status !== "active" || webhook.topic !== event.topic) continue;
      const already = this.pending.some(
        (p) => p.webhookId === webhook.id && p.resourceId === event.resourceId,
      );
      if (already) continue;
      this.pending.push({
        seq: this.seq++,
        webhookId: webhook.id,
        topic: event.topic,
        resourceId: event.resourceId,
        enqueuedMs: now,
        dueMs: now + this.options.delayMs,
      });
    }
  }

  /** Polls for due jobs in real time (the emulator's Action Scheduler runner). */
  start(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.runDue();
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  clear(): void {
    this.pending = [];
    this.log = [];
  }

  /** Sends every job whose due time (by the store clock) has come, in queue order. Returns how many were sent. */
  runDue(): Promise<number> {
    return this.run((p) => p.dueMs <= this.options.clock.now());
  }

  /** Sends every queued job now, whatever its due time. */
  flush(): Promise<number> {
    return this.run(() => true);
  }

  private run(ready: (p: PendingDelivery) => boolean): Promise<number> {
    const previous = this.running ?? Promise.resolve(0);
    const next = previous.then(async () => {
      let sent = 0;
      for (;;) {
        const job = this.pending.find(ready);
        if (!job) break;
        this.pending = this.pending.filter((p) => p !== job);
        const webhook = this.options.store.webhooks.get(job.webhookId);
        // A deleted webhook's queued jobs have nothing to deliver to.
        if (!webhook) continue;
        await this.deliver(webhook, job);
        sent++;
      }
      return sent;
    });
    this.running = next.finally(() => {
      if (this.running === next) this.running = null;
    }) as Promise<number>;
    return next;
  }

  private async deliver(webhook: EmulatedWooWebhook, job: PendingDelivery): Promise<void> {
    const [resource, event] = job.topic.split(".");
    const payload =
      event === "deleted" ? { id: job.resourceId } : this.options.payload(resource, job.resourceId);
    const body = phpJsonEncode(payload);
    const nowMs = this.options.clock.now();
    // wp_hash( webhook id . current unix second ): two deliveries of one webhook in the same second share it.
    const deliveryId = createHmac("md5", this.options.hashSalt)
      .update(`${webhook.id}${Math.floor(nowMs / 1000)}`)
      .digest("hex");
    const headers: Record<string, string> = {
      "user-agent": HOOKSHOT_USER_AGENT,
      accept: "*/*",
      "accept-encoding": "deflate, gzip, br, zstd",
      "content-type": "application/json",
      "x-wc-webhook-source": `${this.options.siteUrl()}/`,
      "x-wc-webhook-topic": job.topic,
      "x-wc-webhook-resource": resource,
      "x-wc-webhook-event": event,
      "x-wc-webhook-signature": createHmac("sha256", webhook.secret).update(body).digest("base64"),
      "x-wc-webhook-id": String(webhook.id),
      "x-wc-webhook-delivery-id": deliveryId,
      connection: "close",
      "content-length": String(Buffer.byteLength(body)),
    };
    const result = await this.send(webhook.deliveryUrl, headers, body, this.options.timeoutMs);
    // WooCommerce counts 2xx, 301 and 302 as delivered.
    const success = result.status !== null && result.status >= 200 && result.status < 303;
    if (success) {
      webhook.failureCount = 0;
    } else if (webhook.failureCount > MAX_DELIVERY_FAILURES) {
      webhook.status = "disabled";
    } else {
      webhook.failureCount++;
    }
    // Either way WC_Webhook::log_delivery saves the webhook, and its data store stamps date_modified with now
    // (fixtures/real-11.0.1/webhooks-list.json: every webhook modified at its last delivery, none edited). The new
    // version also drops cached lists, which an automatic disable changes (`status=disabled`).
    webhook.modifiedMs = this.options.store.nowMs();
    this.options.store.version++;
    this.record({
      seq: job.seq,
      kind: "webhook",
      webhook_id: webhook.id,
      topic: job.topic,
      resource_id: job.resourceId,
      delivery_url: webhook.deliveryUrl,
      delivery_id: deliveryId,
      request_headers: headers,
      request_body: body,
      response_status: result.status,
      response_body: result.body,
      error: result.error,
      success,
      enqueued_at: new Date(job.enqueuedMs).toISOString(),
      sent_at: new Date(nowMs).toISOString(),
    });
  }

  /** The creation ping: `webhook_id=N`, form-encoded, no X-WC-* headers, 5 s timeout; its result changes nothing. */
  async ping(webhook: EmulatedWooWebhook): Promise<void> {
    const body = `webhook_id=${webhook.id}`;
    const headers: Record<string, string> = {
      "user-agent": HOOKSHOT_USER_AGENT,
      accept: "*/*",
      "accept-encoding": "deflate, gzip, br, zstd",
      connection: "close",
      "content-length": String(Buffer.byteLength(body)),
      "content-type": "application/x-www-form-urlencoded",
    };
    const result = await this.send(
      webhook.deliveryUrl,
      headers,
      body,
      Math.min(5000, this.options.timeoutMs),
    );
    this.record({
      seq: this.seq++,
      kind: "ping",
      webhook_id: webhook.id,
      topic: null,
      resource_id: null,
      delivery_url: webhook.deliveryUrl,
      delivery_id: null,
      request_headers: headers,
      request_body: body,
      response_status: result.status,
      response_body: result.body,
      error: result.error,
      success: result.status !== null && result.status >= 200 && result.status < 300,
      enqueued_at: null,
      sent_at: new Date(this.options.clock.now()).toISOString(),
    });
  }

  /** `wp_safe_remote_post`: the URL check (when modelled), then the call. */
  private async send(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<PostResult> {
    if (this.options.safeRemoteRequests && (await refusedBySafeRemoteRequest(url, this.options.siteUrl()))) {
      return { status: null, body: "", error: UNSAFE_URL_ERROR };
    }
    return post(url, headers, body, timeoutMs);
  }

  private record(entry: DeliveryLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
  }
}
