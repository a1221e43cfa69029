/** `node(id:)` / `nodes(ids:)`: any supported GID of the shop, with the scope its type needs. */
import { GraphQLError } from "graphql";
import { parseGid } from "../model";
import { findVariant } from "../store/views";
import { bulkOperationView } from "./bulk-resolvers";
import { hasScope, orderVisible, type GqlContext } from "./context";
import { accessDenied } from "./errors";
import {
  CustomerNode,
  OrderNode,
  ProductNode,
  ShopNode,
  VariantNode,
  WebhookSubscriptionNode,
} from "./objects";

/** Throws ACCESS_DENIED (the field resolves to null) when the token lacks `scope`. */
export function requireScope(ctx: GqlContext, field: string, scope: string): void {
  if (!hasScope(ctx.access, scope)) throw accessDenied(field, scope);
}

/** Resolves any supported GID for node/nodes (null when unknown or not visible; ACCESS_DENIED without scope). */
export function resolveNode(ctx: GqlContext, id: string, field: string): unknown {
  const parsed = parseGid(id);
  if (!parsed)
    throw new GraphQLError(`Invalid global id '${id}'`, {
      extensions: { code: "argumentLiteralsIncompatible" },
    });
  const shop = ctx.shop;
  switch (parsed.type) {
    case "Customer": {
      requireScope(ctx, field, "read_customers");
      const c = shop.customers.get(parsed.id);
      return c ? new CustomerNode(shop, c) : null;
    }
    case "Order": {
      requireScope(ctx, field, "read_orders");
      const o = shop.orders.get(parsed.id);
      return o && orderVisible(ctx, o.createdAt) ? new OrderNode(shop, o) : null;
    }
    case "Product": {
      requireScope(ctx, field, "read_products");
      const p = shop.products.get(parsed.id);
      return p ? new ProductNode(shop, p) : null;
    }
    case "ProductVariant": {
      requireScope(ctx, field, "read_products");
      const hit = findVariant(shop, parsed.id);
      return hit ? new VariantNode(shop, hit.product, hit.variant) : null;
    }
    case "BulkOperation": {
      const op = ctx.bulk.get(shop, parsed.id);
      return op ? bulkOperationView(op) : null;
    }
    case "WebhookSubscription": {
      const s = shop.webhookSubscriptions.get(parsed.id);
      return s ? new WebhookSubscriptionNode(s) : null;
    }
    case "Shop":
      return parsed.id === shop.id ? new ShopNode(shop) : null;
    default:
      return null;
  }
}
