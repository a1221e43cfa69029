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
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "../db/client.server";
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
  db: Db;
  /** Enqueues processing of a stored event (deduplicated per event by the queue). */
  enqueue(event: { id: string; integrationId: string | null }): Promise<unknown>;
  /** The app secret the deliveries are signed with. */
  apiSecret: string;
}

export interface IngestResult {
  status: "stored" | "duplicate";
  eventId: string;
}

/**
 * Handles one webhook delivery and returns the HTTP response for Shopify: 405 unless POST, 401 unless the HMAC of
 * the raw body is valid, 400 when Shopify's headers (topic, shop domain, webhook id) are missing, else 200 once the
 * delivery is stored and enqueued.
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
  if (!validSignature(raw, request.headers.get("X-Shopify-Hmac-Sha256"), deps.apiSecret)) {
    return new Response(undefined, { status: 401, statusText: "Unauthorized" });
  }
  const webhook = webhookFromHeaders(request.headers);
  if (!webhook) return new Response(undefined, { status: 400, statusText: "Bad Request" });
  const result = await ingestShopifyWebhook(deps, webhook, raw);
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
    // Stored anyway: processing reports the unreadable body on the event.
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
