/**
 * Products and variations as WooCommerce 11 renders them: `/products` bodies (the real capture's key order),
 * `/products/{id}/variations` bodies, and a variation in product shape — what `/products?sku=` returns when the
 * SKU belongs to a variation.
 */
import {
  formatCents,
  type EmulatedWooMeta,
  type EmulatedWooProduct,
  type EmulatedWooVariation,
} from "../store/records";
import { ALLOW_ITEM, dates, meta, priceHtml, selfLinks, type RenderContext } from "./common";

/** The fields a product-shaped body is built from. */
interface ProductView {
  id: number;
  name: string;
  slug: string;
  permalink: string;
  createdMs: number;
  modifiedMs: number;
  type: string;
  status: string;
  featured: boolean;
  description: string;
  shortDescription: string;
  sku: string;
  priceCents: number | null;
  regularPriceCents: number | null;
  salePriceCents: number | null;
  /** Typed prices (records.ts); when absent, the cents are shown with 2 decimals. */
  priceText?: string;
  regularPriceText?: string;
  salePriceText?: string;
  priceHtml: string;
  totalSales: number;
  manageStock: boolean;
  stockQuantity: number | null;
  weight: string;
  parentId: number;
  categories: { id: number; name: string; slug: string }[];
  attributes: unknown[];
  variations: number[];
  menuOrder: number;
  metaData: EmulatedWooMeta[];
  hasOptions: boolean;
}

function money(cents: number | null): string {
  return cents === null ? "" : formatCents(cents);
}

function productBody(p: ProductView, ctx: RenderContext): Record<string, unknown> {
  const inStock = !p.manageStock || (p.stockQuantity ?? 0) > 0;
  const [dc, dcv, dcg, dcgv] = dates("date_created", p.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", p.modifiedMs, ctx);
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    permalink: p.permalink,
    [dc]: dcv,
    [dcg]: dcgv,
    [dm]: dmv,
    [dmg]: dmgv,
    type: p.type,
    status: p.status,
    featured: p.featured,
    catalog_visibility: "visible",
    description: p.description,
    short_description: p.shortDescription,
    sku: p.sku,
    price: p.priceText ?? money(p.priceCents),
    regular_price: p.regularPriceText ?? money(p.regularPriceCents),
    sale_price: p.salePriceText ?? money(p.salePriceCents),
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: p.type !== "variable" && p.salePriceCents !== null,
    purchasable: p.priceCents !== null,
    total_sales: p.totalSales,
    virtual: false,
    downloadable: false,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    external_url: "",
    button_text: "",
    tax_status: "taxable",
    tax_class: "",
    manage_stock: p.manageStock,
    stock_quantity: p.manageStock ? p.stockQuantity : null,
    backorders: "no",
    backorders_allowed: false,
    backordered: false,
    low_stock_amount: null,
    sold_individually: false,
    weight: p.weight,
    dimensions: { length: "", width: "", height: "" },
    shipping_required: true,
    shipping_taxable: true,
    shipping_class: "",
    shipping_class_id: 0,
    reviews_allowed: true,
    average_rating: "0.00",
    rating_count: 0,
    upsell_ids: [],
    cross_sell_ids: [],
    parent_id: p.parentId,
    purchase_note: "",
    categories: p.categories.map((c) => ({ ...c })),
    brands: [],
    tags: [],
    images: [],
    attributes: p.attributes,
    default_attributes: [],
    variations: p.variations,
    grouped_products: [],
    menu_order: p.menuOrder,
    price_html: p.priceHtml,
    related_ids: [],
    meta_data: meta(p.metaData),
    stock_status: inStock ? "instock" : "outofstock",
    has_options: p.hasOptions,
    post_password: "",
    global_unique_id: "",
  };
}

function variationPriceCents(v: EmulatedWooVariation): number {
  return v.salePriceCents ?? v.regularPriceCents;
}

/** The `price` a record shows: its sale price when it has one, else its regular price, as typed when typed. */
function shownPriceText(record: {
  salePriceCents: number | null;
  regularPriceText?: string;
  salePriceText?: string;
}): string | undefined {
  return record.salePriceCents !== null && record.salePriceText !== undefined
    ? record.salePriceText
    : record.salePriceCents === null
      ? record.regularPriceText
      : undefined;
}

export function renderProduct(p: EmulatedWooProduct, ctx: RenderContext): Record<string, unknown> {
  const variations = p.variationIds
    .map((id) => ctx.variation(id))
    .filter((v): v is EmulatedWooVariation => !!v);
  let priceCents: number | null;
  let priceText: string | undefined;
  let html: string;
  if (p.type === "variable") {
    const prices = variations.map(variationPriceCents);
    priceCents = prices.length ? Math.min(...prices) : null;
    const cheapest = variations.find((v) => variationPriceCents(v) === priceCents);
    priceText = cheapest ? shownPriceText(cheapest) : undefined;
    const max = prices.length ? Math.max(...prices) : null;
    html =
      priceCents === null
        ? ""
        : priceCents === max
          ? priceHtml(priceCents)
          : `${priceHtml(priceCents)} <span aria-hidden="true">&ndash;</span> ${priceHtml(max)}`;
  } else {
    priceCents = p.salePriceCents ?? p.regularPriceCents;
    priceText = shownPriceText(p);
    html = priceHtml(priceCents);
  }
  return {
    ...productBody(
      {
        ...p,
        permalink: `${ctx.siteUrl}/product/${p.slug}/`,
        priceCents,
        priceText,
        priceHtml: html,
        parentId: 0,
        attributes: p.attributes.map((a) => ({ ...a, options: [...a.options] })),
        variations: [...p.variationIds],
        menuOrder: 0,
        hasOptions: p.type === "variable",
      },
      ctx,
    ),
    _links: selfLinks(ctx, `products/${p.id}`, "products"),
  };
}

function variationName(v: EmulatedWooVariation, parent: EmulatedWooProduct | undefined): string {
  return parent ? `${parent.name} - ${v.attributes.map((a) => a.option).join(", ")}` : "";
}

function variationPermalink(
  v: EmulatedWooVariation,
  parent: EmulatedWooProduct | undefined,
  ctx: RenderContext,
) {
  const query = v.attributes
    .map((a) => `attribute_${a.name.toLowerCase()}=${a.option.toLowerCase()}`)
    .join("&");
  return `${ctx.siteUrl}/product/${parent?.slug ?? v.parentId}/${query ? `?${query}` : ""}`;
}

/** A variation found by `/products?sku=`: the products controller renders it in product shape, type "variation". */
export function renderVariationAsProduct(
  v: EmulatedWooVariation,
  ctx: RenderContext,
): Record<string, unknown> {
  const parent = ctx.product(v.parentId);
  const priceCents = variationPriceCents(v);
  return {
    ...productBody(
      {
        ...v,
        name: variationName(v, parent),
        slug: `${parent?.slug ?? v.parentId}-${v.attributes.map((a) => a.option.toLowerCase()).join("-")}`,
        permalink: variationPermalink(v, parent, ctx),
        type: "variation",
        featured: false,
        shortDescription: "",
        priceCents,
        priceText: shownPriceText(v),
        priceHtml: priceHtml(priceCents),
        totalSales: 0,
        weight: "",
        categories: [],
        attributes: v.attributes.map((a) => ({ ...a })),
        variations: [],
        hasOptions: false,
      },
      ctx,
    ),
    _links: {
      ...selfLinks(ctx, `products/${v.id}`, "products"),
      up: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/products/${v.parentId}` }],
    },
  };
}

/** A variation as `/products/{id}/variations/{vid}` shows it in WooCommerce 11. */
export function renderVariation(v: EmulatedWooVariation, ctx: RenderContext): Record<string, unknown> {
  const parent = ctx.product(v.parentId);
  const [dc, dcv, dcg, dcgv] = dates("date_created", v.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", v.modifiedMs, ctx);
  return {
    id: v.id,
    type: "variation",
    [dc]: dcv,
    [dcg]: dcgv,
    [dm]: dmv,
    [dmg]: dmgv,
    description: v.description,
    permalink: variationPermalink(v, parent, ctx),
    sku: v.sku,
    global_unique_id: "",
    price: shownPriceText(v) ?? formatCents(variationPriceCents(v)),
    regular_price: v.regularPriceText ?? formatCents(v.regularPriceCents),
    sale_price: v.salePriceText ?? money(v.salePriceCents),
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: v.salePriceCents !== null,
    status: v.status,
    purchasable: true,
    virtual: false,
    downloadable: false,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    tax_status: "taxable",
    tax_class: "",
    manage_stock: v.manageStock,
    stock_quantity: v.manageStock ? v.stockQuantity : null,
    stock_status: !v.manageStock || (v.stockQuantity ?? 0) > 0 ? "instock" : "outofstock",
    backorders: "no",
    backorders_allowed: false,
    backordered: false,
    low_stock_amount: null,
    weight: "",
    dimensions: { length: "", width: "", height: "" },
    shipping_class: "",
    shipping_class_id: 0,
    image: null,
    attributes: v.attributes.map((a) => ({ ...a })),
    menu_order: v.menuOrder,
    meta_data: meta(v.metaData),
    name: variationName(v, parent),
    parent_id: v.parentId,
    _links: {
      self: [
        {
          href: `${ctx.siteUrl}/wp-json/wc/v3/products/${v.parentId}/variations/${v.id}`,
          targetHints: { allow: ALLOW_ITEM },
        },
      ],
      collection: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/products/${v.parentId}/variations` }],
      up: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/products/${v.parentId}` }],
    },
  };
}
