/**
 * Shopify webhook ingestion: verify, store once, enqueue, answer — nothing else happens in the request, so Shopify
 * gets its 200 in milliseconds and processing (app/jobs, through the platform's `handleWebhook` and the engine) runs
 * asynchronously and in order per record.
 *
 * - Verification: HMAC-SHA256 of the raw body with the app secret, compared in constant time (what
 *   shopify-app-remix's `authenticate.webhook` checks). A bad signature gets 401 and nothing is stored.
 * - The raw body is stored as received (ids above 2^53 stay exact; the platform parses it losslessly).
 * - Deduplication on X-Shopify-Event-Id: Shopify's retries, its duplicate deliveries and the same event arriving
 *   through both the app-scoped (toml) and the shop-scoped (API) subscription are stored once.
 */
import { normalizeShopDomain } from "./shopify-oauth.server";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppDb } from "../db/client.server";
import { prismaWebhookEventStore, type WebhookEventStore } from "../jobs/webhook-intake-store.server";
import { parseJsonLossless } from "../lib/json-lossless";
import { webhookResourceId } from "../platforms/shopify/webhooks.server";
import {
  deliveryFromRequest,
  deliveryHeader,
  deliveryText,
  responseFrom,
  type DeliveryHeaders,
  type WebhookAnswer,
  type WebhookDelivery,
} from "../lib/webhook-delivery";

/** A verified delivery, as its headers describe it. */
export interface AuthenticatedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion?: string;
}

export interface WebhookIngestDeps {
  db: AppDb;
  /** Enqueues processing of a stored event (deduplicated per event by the queue). */
  enqueue(event: { id: string; integrationId: string | null }): Promise<unknown>;
  /**
   * Stores the event and its job (app/jobs/webhook-intake-store.server.ts): the process's group-commit store on
   * SQLite; without it, Prisma then `enqueue`.
   */
  store?: WebhookEventStore;
  /** The app secret: every delivery's HMAC is checked with it first. */
  apiSecret: string;
  /** SHOP_CUSTOM_DOMAIN: an extra allowed shop domain pattern (regular expression source). */
  customShopDomain?: string;
}

const TOPIC = /^[a-z_]+\/[a-z_]+$/;

const PLAIN_TEXT = { "Content-Type": "text/plain; charset=utf-8" };

function refuse(status: 400 | 401, message: string): WebhookAnswer {
  return { status, headers: PLAIN_TEXT, body: message };
}

export interface IngestResult {
  status: "stored" | "duplicate";
  eventId: string;
}

/**
 * Handles one webhook delivery and returns the HTTP response for Shopify: 405 unless POST, 401 unless the HMAC of
 * the raw body is valid, 400 when the shop domain or topic is missing or malformed, the body is not JSON or the
 * webhook id is missing, else 200 once the delivery is stored and enqueued. (A Fetch Request's form of
 * `answerShopifyDelivery`, for the Remix routes and tests.)
 *
 * The signature is checked here (the same check shopify-app-remix's `authenticate.webhook` makes, constant time)
 * instead of through `authenticate.webhook`: that also loads and decrypts the shop's offline session, parses the
 * body and builds an Admin client — a database read and work per delivery that intake never uses (processing loads
 * the session when it needs one), and a failure mode (a revoked token during `app/uninstalled`) intake must not
 * have. Measured by `npm run bench` (`webhook_ingest`, bench/README.md).
 */
export async function receiveShopifyWebhook(deps: WebhookIngestDeps, request: Request): Promise<Response> {
  if (request.method !== "POST") return responseFrom(METHOD_NOT_ALLOWED);
  return responseFrom(await answerShopifyDelivery(deps, await deliveryFromRequest(request)));
}

const METHOD_NOT_ALLOWED: WebhookAnswer = { status: 405 };

/** `receiveShopifyWebhook` on a delivery as node:http read it (the production server's fast path). */
export async function answerShopifyDelivery(
  deps: WebhookIngestDeps,
  delivery: WebhookDelivery,
): Promise<WebhookAnswer> {
  if (delivery.method !== "POST") return METHOD_NOT_ALLOWED;
  const { headers } = delivery;
  // Refused before anything is parsed or stored, each with a reason the sender's logs can show. The signature is
  // checked on the bytes as received, before they are even decoded.
  if (!validSignature(delivery.rawBody, deliveryHeader(headers, "x-shopify-hmac-sha256"), deps.apiSecret)) {
    return refuse(
      401,
      "Missing or invalid X-Shopify-Hmac-Sha256: the body is not signed with this app's secret.",
    );
  }
  const shopHeader = deliveryHeader(headers, "x-shopify-shop-domain") ?? "";
  if (normalizeShopDomain(shopHeader, deps.customShopDomain) !== shopHeader.toLowerCase()) {
    return refuse(400, "X-Shopify-Shop-Domain is not a Shopify shop domain (*.myshopify.com).");
  }
  if (!TOPIC.test(deliveryHeader(headers, "x-shopify-topic") ?? "")) {
    return refuse(400, "Missing or malformed X-Shopify-Topic (expected e.g. orders/create).");
  }
  const raw = deliveryText(delivery.rawBody);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return refuse(400, "The body is not JSON.");
  }
  const webhook = webhookFromHeaders(headers);
  if (!webhook) return refuse(400, "Missing X-Shopify-Webhook-Id.");
  const result = await ingestShopifyWebhook(deps, webhook, raw, parsed);
  return { status: 200, headers: { "X-Commerce-Sync-Webhook": result.status } };
}

function webhookFromHeaders(headers: DeliveryHeaders): AuthenticatedWebhook | null {
  const shop = deliveryHeader(headers, "x-shopify-shop-domain");
  const topic = deliveryHeader(headers, "x-shopify-topic");
  const webhookId = deliveryHeader(headers, "x-shopify-webhook-id");
  if (!shop || !topic || !webhookId) return null;
  return {
    shop,
    topic,
    webhookId,
    eventId: deliveryHeader(headers, "x-shopify-event-id") ?? undefined,
    apiVersion: deliveryHeader(headers, "x-shopify-api-version") ?? undefined,
  };
}

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app secret (constant-time compare). */
export function validSignature(rawBody: string | Buffer, header: string | null, apiSecret: string): boolean {
  if (!header) return false;
  const hmac = createHmac("sha256", apiSecret);
  const expected = (
    typeof rawBody === "string" ? hmac.update(rawBody, "utf8") : hmac.update(rawBody)
  ).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Stores a verified delivery once and enqueues it. */
export async function ingestShopifyWebhook(
  deps: Pick<WebhookIngestDeps, "db" | "enqueue" | "store">,
  webhook: AuthenticatedWebhook,
  rawBody: string,
  /** `JSON.parse(rawBody)` when the caller has it already. */
  parsed?: unknown,
): Promise<IngestResult> {
  const { db } = deps;
  const shop = webhook.shop.toLowerCase();
  const dedupeKey = `shopify:${shop}:${webhook.eventId ? `event:${webhook.eventId}` : `webhook:${webhook.webhookId}`}`;
  let body: unknown = parsed;
  // The record's id: Shopify's bodies carry it as the string `admin_graphql_api_id`, which a plain parse reads
  // exactly; only without it is the numeric `id` needed, and ids above 2^53 need the lossless parse.
  if (typeof (body as { admin_graphql_api_id?: unknown } | null)?.admin_graphql_api_id !== "string") {
    try {
      body = parseJsonLossless(rawBody);
    } catch {
      // receiveShopifyWebhook refuses non-JSON bodies; a direct caller's unreadable body is reported on the event.
      body = null;
    }
  }
  const stored = await (deps.store ?? prismaWebhookEventStore(db, deps.enqueue)).store({
    platform: "shopify",
    topic: webhook.topic,
    dedupeKey,
    storeKey: shop,
    resourceId: webhookResourceId(webhook.topic, body),
    payload: rawBody,
  });
  return { status: stored.status, eventId: stored.eventId };
}
