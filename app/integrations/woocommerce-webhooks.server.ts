/**
 * Ingest of WooCommerce webhook deliveries (`POST /api/webhooks/woocommerce?integration=<id>`): answer within
 * milliseconds, because the store's request waits for us (60 s timeout, a failure counts towards disabling the
 * webhook). Verify, store once, queue, answer; the `webhook.process` job does the work.
 *
 * - A ping (sent when a webhook is created: `webhook_id=N`, no signature) is answered 200 and not stored.
 * - The signature is checked on the raw bytes with the integration's own secret, in constant time; a bad one gets
 *   401 and nothing is stored.
 * - Duplicates (same integration, topic and bytes) are answered 200 and stored once — `X-WC-Webhook-Delivery-ID`
 *   is not unique per delivery, so it is not the key. "deleted" deliveries (`{id}` only) are never duplicates: the
 *   same bytes come again when a restored record is deleted again.
 */
import { randomUUID } from "node:crypto";
import { recordWebhookPing } from "../platforms/woocommerce/webhook-pings.server";
import { WEBHOOK_TOPICS } from "../platforms/woocommerce/webhooks.server";
import { openWebhookSecret } from "../crypto/integration-secrets.server";
import type { Keyring } from "../crypto/encryption.server";
import {
  dedupeKeyFor,
  deliveryHeaders,
  header,
  isDeletionTopic,
  isPing,
  type HeaderSource,
  losslessBody,
  resourceIdOf,
  verifySignature,
} from "../platforms/woocommerce/webhook-events.server";
import type { AppDb } from "../sync/platform";
import { prismaWebhookEventStore, type WebhookEventStore } from "../jobs/webhook-intake-store.server";

/** Bigger bodies are refused (a product with thousands of variations is far below it). */
const KNOWN_TOPICS: ReadonlySet<string> = new Set(WEBHOOK_TOPICS);

export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

export interface WooWebhookIngestDeps {
  db: AppDb;
  keyring: Keyring;
  /** Queues `webhook.process` for a stored event. */
  enqueue(event: { id: string; integrationId: string | null }): Promise<unknown>;
  /** Stores the event and its job (see WebhookIngestDeps.store in shopify-webhooks.server.ts). */
  store?: WebhookEventStore;
}

export interface IngestAnswer {
  status: 200 | 400 | 401 | 404 | 410 | 413;
  body: string;
}

export async function ingestWooWebhook(
  deps: WooWebhookIngestDeps,
  request: { integrationId: string | null; headers: HeaderSource; rawBody: Buffer },
): Promise<IngestAnswer> {
  const { db } = deps;
  if (request.rawBody.length > MAX_WEBHOOK_BYTES) return { status: 413, body: "Body too large." };
  if (isPing(request.headers, request.rawBody)) {
    // Proof the store reaches the app (webhook-pings.server.ts); the store's answer never depends on it.
    await recordWebhookPing(db, request.integrationId).catch(() => false);
    return { status: 200, body: "pong" };
  }
  if (!request.integrationId) return { status: 400, body: "The delivery URL names no integration." };

  const integration = await db.integration.findFirst({
    where: { id: request.integrationId, platform: "woocommerce" },
    select: { id: true, status: true, storeKey: true, webhookSecret: true },
  });
  if (!integration) return { status: 404, body: "Unknown integration." };
  if (integration.status === "disconnected" || !integration.webhookSecret) {
    return { status: 410, body: "This store is disconnected." };
  }
  const secret = openWebhookSecret(deps.keyring, integration.id, integration.webhookSecret);
  const headers = deliveryHeaders(request.headers);
  if (!verifySignature(request.rawBody, secret, header(request.headers, "x-wc-webhook-signature"))) {
    return { status: 401, body: "Invalid signature." };
  }
  if (!/^[a-z_]+\.[a-z_]+$/.test(headers.topic)) return { status: 400, body: "Missing or unknown topic." };
  if (!KNOWN_TOPICS.has(headers.topic)) {
    return {
      status: 400,
      body: `Unknown topic ${headers.topic}: this app subscribes to ${WEBHOOK_TOPICS.join(", ")}.`,
    };
  }
  let body: unknown;
  try {
    const text = request.rawBody.toString("utf8");
    body = losslessBody(text, JSON.parse(text));
  } catch {
    return { status: 400, body: "The body is not JSON." };
  }
  const recordId = resourceIdOf(body);
  const stored = await (deps.store ?? prismaWebhookEventStore(db, deps.enqueue)).store({
    integrationId: integration.id,
    platform: "woocommerce",
    topic: headers.topic,
    // A deletion's `{id}` body repeats when a restored record is deleted again: every deletion is its own event.
    dedupeKey: dedupeKeyFor(
      integration.id,
      headers.topic,
      request.rawBody,
      isDeletionTopic(headers.topic) ? randomUUID() : undefined,
    ),
    storeKey: integration.storeKey,
    // Customers are users and orders/products are posts: their ids overlap, so the kind is part of the key.
    resourceId: recordId ? `${headers.topic.split(".")[0]}:${recordId}` : null,
    payload: request.rawBody.toString("utf8"),
  });
  return stored.status === "duplicate"
    ? { status: 200, body: "Duplicate delivery." }
    : { status: 200, body: "Received." };
}
