/**
 * Webhook deliveries for the chaos suite, as the platforms send them to the production server: Shopify (HMAC-SHA256 of
 * the raw body with the app secret, X-Shopify-* headers, a webhook id per delivery attempt series and an event id) and
 * WooCommerce (X-WC-Webhook-Signature with the integration's secret; X-WC-Webhook-Delivery-ID is a hash of webhook id
 * + second, so not unique). Bodies come from the emulators' own REST renderers (real shapes).
 */
import { createHmac, randomUUID } from "node:crypto";
import { keyringFrom } from "../../app/crypto/encryption.server";
import { openWebhookSecret } from "../../app/crypto/integration-secrets.server";
import { stringifyJson } from "../../emulators/shared/json";
import { TEST_ENV } from "../../app/platforms/testing/test-platforms";
import type { AppDb } from "../../app/sync/platform";
import { PORTS } from "./lib";

export const APP_URL = `http://127.0.0.1:${PORTS.app}`;

export interface ShopifyDelivery {
  topic: string;
  /** X-Shopify-Webhook-Id: the same on every retry of one delivery. */
  webhookId: string;
  /** X-Shopify-Event-Id: the same for one event whichever subscription delivers it. */
  eventId: string;
  shop: string;
  body: string;
  /** The record the delivery is about (GID) and its updated_at (ms), for the checks. */
  gid: string;
  updatedAtMs: number;
}

export type Answer =
  { ok: true; status: number; outcome: string } | { ok: false; status: number | null; error: string };

export function shopifyDelivery(
  shop: string,
  topic: string,
  body: Record<string, unknown>,
  ids: { webhookId?: string; eventId?: string } = {},
): ShopifyDelivery {
  return {
    topic,
    webhookId: ids.webhookId ?? randomUUID(),
    eventId: ids.eventId ?? randomUUID(),
    shop,
    // Ids stay exact numbers (bigint), as Shopify writes them.
    body: stringifyJson(body),
    gid: String(body.admin_graphql_api_id),
    updatedAtMs: Date.parse(String(body.updated_at)),
  };
}

/** The dedupe key the app stores a Shopify delivery under (app/integrations/shopify-webhooks.server.ts). */
export function shopifyDedupeKey(d: ShopifyDelivery): string {
  return `shopify:${d.shop}:event:${d.eventId}`;
}

export async function sendShopify(d: ShopifyDelivery, timeoutMs = 10_000): Promise<Answer> {
  try {
    const res = await fetch(`${APP_URL}/api/webhooks/shopify`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": d.topic,
        "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_ENV.SHOPIFY_API_SECRET)
          .update(d.body, "utf8")
          .digest("base64"),
        "X-Shopify-Shop-Domain": d.shop,
        "X-Shopify-API-Version": "2025-04",
        "X-Shopify-Webhook-Id": d.webhookId,
        "X-Shopify-Event-Id": d.eventId,
        "X-Shopify-Triggered-At": new Date().toISOString(),
      },
      body: d.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    if (res.status !== 200) return { ok: false, status: res.status, error: `HTTP ${res.status}` };
    return { ok: true, status: 200, outcome: res.headers.get("X-Commerce-Sync-Webhook") ?? "" };
  } catch (error) {
    return {
      ok: false,
      status: null,
      error: (error as Error).cause ? String((error as Error).cause) : String(error),
    };
  }
}

export interface WooDelivery {
  topic: string;
  deliveryId: string;
  body: string;
}

/** The integration's webhook secret in clear (what the store signs with). */
export async function wooWebhookSecret(db: AppDb, integrationId: string): Promise<string> {
  const row = await db.integration.findUniqueOrThrow({ where: { id: integrationId } });
  return openWebhookSecret(keyringFrom(TEST_ENV.ENCRYPTION_KEY), integrationId, row.webhookSecret!);
}

export async function sendWoo(
  integrationId: string,
  secret: string,
  storeUrl: string,
  d: WooDelivery,
): Promise<{ status: number; text: string }> {
  const [resource, event] = d.topic.split(".");
  const res = await fetch(`${APP_URL}/api/webhooks/woocommerce?integration=${integrationId}`, {
    method: "POST",
    headers: {
      "User-Agent": "WooCommerce/11.0.1 Hookshot (WordPress/7.1)",
      "Content-Type": "application/json",
      "X-WC-Webhook-Source": `${storeUrl}/`,
      "X-WC-Webhook-Topic": d.topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event,
      "X-WC-Webhook-Signature": createHmac("sha256", secret).update(d.body).digest("base64"),
      "X-WC-Webhook-ID": "7",
      "X-WC-Webhook-Delivery-ID": d.deliveryId,
    },
    body: d.body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Sends `deliveries` with `senders` concurrent senders; `onAnswer` sees each answer as it comes. */
export async function sendAll<D>(
  deliveries: D[],
  senders: number,
  send: (d: D) => Promise<Answer>,
  onAnswer: (d: D, a: Answer) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < deliveries.length) {
        const d = deliveries[next++];
        onAnswer(d, await send(d));
      }
    }),
  );
}

/** A fixed-seed shuffle (the same order on every run). */
export function shuffled<T>(items: T[], seed = 12345): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
