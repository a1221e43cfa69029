/**
 * Shopify ids. Records are keyed by their GID (`gid://shopify/Order/820982911946154508`), the form GraphQL and bulk
 * output give and REST-shaped webhook bodies carry as `admin_graphql_api_id`. Numeric ids (REST `product_id`,
 * compliance bodies) are turned into the same GID losslessly: they arrive as strings or bigints, never rounded numbers.
 */

export type ShopifyIdType =
  "Customer" | "Order" | "LineItem" | "Product" | "ProductVariant" | "BulkOperation" | "WebhookSubscription";

export class ShopifyIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShopifyIdError";
  }
}

/** `("Order", "123")` → `gid://shopify/Order/123`. Accepts a numeric id as string, bigint or safe integer. */
export function gidOf(type: ShopifyIdType, id: string | number | bigint): string {
  if (typeof id === "number" && !Number.isSafeInteger(id)) {
    throw new ShopifyIdError(`The ${type} id ${id} was rounded before it reached the app (above 2^53).`);
  }
  const text = String(id);
  if (text.startsWith("gid://")) return text;
  if (!/^\d+$/.test(text)) throw new ShopifyIdError(`"${text}" is not a Shopify ${type} id.`);
  return `gid://shopify/${type}/${text}`;
}

/** Same as gidOf for an optional id: null/undefined (and REST's 0 for "none") give null. */
export function optionalGidOf(
  type: ShopifyIdType,
  id: string | number | bigint | null | undefined,
): string | null {
  if (id === null || id === undefined || id === "" || id === 0 || id === "0") return null;
  return gidOf(type, id);
}

/** The numeric part of a GID as a decimal string: `gid://shopify/Order/123` → `"123"`. */
export function legacyIdOf(gid: string): string {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/.exec(gid);
  if (!match) throw new ShopifyIdError(`"${gid}" is not a Shopify GID.`);
  return match[1];
}
