/**
 * Webhook mutations with WooCommerce's rules: valid topics, http(s) delivery URLs, a hidden 50-character secret
 * when none is given (the REST API never returns a secret), the failure count reset on re-activation.
 */
import { randomInt } from "node:crypto";
import { RestError, notInEnum } from "../errors";
import { str } from "./input";
import type { EmulatedWooWebhook, WebhookStatus } from "./records";
import type { StoreInput, WooStore } from "./store";

export const WEBHOOK_TOPICS = [
  "coupon.created",
  "coupon.updated",
  "coupon.deleted",
  "coupon.restored",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "order.created",
  "order.updated",
  "order.deleted",
  "order.restored",
  "product.created",
  "product.updated",
  "product.deleted",
  "product.restored",
];

const WEBHOOK_STATUSES: WebhookStatus[] = ["active", "paused", "disabled"];

/** The characters of `wp_generate_password(50, true, true)`, which makes the secret when none is sent. */
const PASSWORD_CHARS =
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|";

function generatedSecret(): string {
  let secret = "";
  for (let i = 0; i < 50; i++) secret += PASSWORD_CHARS[randomInt(PASSWORD_CHARS.length)];
  return secret;
}

function isValidTopic(topic: string): boolean {
  return WEBHOOK_TOPICS.includes(topic) || /^action\.[a-z0-9_]+$/i.test(topic);
}

/** wc_is_valid_url: an absolute http:// or https:// URL. */
function isValidDeliveryUrl(url: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function invalidDeliveryUrl(): RestError {
  return new RestError(
    400,
    "woocommerce_rest_shop_webhook_invalid_delivery_url",
    "Webhook delivery URL must be a valid URL starting with http:// or https://.",
  );
}

function assertWebhookStatus(status: string): asserts status is WebhookStatus {
  if (!WEBHOOK_STATUSES.includes(status as WebhookStatus)) {
    throw notInEnum("status", WEBHOOK_STATUSES);
  }
}

/** WooCommerce's answer to reading or updating a webhook id that does not exist: 400, not 404. */
export function webhookIdIsInvalid(): RestError {
  return new RestError(400, "woocommerce_rest_shop_webhook_invalid_id", "ID is invalid.");
}

export function createWebhook(store: WooStore, input: StoreInput, userId: number): EmulatedWooWebhook {
  const topic = str(input.topic).toLowerCase();
  if (!isValidTopic(topic)) {
    throw new RestError(
      400,
      "woocommerce_rest_shop_webhook_invalid_topic",
      "Webhook topic is required and must be valid.",
    );
  }
  const deliveryUrl = str(input.delivery_url);
  if (!isValidDeliveryUrl(deliveryUrl)) throw invalidDeliveryUrl();
  const status = str(input.status, "active");
  assertWebhookStatus(status);
  const now = store.nowMs();
  const webhook: EmulatedWooWebhook = {
    id: store.ids.webhook++,
    name: str(input.name) || defaultWebhookName(now),
    status,
    topic,
    deliveryUrl,
    secret: str(input.secret) || generatedSecret(),
    createdMs: now,
    modifiedMs: now,
    failureCount: 0,
    userId,
  };
  store.webhooks.set(webhook.id, webhook);
  store.version++;
  return webhook;
}

export function updateWebhook(store: WooStore, id: number, input: StoreInput): EmulatedWooWebhook {
  const webhook = store.webhooks.get(id);
  if (!webhook) throw webhookIdIsInvalid();
  if (input.topic) {
    const topic = str(input.topic).toLowerCase();
    if (!isValidTopic(topic)) {
      throw new RestError(400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic must be valid.");
    }
    webhook.topic = topic;
  }
  if (input.delivery_url) {
    const deliveryUrl = str(input.delivery_url);
    if (!isValidDeliveryUrl(deliveryUrl)) throw invalidDeliveryUrl();
    webhook.deliveryUrl = deliveryUrl;
  }
  if (input.name) webhook.name = str(input.name);
  if (input.secret) webhook.secret = str(input.secret);
  if (input.status) {
    const status = str(input.status);
    assertWebhookStatus(status);
    // Re-activating starts a fresh failure streak.
    if (status === "active" && webhook.status !== "active") webhook.failureCount = 0;
    webhook.status = status;
  }
  webhook.modifiedMs = store.nowMs();
  store.version++;
  return webhook;
}

export function deleteWebhook(store: WooStore, id: number): EmulatedWooWebhook {
  const webhook = store.webhooks.get(id);
  if (!webhook) throw new RestError(404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.");
  store.webhooks.delete(id);
  store.version++;
  return webhook;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The name the REST controller gives a webhook created without one: "Webhook created on " and PHP's
 * `(new DateTime('now'))->format('M d, Y @ h:i A')`, in UTC (WordPress sets PHP's default time zone to UTC).
 */
export function defaultWebhookName(nowMs: number): string {
  const d = new Date(nowMs);
  const two = (n: number) => String(n).padStart(2, "0");
  const hours = d.getUTCHours();
  const stamp = `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} @ ${two(hours % 12 || 12)}:${two(d.getUTCMinutes())} ${hours < 12 ? "AM" : "PM"}`;
  return `Webhook created on ${stamp}`;
}
