/**
 * `/products` and `/products/{id}/variations`. With `sku`, the products list searches variations too (the real
 * controller widens the query to `product_variation` posts) and renders a match in product shape.
 */
import type { WooEmulatorContext } from "../context";
import { RestError } from "../errors";
import { renderProduct, renderVariation, renderVariationAsProduct } from "../render/product";
import type { EmulatedWooProduct, EmulatedWooVariation } from "../store/records";
import {
  DATE_ARGS,
  ORDER_ARG,
  PAGING_ARGS,
  dateFilter,
  inIncludeOrder,
  includeExclude,
  paginate,
} from "./list";
import { validateArgs } from "./params";
import type { RestRequest, RestResult } from "./request";
import type { RestResource } from "./resource";

const PRODUCT_ORDERBY = [
  "date",
  "modified",
  "id",
  "include",
  "title",
  "slug",
  "price",
  "popularity",
  "rating",
  "menu_order",
];

type Listed =
  { kind: "product"; record: EmulatedWooProduct } | { kind: "variation"; record: EmulatedWooVariation };

function productSortKey(orderby: string, p: EmulatedWooProduct): number | string {
  switch (orderby) {
    case "modified":
      return p.modifiedMs;
    case "date":
      return p.createdMs;
    case "title":
      return p.name.toLowerCase();
    case "slug":
      return p.slug;
    case "price":
      return p.salePriceCents ?? p.regularPriceCents ?? 0;
    case "popularity":
      return p.totalSales;
    default:
      return p.id;
  }
}

function listProducts(ctx: WooEmulatorContext, req: RestRequest): RestResult {
  const args = validateArgs(
    {
      ...PAGING_ARGS,
      ...DATE_ARGS,
      order: ORDER_ARG,
      orderby: { type: "enum", values: PRODUCT_ORDERBY, default: "date" },
      status: {
        type: "enum",
        values: ["any", "future", "trash", "draft", "pending", "private", "publish"],
        default: "any",
      },
      type: { type: "enum", values: ["simple", "grouped", "external", "variable"] },
      sku: { type: "string" },
      featured: { type: "boolean" },
      stock_status: { type: "enum", values: ["instock", "outofstock", "onbackorder"] },
    },
    req.params,
  );
  const orderby = args.orderby as string;
  const order = args.order as "asc" | "desc";
  const status = args.status as string;
  const search = typeof args.search === "string" ? args.search.toLowerCase() : "";
  const inDates = dateFilter<{ createdMs: number; modifiedMs: number }>(
    args,
    ctx.render.utcOffsetMinutes,
    (p) => p.createdMs,
    (p) => p.modifiedMs,
  );
  const ids = includeExclude<{ id: number }>(req.params);
  const skus = skuFilter(args.sku);
  const statusMatches = (s: string) => (status === "any" ? s !== "trash" : s === status);
  const list = ctx.lists.filtered<Listed>("products", args, () => {
    const products = ctx.lists
      .sorted("products", ctx.store.products, orderby, order, (p) => productSortKey(orderby, p))
      .filter(
        (p) =>
          statusMatches(p.status) &&
          (args.type === undefined || p.type === args.type) &&
          (!skus || skus.has(p.sku)) &&
          (args.featured === undefined || p.featured === args.featured) &&
          inDates(p) &&
          ids(p) &&
          (!search || p.name.toLowerCase().includes(search)),
      );
    const ordered = orderby === "include" ? inIncludeOrder(req.params, products) : products;
    let listed: Listed[] = ordered.map((record) => ({ kind: "product", record }));
    if (skus && args.type === undefined && args.featured !== true) {
      const variations = [...ctx.store.variations.values()].filter(
        (v) => skus.has(v.sku) && statusMatches(v.status) && inDates(v) && ids(v) && !search,
      );
      if (variations.length) {
        const dir = order === "asc" ? 1 : -1;
        listed = [...listed, ...variations.map((record): Listed => ({ kind: "variation", record }))].sort(
          (a, b) => (a.record.createdMs - b.record.createdMs || a.record.id - b.record.id) * dir,
        );
      }
    }
    return listed;
  });
  const render = (item: Listed) =>
    item.kind === "product"
      ? renderProduct(item.record, ctx.render)
      : renderVariationAsProduct(item.record, ctx.render);
  return paginate(ctx.siteUrl, req, args, list, render, "products", false);
}

function mustGetProduct(ctx: WooEmulatorContext, id: number): EmulatedWooProduct {
  const product = ctx.store.products.get(id);
  if (!product) throw new RestError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
  return product;
}

export const productsResource: RestResource = {
  base: "products",
  list: listProducts,
  read: (ctx, id) => renderProduct(mustGetProduct(ctx, id), ctx.render),
  create: (ctx, params) => renderProduct(ctx.store.createProduct(params), ctx.render),
  update: (ctx, id, params) => renderProduct(ctx.store.updateProduct(id, params), ctx.render),
  remove(ctx, id, force) {
    // Rendered before the delete: trashing answers with the product as it was.
    const before = renderProduct(mustGetProduct(ctx, id), ctx.render);
    ctx.store.deleteProduct(id, force);
    return before;
  },
};

/** `/products/{productId}/variations`: the same routes, scoped to one parent product. */
export function variationsResource(ctx: WooEmulatorContext, productId: number): RestResource {
  const product = mustGetProduct(ctx, productId);
  const find = (id: number) => {
    const v = ctx.store.variations.get(id);
    if (!v || v.parentId !== productId)
      throw new RestError(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.");
    return v;
  };
  return {
    base: `products/${productId}/variations`,
    list(ctx, req) {
      const args = validateArgs(
        {
          ...PAGING_ARGS,
          ...DATE_ARGS,
          order: ORDER_ARG,
          orderby: {
            type: "enum",
            values: ["date", "modified", "id", "include", "title", "slug", "menu_order"],
            default: "date",
          },
        },
        req.params,
      );
      const dir = args.order === "asc" ? 1 : -1;
      const inDates = dateFilter<EmulatedWooVariation>(
        args,
        ctx.render.utcOffsetMinutes,
        (v) => v.createdMs,
        (v) => v.modifiedMs,
      );
      const list = product.variationIds
        .map((id) => ctx.store.variations.get(id))
        .filter((v): v is EmulatedWooVariation => !!v && v.status !== "trash" && inDates(v))
        .sort((a, b) =>
          args.orderby === "menu_order"
            ? (a.menuOrder - b.menuOrder) * dir
            : (a.createdMs - b.createdMs || a.id - b.id) * dir,
        );
      const render = (v: EmulatedWooVariation) => renderVariation(v, ctx.render);
      return paginate(ctx.siteUrl, req, args, list, render, `products/${productId}/variations`, false);
    },
    read: (ctx, id) => renderVariation(find(id), ctx.render),
    create: (ctx, params) => renderVariation(ctx.store.createVariation(productId, params), ctx.render),
    update: (ctx, id, params) =>
      renderVariation(ctx.store.updateVariation(productId, id, params), ctx.render),
    remove(ctx, id, force) {
      const before = renderVariation(find(id), ctx.render);
      if (!force) {
        throw new RestError(
          501,
          "woocommerce_rest_trash_not_supported",
          "The product_variation does not support trashing.",
        );
      }
      ctx.store.deleteVariation(productId, id);
      return before;
    },
  };
}

/**
 * WooCommerce's `sku` filter: none when the value is PHP-empty ("" or "0"); otherwise each comma-separated SKU,
 * plus the whole string when there is more than one (a SKU may itself contain a comma).
 */
function skuFilter(value: unknown): Set<string> | null {
  if (typeof value !== "string" || value === "" || value === "0") return null;
  const skus = value.split(",");
  if (skus.length > 1) skus.push(value);
  return new Set(skus);
}
