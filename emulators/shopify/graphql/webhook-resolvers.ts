/**
 * Webhook subscriptions over GraphQL: `webhookSubscriptions`, `webhookSubscriptionCreate` / `Delete`. Addresses go
 * in `uri` (2026-07) or the deprecated `callbackUrl`; only https://, pubsub:// and arn:aws:events: addresses are
 * accepted ("Address protocol http:// is not supported"). Without protected customer data approval, topics that
 * carry customer data (customers/*, orders/*) are refused with Shopify's message.
 */
import type { EmuWebhookSubscription } from "../model";
import { parseGid } from "../model";
import { nextId } from "../seed/store";
import { paginate, type PageArgs } from "./connection";
import type { GqlContext } from "./context";
import { WebhookSubscriptionNode } from "./objects";

export const PROTECTED_TOPIC_MESSAGE =
  "This app is not approved to subscribe to webhook topics containing protected customer data. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.";

/** Topics whose payloads carry protected customer data. */
export function isProtectedTopic(enumTopic: string): boolean {
  return /^(CUSTOMERS|ORDERS|CUSTOMER|ORDER|DRAFT_ORDERS|CHECKOUTS|FULFILLMENTS|REFUNDS)_/.test(enumTopic);
}

const userError = (field: string[], message: string) => ({ field, message });

interface SubscriptionInput {
  uri?: string | null;
  callbackUrl?: string | null;
  format?: string | null;
  name?: string | null;
}

/** Why an address is refused, or null when it is acceptable. */
export function addressError(address: string): string | null {
  if (/^http:\/\//i.test(address)) return "Address protocol http:// is not supported";
  if (/^https:\/\/[^/\s]+/i.test(address)) {
    try {
      new URL(address);
      return null;
    } catch {
      return "Address is invalid";
    }
  }
  if (/^pubsub:\/\/[a-z][a-z0-9-]*:[A-Za-z0-9._~%+-]+$/.test(address)) return null;
  if (/^arn:aws:events:[a-z0-9-]+::event-source\/\S+$/.test(address)) return null;
  return "Address is invalid";
}

export function webhookResolvers(ctx: GqlContext) {
  const shop = ctx.shop;
  return {
    webhookSubscriptions: (
      args: PageArgs & { topics?: string[] | null; callbackUrl?: string | null; uri?: string | null },
    ) => {
      const address = args.uri ?? args.callbackUrl;
      const subs = [...shop.webhookSubscriptions.values()]
        .filter((s) => !args.topics || args.topics.includes(s.topic))
        .filter((s) => !address || s.uri === address)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      return paginate(
        subs,
        (s) => [s.id, s.id],
        args,
        (s) => new WebhookSubscriptionNode(s),
      );
    },
    webhookSubscriptionsCount: (args: { limit?: number | null }) => {
      const n = shop.webhookSubscriptions.size;
      const limit = args.limit === undefined ? 10_000 : args.limit;
      return limit !== null && n > limit
        ? { count: limit, precision: "AT_LEAST" }
        : { count: n, precision: "EXACT" };
    },
    webhookSubscriptionCreate: (args: { topic: string; webhookSubscription: SubscriptionInput }) => {
      const input = args.webhookSubscription;
      const field = ["webhookSubscription", input.uri != null ? "uri" : "callbackUrl"];
      const address = (input.uri ?? input.callbackUrl ?? "").trim();
      if (!address)
        return { webhookSubscription: null, userErrors: [userError(field, "Address can't be blank")] };
      const refused = addressError(address);
      if (refused) return { webhookSubscription: null, userErrors: [userError(field, refused)] };
      if (ctx.emu.app.protectedCustomerDataApproved === false && isProtectedTopic(args.topic)) {
        return { webhookSubscription: null, userErrors: [userError(["topic"], PROTECTED_TOPIC_MESSAGE)] };
      }
      for (const s of shop.webhookSubscriptions.values()) {
        if (s.topic === args.topic && s.uri === address) {
          return {
            webhookSubscription: null,
            userErrors: [userError(field, "Address for this topic has already been taken")],
          };
        }
      }
      const now = ctx.emu.now();
      const sub: EmuWebhookSubscription = {
        id: nextId(shop),
        topic: args.topic,
        uri: address,
        name: input.name ?? null,
        format: "JSON",
        source: "graphql",
        apiVersion: ctx.apiVersion,
        createdAt: now,
        updatedAt: now,
      };
      shop.webhookSubscriptions.set(sub.id, sub);
      return { webhookSubscription: new WebhookSubscriptionNode(sub), userErrors: [] };
    },
    webhookSubscriptionDelete: (args: { id: string }) => {
      const parsed = parseGid(args.id);
      if (!parsed || !shop.webhookSubscriptions.delete(parsed.id)) {
        return {
          deletedWebhookSubscriptionId: null,
          userErrors: [userError(["id"], "Webhook subscription does not exist")],
        };
      }
      return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
    },
  };
}
