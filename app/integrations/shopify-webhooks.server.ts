/**
 * Shopify webhook ingestion: verify, store once, enqueue, answer — nothing else happens in the request, so Shopify
 * gets its 200 in milliseconds and processing (app/jobs, through the platform's `handleWebhook` and the engine) runs
 * asynchronously and in order per record.
 *
 * - Verification is shopify-app-remix's `authenticate.webhook`: HMAC-SHA256 of the raw body with the app secret,
 *   compared in constant time. A bad signature gets 401 and nothing is stored.
 * - The raw body is stored as received (ids above 2^53 stay exact; the platform parses it losslessly).
 * - Deduplication on X-Shopify-Event-Id: Shopify's retries, its duplicate deliveries and the same event arriving
 *   through both the app-scoped (toml) and the shop-scoped (API) subscription are stored once.
 */
import { normalizeShopDomain } from "./shopify-oauth.server";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "../db/client.server";
import { parseJsonLossless } from "../platforms/shopify/mapping/json";
import { webhookResourceId } from "../platforms/shopify/webhooks.server";

/** What shopify-app-remix's `authenticate.webhook` resolves to (the fields used here). */
export interface AuthenticatedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  eventId?: string;
  apiVersion?: string;
}

export interface WebhookIngestDeps {
  db: Db;
  /** `authenticate.webhook` of the app's shopifyApp (throws a 401/400/405 Response when it refuses). */
  authenticate(request: Request): Promise<AuthenticatedWebhook>;
  /** Enqueues processing of a stored event (deduplicated per event by the queue). */
  enqueue(event: { id: string; integrationId: string | null }): Promise<unknown>;
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
 * Handles one webhook delivery and returns the HTTP response for Shopify.
 *
 * `authenticate.webhook` also loads (and, for an expiring token close to expiry, refreshes) the shop's session. When
 * that fails after the signature was accepted — e.g. `app/uninstalled` arrives when the token is already revoked — the
 * delivery must still be stored, or Shopify would retry it for hours: the signature is then checked here (same
 * algorithm, constant time) and the headers give topic and shop.
 */
export async function receiveShopifyWebhook(deps: WebhookIngestDeps, request: Request): Promise<Response> {
  const raw = await request.clone().text();
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
  try {
    JSON.parse(raw);
  } catch {
    return refuse(400, "The body is not JSON.");
  }
  let webhook: AuthenticatedWebhook;
  try {
    webhook = await deps.authenticate(request);
  } catch (error) {
    if (error instanceof Response && error.status < 500) return error;
    if (!validSignature(raw, request.headers.get("X-Shopify-Hmac-Sha256"), deps.apiSecret)) {
      return new Response(undefined, { status: 401, statusText: "Unauthorized" });
    }
    const fromHeaders = webhookFromHeaders(request.headers);
    if (!fromHeaders) return new Response(undefined, { status: 400, statusText: "Bad Request" });
    webhook = fromHeaders;
  }
  // The REST topic as Shopify sends it ("customers/data_request"); the library's copy is upper-cased.
  const topic = request.headers.get("X-Shopify-Topic") ?? webhook.topic;
  const result = await ingestShopifyWebhook(deps, { ...webhook, topic }, raw);
  return new Response(null, { status: 200, headers: { "X-Commerce-Sync-Webhook": result.status } });
}

function webhookFromHeaders(headers: Headers): AuthenticatedWebhook | null {
  const shop = headers.get("X-Shopify-Shop-Domain");
  const topic = headers.get("X-Shopify-Topic");
  const webhookId = headers.get("X-Shopify-Webhook-Id");
  if (!shop || !topic || !webhookId) return null;
  return { shop, topic, webhookId, eventId: headers.get("X-Shopify-Event-Id") ?? undefined };
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
  deps: Pick<WebhookIngestDeps, "db" | "enqueue">,
  webhook: AuthenticatedWebhook,
  rawBody: string,
): Promise<IngestResult> {
  const { db } = deps;
  const shop = webhook.shop.toLowerCase();
  const dedupeKey = `shopify:${shop}:${webhook.eventId ? `event:${webhook.eventId}` : `webhook:${webhook.webhookId}`}`;
  let body: unknown = null;
  try {
    body = parseJsonLossless(rawBody);
  } catch {
    // receiveShopifyWebhook refuses non-JSON bodies; a direct caller's unreadable body is reported on the event.
  }
  const integration = await db.integration.findUnique({
    where: { platform_storeKey: { platform: "shopify", storeKey: shop } },
    select: { id: true },
  });
  const data: Prisma.WebhookEventUncheckedCreateInput = {
    integrationId: integration?.id ?? null,
    platform: "shopify",
    topic: webhook.topic,
    dedupeKey,
    storeKey: shop,
    resourceId: webhookResourceId(webhook.topic, body),
    payload: rawBody,
  };
  try {
    const event = await db.webhookEvent.create({ data, select: { id: true, integrationId: true } });
    await deps.enqueue(event);
    return { status: "stored", eventId: event.id };
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
    const existing = await db.webhookEvent.findUniqueOrThrow({
      where: { dedupeKey },
      select: { id: true, integrationId: true, status: true },
    });
    // A first delivery stored but never enqueued (the process died in between) is enqueued by its redelivery.
    if (existing.status === "received") await deps.enqueue(existing);
    return { status: "duplicate", eventId: existing.id };
  }
}
