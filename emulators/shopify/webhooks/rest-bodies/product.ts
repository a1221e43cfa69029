/** products/* bodies. */
import { gid, type EmuProduct, type EmuShop } from "../../model";
import { formatShopTime, type Json } from "./format";

/**
 * Variants a product webhook carries in full (Shopify's topic description, 2025-04 and 2026-04: "a full variants
 * payload for the first 100 records"; the rest only in `variant_gids`).
 */
export const WEBHOOK_FULL_VARIANTS = 100;

/**
 * products/create|update body: the first {@link WEBHOOK_FULL_VARIANTS} variants (by position) in full, and every
 * variant's id in `variant_gids`, the most recently updated first.
 */
export function productToRest(shop: EmuShop, p: EmuProduct): Json {
  const tz = shop.ianaTimezone;
  const variants = [...p.variants].sort((a, b) => a.position - b.position);
  const byUpdate = [...p.variants].sort(
    (a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return {
    admin_graphql_api_id: gid("Product", p.id),
    body_html: p.descriptionHtml,
    created_at: formatShopTime(p.createdAt, tz),
    handle: p.handle,
    id: p.id,
    product_type: p.productType,
    published_at: formatShopTime(p.publishedAt, tz),
    template_suffix: null,
    title: p.title,
    updated_at: formatShopTime(p.updatedAt, tz),
    vendor: p.vendor,
    status: p.status.toLowerCase(),
    published_scope: "web",
    tags: p.tags.join(", "),
    variants: variants.slice(0, WEBHOOK_FULL_VARIANTS).map((v) => ({
      admin_graphql_api_id: gid("ProductVariant", v.id),
      barcode: null,
      compare_at_price: v.compareAtPrice,
      created_at: formatShopTime(v.createdAt, tz),
      id: v.id,
      inventory_policy: "deny",
      position: v.position,
      price: v.price,
      product_id: p.id,
      sku: v.sku,
      taxable: true,
      title: v.title,
      updated_at: formatShopTime(v.updatedAt, tz),
      option1: v.title,
      option2: null,
      option3: null,
      image_id: null,
      inventory_item_id: null,
      inventory_quantity: v.inventoryQuantity,
      old_inventory_quantity: v.inventoryQuantity,
    })),
    options: [],
    images: [],
    image: null,
    media: [],
    variant_gids: byUpdate.map((v) => ({
      admin_graphql_api_id: gid("ProductVariant", v.id),
      updated_at: v.updatedAt.toISOString(),
    })),
    has_variants_that_requires_components: false,
    category: null,
  };
}
