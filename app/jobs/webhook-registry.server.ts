/**
 * Registry of platform webhook handlers. A platform module (app/platforms/<platform>/webhooks.server.ts) registers one
 * function that turns a stored WebhookEvent into a decision; the `webhook.process` job applies it. The job runner
 * never branches on the platform.
 */
import type { CanonicalRecordOf, Resource } from "../sync/types";
import type { Db } from "../db/client.server";
import type { JobQueue } from "./queue.server";

export interface StoredWebhookEvent {
  id: string;
  integrationId: string | null;
  platform: string;
  topic: string;
  dedupeKey: string;
  storeKey: string;
  resourceId: string | null;
  payload: string;
  receivedAt: Date;
}

export interface WebhookIntegration {
  id: string;
  organizationId: string;
  platform: string;
  storeKey: string;
  status: string;
}

export interface WebhookHandlerContext {
  db: Db & { $kind: "sqlite" | "postgres" };
  /** To enqueue follow-up work (compliance jobs, a sync after `app/uninstalled` …). */
  queue: JobQueue;
  event: StoredWebhookEvent;
  /** Null when no integration matches the event's store. */
  integration: WebhookIntegration | null;
  /** The event body parsed as JSON. */
  body: unknown;
}

/** Apply remote records through the engine (same mapping, upsert and newest-wins rules as a sync). */
export interface ApplyDecision<R extends Resource = Resource> {
  action: "apply";
  resource: R;
  remote: unknown[];
  map: (remote: never) => CanonicalRecordOf[R];
}

/** The store deleted these records (orders/products soft-deleted, a customer's store link removed). */
export interface DeleteDecision {
  action: "delete";
  resource: Resource;
  externalIds: string[];
  /** When the store deleted them (defaults to now). */
  deletedAt?: Date;
}

export type WebhookDecision =
  | ApplyDecision
  | DeleteDecision
  /** Nothing to do for this topic (kept as `ignored` with the reason, visible in the UI). */
  | { action: "ignore"; reason: string }
  /** The handler did the work itself (e.g. enqueued a compliance job, marked the integration disconnected). */
  | { action: "done"; note?: string };

export type WebhookHandler = (ctx: WebhookHandlerContext) => Promise<WebhookDecision> | WebhookDecision;

const handlers = new Map<string, WebhookHandler>();

/** Registers (or replaces) the webhook handler of `platform` ("shopify", "woocommerce"). */
export function registerWebhookHandler(platform: string, handler: WebhookHandler): void {
  handlers.set(platform, handler);
}

/** Removes a registration (tests). */
export function unregisterWebhookHandler(platform: string): void {
  handlers.delete(platform);
}

export function webhookHandlerFor(platform: string): WebhookHandler | undefined {
  return handlers.get(platform);
}
