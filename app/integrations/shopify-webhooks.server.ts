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
import { parseJsonLossless } from "../platforms/shopify/mapping/json";
import { webhookResourceId } from "../platforms/shopify/webhooks.server";

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

function refuse(status: 400 | 401, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export interface IngestResult {
  status: "stored" | "duplicate";
  eventId: string;
}

/**
 * Handles one webhook delivery and returns the HTTP response for Shopify: 405 unless POST, 401 unless the HMAC of
 * the raw body is valid, 400 when the shop domain or topic is missing or malformed, the body is not JSON or the
 * webhook id is missing, else 200 once the delivery is stored and enqueued.
 *
 * The signature is checked here (the same check shopify-app-remix's `authenticate.webhook` makes, constant time)
 * instead of through `authenticate.webhook`: that also loads and decrypts the shop's offline session, parses the
 * body and builds an Admin client — a database read and work per delivery that intake never uses (processing loads
 * the session when it needs one), and a failure mode (a revoked token during `app/uninstalled`) intake must not
 * have. Measured by `npm run bench` (`webhook_ingest`, bench/README.md).
 */
export async function receiveShopifyWebhook(deps: WebhookIngestDeps, request: Request): Promise<Response> {
  if (request.method !== "POST")
    return new Response(undefined, { status: 405, statusText: "Method not allowed" });
  const raw = await request.text();
  // Refused before anything is parsed or stored, each with a reason the sender's logs can show.
  if (!validSignature(raw, request.headers.get("X-Shopify-Hmac-Sha256"), deps.apiSecret)) {
    return refuse(
      401,
      "Missing or invalid X-Shopify-Hmac-Sha256: the body is not signed with this app's secret.",
    );
  }
  const shopHeader = request.headers.get("X-Shopify-Shop-Domain") ?? "";
  if (normalizeShopDomain(shopHeader, deps.customShopDomain) !== shopHeader.toLowerCase()) {
    return refuse(400, "X-Shopify-Shop-Domain is not a Shopify shop domain (*.myshopify.com).");
  }
  if (!TOPIC.test(request.headers.get("X-Shopify-Topic") ?? "")) {
    return refuse(400, "Missing or malformed X-Shopify-Topic (expected e.g. orders/create).");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return refuse(400, "The body is not JSON.");
  }
  const webhook = webhookFromHeaders(request.headers);
  if (!webhook) return refuse(400, "Missing X-Shopify-Webhook-Id.");
  const result = await ingestShopifyWebhook(deps, webhook, raw, parsed);
  return new Response(null, { status: 200, headers: { "X-Commerce-Sync-Webhook": result.status } });
}

function webhookFromHeaders(headers: Headers): AuthenticatedWebhook | null {
  const shop = headers.get("X-Shopify-Shop-Domain");
  const topic = headers.get("X-Shopify-Topic");
  const webhookId = headers.get("X-Shopify-Webhook-Id");
  if (!shop || !topic || !webhookId) return null;
  return {
    shop,
    topic,
    webhookId,
    eventId: headers.get("X-Shopify-Event-Id") ?? undefined,
    apiVersion: headers.get("X-Shopify-API-Version") ?? undefined,
  };
}

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app secret (constant-time compare). */
export function validSignature(rawBody: string, header: string | null, apiSecret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", apiSecret).update(rawBody, "utf8").digest();
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
