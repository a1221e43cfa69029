/**
 * Product and variation mutations. Force-deleting a product (or a variation) leaves past orders pointing at
 * nothing, as on a real store: their line items read `product_id: 0` (`variation_id: 0`) and `sku: null`, and the
 * orders' dates do not move.
 */
import { slugify } from "../../shared/names";
import { RestError, notInEnum } from "../errors";
import { applyMeta, emitCreated, str, trash } from "./input";
import { parseCents, wcFormatDecimal, type EmulatedWooProduct, type EmulatedWooVariation } from "./records";
import type { StoreInput, WooStore } from "./store";

const UNCATEGORIZED = { id: 15, name: "Uncategorized", slug: "uncategorized" };

function assertSkuFree(store: WooStore, sku: string, exceptId: number): void {
  if (!sku) return;
  for (const records of [store.products, store.variations] as Map<number, { id: number; sku: string }>[]) {
    for (const record of records.values()) {
      if (record.id !== exceptId && record.sku === sku)
        throw new RestError(400, "product_invalid_sku", "Invalid or duplicated SKU.");
    }
  }
}

function mustGetVariation(
  store: WooStore,
  productId: number,
  id: number,
  status: number,
): EmulatedWooVariation {
  const variation = store.variations.get(id);
  if (!variation || variation.parentId !== productId) {
    throw new RestError(status, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
  }
  return variation;
}

/** Zeroes the product (or variation) ids of every past line item that points at a deleted record. */
function orphanLineItems(store: WooStore, productIds: Set<number>, variationIds: Set<number>): void {
  for (const order of store.orders.values()) {
    for (const li of order.lineItems) {
      if (productIds.has(li.productId)) li.productId = 0;
      if (variationIds.has(li.variationId)) li.variationId = 0;
    }
  }
}

/** Creates a simple or variable product; fires product.created and product.updated. */
export function createProduct(store: WooStore, input: StoreInput): EmulatedWooProduct {
  if (input.id)
    throw new RestError(400, "woocommerce_rest_product_exists", "Cannot create existing product.");
  const type = str(input.type, "simple");
  if (type !== "simple" && type !== "variable") {
    throw notInEnum("type", ["simple", "grouped", "external", "variable"]);
  }
  const sku = str(input.sku);
  assertSkuFree(store, sku, 0);
  const now = store.nowMs();
  const name = str(input.name, "Product");
  const product: EmulatedWooProduct = {
    id: store.ids.post++,
    name,
    slug: str(input.slug) || slugify(name) || "product",
    type,
    status: str(input.status, "publish"),
    featured: input.featured === true,
    description: str(input.description),
    shortDescription: str(input.short_description),
    sku,
    regularPriceCents: null,
    salePriceCents: null,
    createdMs: now,
    modifiedMs: now,
    manageStock: input.manage_stock === true,
    stockQuantity: input.stock_quantity === undefined ? null : Number(input.stock_quantity),
    totalSales: 0,
    categories: [{ ...UNCATEGORIZED }],
    attributes: [],
    variationIds: [],
    weight: str(input.weight),
    metaData: [],
  };
  if (type !== "variable") setPrices(product, input);
  if (Array.isArray(input.attributes)) {
    product.attributes = input.attributes.map((raw, index) => {
      const a = (raw ?? {}) as StoreInput;
      const attrName = str(a.name);
      return {
        id: Number(a.id ?? 0),
        name: attrName,
        slug: slugify(attrName),
        position: Number(a.position ?? index),
        visible: a.visible !== false,
        variation: a.variation === true,
        options: Array.isArray(a.options) ? a.options.map((o) => str(o)) : [],
      };
    });
  }
  applyMeta(store, product.metaData, input.meta_data);
  store.products.set(product.id, product);
  store.version++;
  emitCreated(store, "product", product.id);
  return product;
}

/** Updates a product; fires product.updated. */
export function updateProduct(store: WooStore, id: number, input: StoreInput): EmulatedWooProduct {
  const product = store.products.get(id);
  if (!product) throw new RestError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.");
  if (input.sku !== undefined) {
    assertSkuFree(store, str(input.sku), id);
    product.sku = str(input.sku);
  }
  if (input.name !== undefined) product.name = str(input.name);
  if (input.slug !== undefined) product.slug = str(input.slug);
  if (input.status !== undefined) product.status = str(input.status);
  if (input.featured !== undefined) product.featured = input.featured === true;
  if (input.description !== undefined) product.description = str(input.description);
  if (input.short_description !== undefined) product.shortDescription = str(input.short_description);
  if (product.type === "simple") setPrices(product, input);
  if (input.manage_stock !== undefined) product.manageStock = input.manage_stock === true;
  if (input.stock_quantity !== undefined) product.stockQuantity = Number(input.stock_quantity);
  if (input.weight !== undefined) product.weight = str(input.weight);
  applyMeta(store, product.metaData, input.meta_data);
  product.modifiedMs = store.nowMs();
  store.version++;
  store.emit({ topic: "product.updated", resourceId: id });
  return product;
}

/**
 * Trash (force=false) fires product.deleted via wp_trash_post. A forced delete fires nothing, removes the
 * variations too and orphans past line items (ids 0; their sku then reads null).
 */
export function deleteProduct(store: WooStore, id: number, force: boolean): EmulatedWooProduct {
  const product = store.products.get(id);
  if (!product) throw new RestError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
  if (force) {
    for (const vid of product.variationIds) store.variations.delete(vid);
    store.products.delete(id);
    orphanLineItems(store, new Set([id]), new Set(product.variationIds));
  } else {
    trash(store, product, "product", id);
  }
  store.version++;
  return product;
}

/**
 * Untrash (the admin's "Restore"): WordPress's wp_untrash_post saves the post again (its modified time moves) and
 * WooCommerce's `wp_untrash_post_status` filter gives a product back its status from before the trash. Only
 * product.restored fires (`untrashed_post`): the save goes through wp_update_post, not the product data store, so
 * none of product.updated's hooks run.
 */
export function restoreProduct(store: WooStore, id: number): EmulatedWooProduct {
  const product = store.products.get(id);
  if (!product || product.status !== "trash") {
    throw new RestError(400, "woocommerce_rest_product_invalid_id", "Invalid ID.");
  }
  product.status = product.trashedFrom ?? "draft";
  delete product.trashedFrom;
  product.modifiedMs = store.nowMs();
  store.version++;
  store.emit({ topic: "product.restored", resourceId: id });
  return product;
}

/** Adds a variation to a product; fires product.created and product.updated with the variation's id. */
export function createVariation(store: WooStore, productId: number, input: StoreInput): EmulatedWooVariation {
  const product = store.products.get(productId);
  if (!product || product.status === "trash") {
    throw new RestError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
  }
  const sku = str(input.sku);
  assertSkuFree(store, sku, 0);
  const now = store.nowMs();
  const variation: EmulatedWooVariation = {
    id: store.ids.post++,
    parentId: productId,
    sku,
    regularPriceCents: 0,
    salePriceCents: null,
    status: str(input.status, "publish"),
    createdMs: now,
    modifiedMs: now,
    manageStock: input.manage_stock === true,
    stockQuantity: input.stock_quantity === undefined ? null : Number(input.stock_quantity),
    attributes: Array.isArray(input.attributes)
      ? input.attributes.map((raw) => {
          const a = (raw ?? {}) as StoreInput;
          return { id: Number(a.id ?? 0), name: str(a.name), option: str(a.option) };
        })
      : [],
    description: str(input.description),
    menuOrder: product.variationIds.length,
    metaData: [],
  };
  setPrices(variation, input);
  if (variation.regularPriceCents === null) variation.regularPriceCents = 0;
  store.variations.set(variation.id, variation);
  product.variationIds.push(variation.id);
  store.version++;
  emitCreated(store, "product", variation.id);
  return variation;
}

/** Updates a variation; fires product.updated with the variation's id. */
export function updateVariation(
  store: WooStore,
  productId: number,
  id: number,
  input: StoreInput,
): EmulatedWooVariation {
  const variation = mustGetVariation(store, productId, id, 400);
  if (input.sku !== undefined) {
    assertSkuFree(store, str(input.sku), id);
    variation.sku = str(input.sku);
  }
  setPrices(variation, input);
  if (variation.regularPriceCents === null) variation.regularPriceCents = 0;
  if (input.status !== undefined) variation.status = str(input.status);
  if (input.description !== undefined) variation.description = str(input.description);
  if (input.manage_stock !== undefined) variation.manageStock = input.manage_stock === true;
  if (input.stock_quantity !== undefined) variation.stockQuantity = Number(input.stock_quantity);
  variation.modifiedMs = store.nowMs();
  store.version++;
  store.emit({ topic: "product.updated", resourceId: id });
  return variation;
}

/** Deletes a variation for good (variations are not trashed); past line items keep the product, lose the variation. */
export function deleteVariation(store: WooStore, productId: number, id: number): EmulatedWooVariation {
  const variation = mustGetVariation(store, productId, id, 404);
  store.variations.delete(id);
  const product = store.products.get(productId);
  if (product) product.variationIds = product.variationIds.filter((v) => v !== id);
  orphanLineItems(store, new Set(), new Set([id]));
  store.version++;
  return variation;
}

/**
 * `regular_price` / `sale_price` of a REST write: kept as WooCommerce stores them (`wc_format_decimal`, unrounded, so
 * "29" is served "29" and "0.125" stays "0.125"), with their value in cents for order arithmetic.
 */
function setPrices(
  record: {
    regularPriceCents: number | null;
    salePriceCents: number | null;
    regularPriceText?: string;
    salePriceText?: string;
  },
  input: StoreInput,
): void {
  if (input.regular_price !== undefined) {
    record.regularPriceText = wcFormatDecimal(input.regular_price);
    record.regularPriceCents = parseCents(record.regularPriceText);
  }
  if (input.sale_price !== undefined) {
    record.salePriceText = wcFormatDecimal(input.sale_price);
    record.salePriceCents = parseCents(record.salePriceText);
  }
}
