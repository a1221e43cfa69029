/**
 * Shopify product (with its variants) → our product, from a GraphQL node (page query or bulk lines joined by the
 * reader) or from a products/create|update webhook body. Prices are in the shop's currency, which neither a variant
 * nor a REST body names: the caller passes it (read once from the shop). Min and max price come from the variants, so
 * both sources agree. Pure.
 */
import { toMinorUnits } from "../../../lib/money";
import type { ProductRecord, ProductVariantRecord } from "../../../sync/types";
import { gidOf } from "./ids";
import { optionalDate, requireDate } from "./time";
import type { ShopifyProductNode, ShopifyRestProduct, ShopifyRestVariant, ShopifyVariantNode } from "./types";

function priceRange(variants: ProductVariantRecord[]): { min: bigint | null; max: bigint | null } {
  let min: bigint | null = null;
  let max: bigint | null = null;
  for (const v of variants) {
    if (v.priceMinor === null) continue;
    if (min === null || v.priceMinor < min) min = v.priceMinor;
    if (max === null || v.priceMinor > max) max = v.priceMinor;
  }
  return { min, max };
}

function product(
  base: Omit<ProductRecord, "minPriceMinor" | "maxPriceMinor" | "variants" | "currency">,
  variants: ProductVariantRecord[],
  currency: string,
): ProductRecord {
  const range = priceRange(variants);
  return { ...base, currency, minPriceMinor: range.min, maxPriceMinor: range.max, variants };
}

function variantOfNode(v: ShopifyVariantNode, currency: string): ProductVariantRecord {
  return {
    externalId: v.id,
    title: v.title,
    sku: v.sku?.trim() || null,
    priceMinor: v.price === null || v.price === undefined ? null : toMinorUnits(v.price, currency),
    externalUpdatedAt: optionalDate(v.updatedAt, "variant updatedAt"),
  };
}

/** Maps a product node whose variants are in `variants.nodes`. */
export function mapProductNode(node: ShopifyProductNode, shopCurrency: string): ProductRecord {
  if (!node?.id) throw new Error("The product has no id.");
  return product(
    {
      externalId: node.id,
      title: node.title,
      status: node.status.toLowerCase(),
      vendor: node.vendor || null,
      productType: node.productType || null,
      handle: node.handle || null,
      externalUpdatedAt: requireDate(node.updatedAt, "updatedAt"),
    },
    (node.variants?.nodes ?? []).map((v) => variantOfNode(v, shopCurrency)),
    shopCurrency,
  );
}

function variantOfRest(v: ShopifyRestVariant, currency: string): ProductVariantRecord {
  return {
    externalId: v.admin_graphql_api_id ?? gidOf("ProductVariant", v.id),
    title: v.title,
    sku: v.sku?.trim() || null,
    priceMinor: v.price === null || v.price === undefined ? null : toMinorUnits(v.price, currency),
    externalUpdatedAt: optionalDate(v.updated_at, "variant updated_at"),
  };
}

/**
 * Variants a products/create or products/update body carries in full: Shopify sends the first 100 and lists every
 * variant only in `variant_gids` (webhook topic descriptions, 2025-04 and 2026-04).
 */
const WEBHOOK_FULL_VARIANTS = 100;

/**
 * Whether a product webhook body carries every variant of the product in full. When it does not, mapping it would
 * drop the variants past the 100th (the writer removes variants an updated product no longer lists): the product is
 * read through GraphQL instead. Without `variant_gids`, a body with 100 variants cannot tell, so it does not count.
 */
export function carriesEveryVariant(body: ShopifyRestProduct): boolean {
  const full = body.variants?.length ?? 0;
  if (Array.isArray(body.variant_gids)) return body.variant_gids.length <= full;
  return full < WEBHOOK_FULL_VARIANTS;
}

/** Maps a products/create or products/update body (parsed with parseJsonLossless). */
export function mapProductWebhook(body: ShopifyRestProduct, shopCurrency: string): ProductRecord {
  if (!body?.id) throw new Error("The product has no id.");
  return product(
    {
      externalId: body.admin_graphql_api_id ?? gidOf("Product", body.id),
      title: body.title,
      status: (body.status ?? "active").toLowerCase(),
      vendor: body.vendor || null,
      productType: body.product_type || null,
      handle: body.handle || null,
      externalUpdatedAt: requireDate(body.updated_at, "updated_at"),
    },
    (body.variants ?? []).map((v) => variantOfRest(v, shopCurrency)),
    shopCurrency,
  );
}
