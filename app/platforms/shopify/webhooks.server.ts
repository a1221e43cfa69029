/**
 * Turns a stored Shopify webhook into a decision for the job runner (see WebhookDecision in app/sync/platform.ts).
 * Bodies are re-parsed from the stored raw payload so ids above 2^53 stay exact.
 *
 * - Orders and products: mapped from the REST-shaped body (the same records a sync would write; the engine's
 *   newest-wins rule keeps a late, older delivery from overwriting newer data). A product body carries only its
 *   first 100 variants in full (the rest by id in `variant_gids`): such a product is read through GraphQL instead,
 *   since the writer removes the variants an updated product no longer lists.
 * - Customers: the body lacks consent and tags since 2025-01, so the customer is read through GraphQL.
 * - app/uninstalled: Shopify may deliver it late — retried or delayed past a reinstall. So the stored token is tried
 *   first: if Shopify still accepts it, the app is installed again and the event is stale (ignored). Otherwise the
 *   shop's sessions are removed here (tokens are dead); the runner disconnects the integration and keeps its data
 *   until shop/redact. A reinstall can also land while this runs: only the sessions read before the check, still
 *   holding the same token, are removed; a session stored since means the app is installed again (ignored), and the
 *   runner asks that again just before it disconnects (ADR 0054 addendum).
 * - Compliance topics: forwarded to the compliance operations, with ids as GIDs.
 */
import type { AppDb, PlatformContext, StoredWebhookEvent, WebhookDecision } from "../../sync/platform";
import type { ShopifyGraphqlClient } from "./client.server";
import { parseJsonLossless } from "../../lib/json-lossless";
import { gidOf, optionalGidOf, type ShopifyIdType } from "./mapping/ids";
import { mapCustomerNode } from "./mapping/customers";
import { mapOrderWebhook } from "./mapping/orders";
import { carriesEveryVariant, mapProductNode, mapProductWebhook } from "./mapping/products";
import type {
  ShopifyCustomerNode,
  ShopifyProductNode,
  ShopifyRestOrder,
  ShopifyRestProduct,
} from "./mapping/types";
import { CUSTOMER_QUERY } from "./queries/customers";
import { PRODUCT_QUERY } from "./queries/products";
import { completeChildren } from "./readers/pages.server";
import { storedAccessRefusal } from "./stored-access.server";
import { RESOURCE_SPECS } from "./readers/specs";
import type { StoredSessionRow } from "./session-storage.server";

export interface WebhookDeps {
  clientFor(ctx: PlatformContext): ShopifyGraphqlClient;
  shopCurrency(ctx: PlatformContext, client: ShopifyGraphqlClient): Promise<string>;
  /** The shop's stored sessions (offline and online) as they are now: ids and sealed tokens. */
  readSessions(db: AppDb, shop: string): Promise<StoredSessionRow[]>;
  /**
   * Removes the sessions still as read (same id, same sealed token) and returns how many the shop has left: any left
   * was stored since the read.
   */
  removeSessions(db: AppDb, shop: string, read: StoredSessionRow[]): Promise<number>;
  /** How many sessions the shop has stored. */
  countSessions(db: AppDb, shop: string): Promise<number>;
}

/** Why an app/uninstalled leaves the store connected when the app was installed again while it was processed. */
export const REINSTALLED_WHILE_UNINSTALLING =
  "The app was reinstalled while this uninstall was processed (Shopify granted new access): the store stays connected.";

type Body = Record<string, unknown> & { id?: string | number; admin_graphql_api_id?: string };

function recordGid(type: ShopifyIdType, body: Body): string {
  if (typeof body.admin_graphql_api_id === "string") return body.admin_graphql_api_id;
  if (body.id === undefined) throw new Error(`The webhook body names no ${type}.`);
  return gidOf(type, body.id);
}

/** The record a webhook is about (orders a store's events for one record), or null. */
export function webhookResourceId(topic: string, body: unknown): string | null {
  const b = (body ?? {}) as Body;
  const type = topicResource(topic);
  if (!type) return typeof b.admin_graphql_api_id === "string" ? b.admin_graphql_api_id : null;
  try {
    return recordGid(type, b);
  } catch {
    return null;
  }
}

function topicResource(topic: string): ShopifyIdType | null {
  if (topic.startsWith("customers/") && !topic.endsWith("redact") && !topic.endsWith("data_request"))
    return "Customer";
  if (topic.startsWith("orders/")) return "Order";
  if (topic.startsWith("products/")) return "Product";
  return null;
}

interface ComplianceBody {
  customer?: { id?: string | number | null; email?: string | null } | null;
  orders_to_redact?: Array<string | number>;
  orders_requested?: Array<string | number>;
  data_request?: { id?: string | number | null } | null;
}

function complianceDecision(topic: string, body: ComplianceBody): WebhookDecision {
  if (topic === "shop/redact") return { action: "compliance", request: { kind: "shop_redact" } };
  const customerExternalId = optionalGidOf("Customer", body.customer?.id ?? null);
  const email = body.customer?.email ?? null;
  if (topic === "customers/redact") {
    return {
      action: "compliance",
      request: {
        kind: "customer_redact",
        customerExternalId,
        email,
        orderExternalIds: (body.orders_to_redact ?? []).map((id) => gidOf("Order", id)),
      },
    };
  }
  return {
    action: "compliance",
    request: {
      kind: "customer_data_request",
      customerExternalId,
      email,
      orderExternalIds: (body.orders_requested ?? []).map((id) => gidOf("Order", id)),
      dataRequestId:
        body.data_request?.id === undefined || body.data_request?.id === null
          ? null
          : String(body.data_request.id),
    },
  };
}

/** The decision for one stored webhook. Throws (the job retries) when a needed read from Shopify fails. */
export async function decideWebhook(
  deps: WebhookDeps,
  event: StoredWebhookEvent,
  ctx: PlatformContext | null,
): Promise<WebhookDecision> {
  const body = parseJsonLossless(event.payload) as Body;
  const topic = event.topic;
  switch (topic) {
    case "customers/redact":
    case "customers/data_request":
    case "shop/redact":
      return complianceDecision(topic, body as ComplianceBody);
    case "app/uninstalled":
      return ctx ? decideUninstalled(deps, event.storeKey, ctx) : { action: "uninstalled" };
    case "bulk_operations/finish":
      // The waiting reader looks for this event itself (it is stored under the operation's id).
      return {
        action: "done",
        note: `Bulk operation ${String(body.admin_graphql_api_id)} ended ${String(body.status)}`,
      };
  }
  if (!ctx) return { action: "ignore", reason: `No connected store matches ${event.storeKey}.` };
  if (ctx.integration.status === "disconnected") {
    return {
      action: "ignore",
      reason: "The store is disconnected from Commerce Sync; its changes are not synced.",
    };
  }
  switch (topic) {
    case "customers/create":
    case "customers/update": {
      const client = deps.clientFor(ctx);
      const data = await client.request<{ customer: ShopifyCustomerNode | null }>(
        "Customer",
        CUSTOMER_QUERY,
        {
          id: recordGid("Customer", body),
        },
      );
      if (!data.customer) return { action: "ignore", reason: "The customer no longer exists in Shopify." };
      return { action: "apply", resource: "customers", remote: [data.customer], map: mapCustomerNode };
    }
    case "orders/create":
    case "orders/updated":
    case "orders/fulfilled":
    case "orders/paid":
    case "orders/cancelled":
      return {
        action: "apply",
        resource: "orders",
        remote: [body],
        map: (b: ShopifyRestOrder) => mapOrderWebhook(b),
      };
    case "products/create":
    case "products/update": {
      const client = deps.clientFor(ctx);
      const currency = await deps.shopCurrency(ctx, client);
      if (carriesEveryVariant(body as unknown as ShopifyRestProduct)) {
        return {
          action: "apply",
          resource: "products",
          remote: [body],
          map: (b: ShopifyRestProduct) => mapProductWebhook(b, currency),
        };
      }
      // More than 100 variants: the body lists the rest by id only, so the whole product is read.
      const product = await readWholeProduct(client, recordGid("Product", body));
      if (!product) return { action: "ignore", reason: "The product no longer exists in Shopify." };
      return {
        action: "apply",
        resource: "products",
        remote: [product],
        map: (n: ShopifyProductNode) => mapProductNode(n, currency),
      };
    }
    case "customers/delete":
      return { action: "delete", resource: "customers", externalIds: [recordGid("Customer", body)] };
    case "orders/delete":
      return { action: "delete", resource: "orders", externalIds: [recordGid("Order", body)] };
    case "products/delete":
      return { action: "delete", resource: "products", externalIds: [recordGid("Product", body)] };
    default:
      return { action: "ignore", reason: `Commerce Sync does not use ${topic} webhooks.` };
  }
}

/**
 * app/uninstalled. The sessions are read before the token check, so that only what Shopify refused is removed: a
 * reinstall that stores a new token after the check (the merchant uninstalls and installs again within seconds) makes
 * another ciphertext, which stays — and is the sign the app is installed again. The runner asks once more just before
 * it disconnects the store (`reinstalled`), for a reinstall landing after the removal.
 */
async function decideUninstalled(
  deps: WebhookDeps,
  shop: string,
  ctx: PlatformContext,
): Promise<WebhookDecision> {
  const read = await deps.readSessions(ctx.db, shop);
  if (await storedTokenWorks(deps.clientFor(ctx))) {
    return {
      action: "ignore",
      reason:
        "A late app/uninstalled: the app was reinstalled since (Shopify still accepts its access), so the " +
        "store stays connected.",
    };
  }
  // The tokens died with the install; a reinstall stores new ones.
  if ((await deps.removeSessions(ctx.db, shop, read)) > 0) {
    return { action: "ignore", reason: REINSTALLED_WHILE_UNINSTALLING };
  }
  return {
    action: "uninstalled",
    reinstalled: async () =>
      (await deps.countSessions(ctx.db, shop)) > 0 ? REINSTALLED_WHILE_UNINSTALLING : null,
  };
}

/**
 * Whether Shopify still accepts the shop's stored access token. A refused or missing token means the app is not
 * installed; any other failure is thrown, so the event is tried again rather than disconnecting a store that may well
 * be installed.
 */
async function storedTokenWorks(client: ShopifyGraphqlClient): Promise<boolean> {
  return (await storedAccessRefusal(client)) === null;
}

/** One product through GraphQL with every variant (the first page, then the rest as a page read completes them). */
async function readWholeProduct(
  client: ShopifyGraphqlClient,
  id: string,
): Promise<ShopifyProductNode | null> {
  const variants = RESOURCE_SPECS.products.child!;
  type Node = ShopifyProductNode & Record<string, unknown> & { id: string };
  const data = await client.request<{ product: Node | null }>("Product", PRODUCT_QUERY, {
    id,
    variants: variants.followUpPageSize,
  });
  if (!data.product) return null;
  await completeChildren(client, variants, [data.product]);
  return data.product;
}
