/**
 * WooCommerce webhook deliveries, from the raw request to a decision.
 *
 * Ingest (the route, within milliseconds — the store blocks on the call): a ping (form body `webhook_id=N`, no
 * `X-WC-*` headers) is answered 200 and dropped; anything else must carry `X-WC-Webhook-Signature`, the base64
 * HMAC-SHA256 of the raw body with the integration's secret, compared in constant time. The dedupe key is a hash of
 * integration, topic and raw body — never `X-WC-Webhook-Delivery-ID`, which is only webhook id + current second.
 *
 * Processing (the job): bodies are the resource as it was when the store *sent* it, so the engine's newest-wins rule
 * on `date_modified_gmt` keeps a late, older body from overwriting newer data. "deleted" bodies carry only `{id}`.
 *
 * Store staff (roles.ts) are not customers: a customer.created/updated body about one never becomes a contact. The
 * store is asked how the user is now; still staff, a link we hold (a customer made shop manager) is removed as a
 * deletion would remove it (a tombstone, ADR 0044), else the delivery is ignored with the reason (ADR 0047).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { quoteUnsafeIntegers } from "../../lib/json-lossless";
import type { PlatformContext, StoredWebhookEvent, WebhookDecision } from "../../sync/platform";
import type { Resource } from "../../sync/types";
import { mapCustomer, mapOrder, mapProduct, parseGmt } from "./mapping";
import { isCustomer, notCustomerReason } from "./roles";
import type { WooCustomer, WooProduct, WooProductWithVariations } from "./types";

const RESOURCE_OF: Record<string, Resource> = { customer: "customers", order: "orders", product: "products" };

/** Lower-case header lookup over a Fetch `Headers` or a plain record. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;
export function header(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** The creation ping: `webhook_id=N`, form-encoded, without `X-WC-Webhook-*` headers. */
export function isPing(headers: HeaderSource, rawBody: Buffer): boolean {
  if (header(headers, "x-wc-webhook-topic") || header(headers, "x-wc-webhook-signature")) return false;
  return /^webhook_id=\d+$/.test(rawBody.toString("utf8").trim());
}

/** Constant-time check of `X-WC-Webhook-Signature` against the raw body. */
export function verifySignature(rawBody: Buffer, secret: string, signatureHeader: string | null): boolean {
  if (!signatureHeader || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signatureHeader.trim(), "base64");
  } catch {
    return false;
  }
  // Equal lengths for timingSafeEqual; a wrong length is simply a wrong signature.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

export interface DeliveryHeaders {
  topic: string;
  /** `X-WC-Webhook-Resource` id of the record, read from the body when present. */
  webhookId: string | null;
  source: string | null;
}

export function deliveryHeaders(headers: HeaderSource): DeliveryHeaders {
  return {
    topic: (header(headers, "x-wc-webhook-topic") ?? "").trim().toLowerCase(),
    webhookId: header(headers, "x-wc-webhook-id"),
    source: header(headers, "x-wc-webhook-source"),
  };
}

/**
 * Same integration, topic and bytes = the same delivery (a duplicate), whatever its delivery id says: a created or
 * updated body carries the record's `date_modified`, so equal bytes are one version of it.
 *
 * A "deleted" body is only `{"id":N}`: an order trashed, restored and trashed again sends the same bytes twice (and
 * within one second, the same delivery id), and the second is a real deletion. Such deliveries are never duplicates:
 * pass a fresh `deliveryNonce` for each (applying a deletion twice changes nothing; dropping one loses it).
 */
export function dedupeKeyFor(
  integrationId: string,
  topic: string,
  rawBody: Buffer,
  deliveryNonce?: string,
): string {
  const hash = createHash("sha256").update(`${integrationId}\n${topic}\n`).update(rawBody);
  if (deliveryNonce) hash.update(`\n${deliveryNonce}`);
  return `woocommerce:${hash.digest("hex")}`;
}

/** True for topics whose body names the record only (`{id}`): no version to tell two deliveries apart. */
export function isDeletionTopic(topic: string): boolean {
  return topic.endsWith(".deleted");
}

/**
 * A body `JSON.parse` read, read again without rounding when its text holds an integer a double cannot hold
 * (WooCommerce ids are MySQL `BIGINT UNSIGNED`; above 2^53 they become exact decimal strings). Bodies without one,
 * i.e. nearly all, are returned as they were parsed.
 */
export function losslessBody(raw: string, parsed: unknown): unknown {
  const quoted = quoteUnsafeIntegers(raw);
  return quoted === raw ? parsed : JSON.parse(quoted);
}

/** The record id a body is about (for per-record ordering of processing). */
export function resourceIdOf(body: unknown): string | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === "number" || (typeof id === "string" && id !== "") ? String(id) : null;
}

/** Loads what a product body lacks (its variations) through the store; given by the platform module. */
export type ProductExpander = (
  product: WooProduct,
  ctx: PlatformContext,
) => Promise<WooProductWithVariations>;

/** What a decision may read from the store; given by the platform module. */
export interface WebhookReads {
  expandProduct: ProductExpander;
  /** The user as the store shows it now (`id`, `role`, `date_modified_gmt`), or null when it no longer exists. */
  readUser: (id: string, ctx: PlatformContext) => Promise<WooCustomer | null>;
}

/** Turns a stored delivery into what the engine should do. */
export async function decideWebhook(
  event: StoredWebhookEvent,
  body: unknown,
  ctx: PlatformContext | null,
  reads: WebhookReads,
): Promise<WebhookDecision> {
  const [resourceName, action] = event.topic.split(".");
  const resource = RESOURCE_OF[resourceName];
  if (!resource) return { action: "ignore", reason: `Topic ${event.topic} is not synced.` };
  if (!ctx) return { action: "ignore", reason: "No connected store matches this webhook." };
  const id = resourceIdOf(body);
  if (!id) return { action: "ignore", reason: `The ${event.topic} body names no record.` };
  const record = body as { status?: string; date_modified_gmt?: string };
  // A trashed order or product arrives as "deleted"; an update that shows it in the trash means the same.
  if (action === "deleted" || record.status === "trash") {
    return { action: "delete", resource, externalIds: [id], deletedAt: event.receivedAt };
  }
  if (action !== "created" && action !== "updated" && action !== "restored") {
    return { action: "ignore", reason: `Topic ${event.topic} is not synced.` };
  }
  switch (resource) {
    case "customers":
      if (!isCustomer(body)) return notCustomerDelivery(event, id, body, ctx, reads);
      return { action: "apply", resource, remote: [body], map: mapCustomer as never };
    case "orders":
      // A block checkout's draft, saved as the buyer types (and left behind when they go): WooCommerce delivers its
      // order.updated (woocommerce/woocommerce#66995) although its lists, its admin and order.created leave it out.
      if (record.status === "checkout-draft") {
        return {
          action: "ignore",
          reason:
            "A checkout still in progress (checkout-draft) is not an order until the customer places it.",
        };
      }
      return { action: "apply", resource, remote: [body], map: mapOrder as never };
    case "products":
      return {
        action: "apply",
        resource,
        remote: [await reads.expandProduct(body as WooProduct, ctx)],
        map: mapProduct as never,
      };
  }
}

/**
 * A customer.created/updated body about a user who is not a customer here (store staff; another role without a paid
 * order: roles.ts). The body is the user as it was when the store sent it (late, maybe reordered), so the store says
 * how the user is now: a customer by now (paid since, role changed back), the body applies like any other; still
 * not one (or gone), a link we hold is removed like a deletion, at the store's `date_modified_gmt` of that user (a
 * later change revives it, ADR 0044), and with no link the delivery ends `ignored` with the reason.
 */
async function notCustomerDelivery(
  event: StoredWebhookEvent,
  id: string,
  body: unknown,
  ctx: PlatformContext,
  reads: WebhookReads,
): Promise<WebhookDecision> {
  const now = await reads.readUser(id, ctx);
  if (now && isCustomer(now)) {
    return { action: "apply", resource: "customers", remote: [body], map: mapCustomer as never };
  }
  return {
    action: "delete",
    resource: "customers",
    externalIds: [id],
    deletedAt: storeDate(now?.date_modified_gmt) ?? event.receivedAt,
    reason: notCustomerReason(now ?? body) ?? `User ${id} is not a customer of this store.`,
  };
}

function storeDate(value: string | null | undefined): Date | null {
  try {
    return parseGmt(value);
  } catch {
    return null;
  }
}
