/**
 * Which endpoints an event goes to: the shop's subscriptions made through GraphQL (matched by enum topic) and the
 * app's shopify.app.toml subscriptions (`uri` relative to the app URL), deduplicated by URL. Also the rules Shopify
 * applies to them: topics with protected customer data need approval, https:// only, and an API-created
 * subscription is deleted after 8 consecutive failed delivery attempts.
 */
import type { EmulatorContext, EmuShop } from "../model";
import type { TomlWebhookConfig } from "./toml";

/** A subscription after merging GraphQL and TOML sources. */
export interface ResolvedSubscription {
  /** REST topic, e.g. customers/update. */
  topic: string;
  url: string;
  source: "graphql" | "toml";
  /** True for compliance_topics entries of the TOML. */
  compliance: boolean;
  /** The GraphQL subscription's id (failure counting); null for TOML ones. */
  subscriptionId: bigint | null;
  /** The subscription's developer-given name (`X-Shopify-Name`), else null. */
  name: string | null;
}

/** Shopify deletes a subscription made through the API after this many consecutive failed attempts. */
export const MAX_CONSECUTIVE_FAILURES = 8;

/** Topics that are delivered even after the app was uninstalled from the shop. */
export const ALWAYS_DELIVERED = new Set([
  "app/uninstalled",
  "shop/redact",
  "customers/redact",
  "customers/data_request",
]);

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

/** REST topic (customers/update) → GraphQL enum (CUSTOMERS_UPDATE). The reverse is ambiguous, so match this way. */
export function topicToEnum(restTopic: string): string {
  return restTopic.replace(/\//g, "_").toUpperCase();
}

/**
 * Data topics whose payloads carry protected customer data (refused until the app is approved). The compliance
 * topics are not among them: every public app must receive customers/redact and customers/data_request.
 */
export function carriesProtectedData(restTopic: string): boolean {
  if ((COMPLIANCE_TOPICS as readonly string[]).includes(restTopic)) return false;
  return /^(customers|orders|draft_orders|checkouts|fulfillments|refunds)\//.test(restTopic);
}

/**
 * Where a delivery is really sent. Shopify only accepts https:// endpoints; a local app serves plain http behind a
 * TLS-terminating tunnel (what `shopify app dev` sets up). The emulator stands in for that tunnel: an https://
 * address on a loopback host (127.0.0.1, localhost, [::1]) is delivered over http to the same host and port.
 */
export function transportUrl(url: string): string {
  const m = /^https:\/\/(127\.0\.0\.1|localhost|\[::1\])([:/?#]|$)/i.exec(url);
  return m ? `http://${url.slice("https://".length)}` : url;
}

/** The subscriptions an event on `shop` for REST `topic` is delivered to. */
export function subscriptionsFor(
  ctx: EmulatorContext,
  toml: TomlWebhookConfig,
  shop: EmuShop,
  topic: string,
): ResolvedSubscription[] {
  if (ctx.app.protectedCustomerDataApproved === false && carriesProtectedData(topic)) return [];
  const result: ResolvedSubscription[] = [];
  const seen = new Set<string>();
  const add = (sub: ResolvedSubscription) => {
    if (seen.has(sub.url)) return;
    seen.add(sub.url);
    result.push(sub);
  };
  const enumTopic = topicToEnum(topic);
  for (const sub of shop.webhookSubscriptions.values()) {
    // Pub/Sub and EventBridge addresses are stored but cannot be reached from here.
    if (sub.topic !== enumTopic || !/^https?:/.test(sub.uri)) continue;
    add({
      topic,
      url: sub.uri,
      source: sub.source,
      compliance: false,
      subscriptionId: sub.id,
      name: sub.name ?? null,
    });
  }
  for (const sub of toml.subscriptions) {
    if (!sub.topics.includes(topic)) continue;
    let url: string;
    try {
      url = new URL(sub.uri, ctx.app.appUrl).toString();
    } catch {
      continue;
    }
    if (!/^https?:/.test(url)) continue;
    add({ topic, url, source: "toml", compliance: sub.compliance, subscriptionId: null, name: sub.name });
  }
  return result;
}

/**
 * Consecutive failed attempts per API-created subscription; at MAX_CONSECUTIVE_FAILURES Shopify deletes it.
 * A 2xx resets the count. Retries already scheduled still go out (Shopify retries to the address the webhook was
 * triggered for).
 */
export class FailureTracker {
  private readonly failures = new Map<string, number>();

  /** Records an attempt's outcome; returns true when the subscription was deleted because of it. */
  record(shop: EmuShop | undefined, subscriptionId: bigint | null, ok: boolean): boolean {
    if (!shop || subscriptionId === null) return false;
    const key = `${shop.domain} ${subscriptionId}`;
    if (ok) {
      this.failures.delete(key);
      return false;
    }
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    if (count < MAX_CONSECUTIVE_FAILURES) return false;
    this.failures.delete(key);
    const sub = shop.webhookSubscriptions.get(subscriptionId);
    if (!sub || sub.source !== "graphql") return false;
    shop.webhookSubscriptions.delete(subscriptionId);
    return true;
  }
}
