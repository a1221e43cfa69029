/**
 * What Shopify's refusals of a webhook subscription become in the maintenance report: the merchant's words and a
 * stable code (Integration.statusCode once flagged), which decides whether the store's page offers Reconnect
 * (app/lib/attention-cause.ts). A stand-in client answers the two calls; the emulator run is in
 * tests/integration/shopify-lifecycle.test.ts.
 */
import { describe, expect, it } from "vitest";
import { statusCodeCause } from "../../lib/attention-cause";
import type { ShopifyGraphqlClient } from "./client.server";
import { ensureWebhookSubscriptions, SYNC_WEBHOOK_TOPICS } from "./webhook-subscriptions.server";

/** A shop with no subscription whose every creation Shopify refuses with `message`. */
function refusing(message: string): ShopifyGraphqlClient {
  return {
    request: async (operation: string) => {
      if (operation === "WebhookSubscriptions")
        return { webhookSubscriptions: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } };
      if (operation === "WebhookSubscriptionCreate")
        return { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ message }] } };
      throw new Error(`unexpected Shopify call ${operation}`);
    },
  } as unknown as ShopifyGraphqlClient;
}

describe("a refused webhook subscription in the maintenance report", () => {
  it.each([
    ["access to the topic was not granted", "Access denied for topic", "webhooks_unregistered", "store"],
    [
      "an address that is not https",
      "Address protocol http:// is not supported",
      "webhook_address_refused",
      "app_setup",
    ],
    [
      "protected customer data not approved",
      "This app is not approved to subscribe to webhook topics containing protected customer data.",
      "shopify_protected_customer_data",
      "app_setup",
    ],
  ] as const)("GIVEN %s THEN each problem has its code", async (_what, message, code, cause) => {
    const report = await ensureWebhookSubscriptions(refusing(message), "https://app.example.com");
    expect(report.problems).toHaveLength(SYNC_WEBHOOK_TOPICS.length);
    expect(report.repaired).toEqual([]);
    for (const problem of report.problems) {
      expect(report.problemCodes?.[problem]).toBe(code);
      expect(statusCodeCause(report.problemCodes?.[problem])).toBe(cause);
    }
  });
});
