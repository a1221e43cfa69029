/**
 * Shop-scoped webhook subscriptions, made to exist through the Admin API.
 *
 * shopify.app.toml declares the app-scoped subscriptions, which Shopify applies to every shop; the API cannot list
 * them. The data topics the sync depends on are also subscribed per shop through GraphQL (`uri` = the app's
 * `/api/webhooks/shopify`), because those are the subscriptions the app can see and repair: Shopify deletes them on
 * uninstall and after 8 consecutive failed deliveries. A delivery that arrives through both is stored once (same
 * X-Shopify-Event-Id). Checked at install and before every scheduled reconcile; see ADR 0017.
 */
import { addProblem, type WebhookMaintenanceReport } from "../../sync/platform";
import type { ShopifyGraphqlClient } from "./client.server";
import { ShopifyProtectedDataError } from "./errors";
import {
  WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
  WEBHOOK_SUBSCRIPTION_DELETE_MUTATION,
  WEBHOOK_SUBSCRIPTIONS_QUERY,
} from "./queries/webhooks";

/** The data topics the sync needs, as REST topics (the toml's spelling) — kept equal to the toml by a test. */
export const SYNC_WEBHOOK_TOPICS = [
  "customers/create",
  "customers/update",
  "customers/delete",
  "orders/create",
  "orders/updated",
  "orders/fulfilled",
  "orders/delete",
  "products/create",
  "products/update",
  "products/delete",
] as const;

/** Path of the route receiving every data topic. */
export const DATA_WEBHOOK_PATH = "/api/webhooks/shopify";

/**
 * The address Shopify delivers data topics to. Shopify accepts only https:// endpoints; an app running locally on
 * plain http at a loopback address is reached through a TLS-terminating tunnel (what `shopify app dev` sets up, and
 * what the local emulator stands in for), so its address is given as https on the same host and port.
 */
export function dataWebhookUri(appUrl: string): string {
  const url = new URL(DATA_WEBHOOK_PATH, appUrl);
  if (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    url.protocol = "https:";
  return url.toString();
}

/** `orders/updated` → `ORDERS_UPDATED` (WebhookSubscriptionTopic). */
export function topicEnumOf(topic: string): string {
  return topic.replace(/\//g, "_").toUpperCase();
}

interface Subscription {
  id: string;
  topic: string;
  uri: string;
}

async function listSubscriptions(
  client: ShopifyGraphqlClient,
  signal?: AbortSignal,
): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let after: string | null = null;
  for (;;) {
    const data: {
      webhookSubscriptions: {
        nodes: Subscription[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = await client.request(
      "WebhookSubscriptions",
      WEBHOOK_SUBSCRIPTIONS_QUERY,
      { first: 100, after },
      { signal },
    );
    all.push(...data.webhookSubscriptions.nodes);
    if (!data.webhookSubscriptions.pageInfo.hasNextPage) return all;
    after = data.webhookSubscriptions.pageInfo.endCursor;
  }
}

/** A userError in words a merchant (or the person deploying the app) can act on, with its stable code. */
function problemOf(topic: string, message: string): { problem: string; code: string } {
  if (/protected customer data|not approved/i.test(message)) {
    const error = new ShopifyProtectedDataError(`the ${topic} webhook`);
    return { problem: error.message, code: error.code };
  }
  if (/protocol/i.test(message)) {
    return {
      problem: `Shopify refused the webhook address for ${topic}: ${message} The app's public URL (SHOPIFY_APP_URL) must start with https://.`,
      code: "webhook_address_refused",
    };
  }
  // Most often a topic whose access scope the shop did not grant: approving the app's access again mends it.
  return {
    problem: `Shopify refused the ${topic} webhook subscription: ${message}`,
    code: "webhooks_unregistered",
  };
}

/** Makes every data-topic subscription exist at `${appUrl}/api/webhooks/shopify`; reports what it found and did. */
export async function ensureWebhookSubscriptions(
  client: ShopifyGraphqlClient,
  appUrl: string,
  signal?: AbortSignal,
): Promise<WebhookMaintenanceReport> {
  const uri = dataWebhookUri(appUrl);
  const existing = await listSubscriptions(client, signal);
  const report: WebhookMaintenanceReport = { healthy: [], repaired: [], gapSuspected: false, problems: [] };
  for (const topic of SYNC_WEBHOOK_TOPICS) {
    const topicEnum = topicEnumOf(topic);
    const same = existing.filter((s) => s.topic === topicEnum);
    if (same.some((s) => s.uri === uri)) {
      report.healthy.push(topic);
      continue;
    }
    const data = await client.request<{
      webhookSubscriptionCreate: {
        webhookSubscription: Subscription | null;
        userErrors: Array<{ message: string }>;
      };
    }>(
      "WebhookSubscriptionCreate",
      WEBHOOK_SUBSCRIPTION_CREATE_MUTATION,
      { topic: topicEnum, uri },
      { signal },
    );
    const errors = data.webhookSubscriptionCreate.userErrors;
    if (errors.length > 0 || !data.webhookSubscriptionCreate.webhookSubscription) {
      const { problem, code } = problemOf(topic, errors[0]?.message ?? "no subscription was created");
      addProblem(report, problem, code);
      continue;
    }
    // A subscription of this topic pointing elsewhere (an old app URL) is replaced by the new one.
    for (const stale of same) await deleteSubscription(client, stale.id, signal);
    report.repaired.push({
      topic,
      action: same.length > 0 ? "recreated" : "created",
      reason: same.length > 0 ? "it pointed to another address" : "it did not exist",
    });
    report.gapSuspected = true;
  }
  return report;
}

async function deleteSubscription(
  client: ShopifyGraphqlClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  await client.request("WebhookSubscriptionDelete", WEBHOOK_SUBSCRIPTION_DELETE_MUTATION, { id }, { signal });
}

/** Removes the subscriptions this app made for the shop (merchant-initiated disconnect). */
export async function removeWebhookSubscriptions(
  client: ShopifyGraphqlClient,
  signal?: AbortSignal,
): Promise<number> {
  const existing = await listSubscriptions(client, signal);
  for (const s of existing) await deleteSubscription(client, s.id, signal);
  return existing.length;
}
