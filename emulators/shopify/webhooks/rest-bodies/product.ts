/** products/* bodies. */
import { gid, type EmuProduct, type EmuShop } from "../../model";
import { formatShopTime, type Json } from "./format";

/** products/create|update body with variants. */
export function productToRest(shop: EmuShop, p: EmuProduct): Json {
  const tz = shop.ianaTimezone;
  const variants = [...p.variants].sort((a, b) => a.position - b.position);
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
    variants: variants.map((v) => ({
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
    variant_gids: variants.map((v) => ({
      admin_graphql_api_id: gid("ProductVariant", v.id),
      updated_at: v.updatedAt.toISOString(),
    })),
    has_variants_that_requires_components: false,
    category: null,
  };
}
