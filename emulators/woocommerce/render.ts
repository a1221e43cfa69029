/**
 * Records → REST v3 bodies, in the key order of a real WooCommerce 11.0.1 (see fixtures/real-11.0.1): a superset of
 * the v3 docs examples. Money is a string except a line item's unit `price`, which is a JSON number in real stores.
 */
import { createHash } from "node:crypto";
import {
  formatCents,
  type CustomerRecord,
  type MetaDatum,
  type OrderRecord,
  type ProductRecord,
  type RefundRecord,
  type VariationRecord,
  type WebhookRecord,
  type WooAddress,
} from "./model";

export const WC_VERSION = "11.0.1";
export const WP_VERSION = "7.1";

export interface RenderContext {
  /** Site URL without trailing slash, e.g. http://127.0.0.1:8088 */
  siteUrl: string;
  utcOffsetMinutes: number;
  product(id: number): ProductRecord | undefined;
  variation(id: number): VariationRecord | undefined;
}

const ALLOW_ITEM = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** WordPress site-time or GMT date string: "2026-11-24T04:33:12" (no zone, no fraction). */
export function wpDate(ms: number | null, offsetMinutes: number): string | null {
  if (ms === null) return null;
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
}

function dates(
  prefix: string,
  ms: number | null,
  ctx: RenderContext,
): [string, string | null, string, string | null] {
  return [prefix, wpDate(ms, ctx.utcOffsetMinutes), `${prefix}_gmt`, wpDate(ms, 0)];
}

function selfLinks(ctx: RenderContext, path: string, collection: string) {
  return {
    self: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/${path}`, targetHints: { allow: ALLOW_ITEM } }],
    collection: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/${collection}` }],
  };
}

function meta(items: MetaDatum[]) {
  return items.map((m) => ({ id: m.id, key: m.key, value: m.value }));
}

type AddressKey = Exclude<keyof WooAddress, "email" | "phone">;

// The real store orders the keys differently in customer and order bodies (state before or after postcode); the
// captures are compared byte for byte, so each keeps its own order.
const CUSTOMER_ADDRESS_KEYS: AddressKey[] = [
  "first_name",
  "last_name",
  "company",
  "address_1",
  "address_2",
  "city",
  "postcode",
  "country",
  "state",
];
const ORDER_ADDRESS_KEYS: AddressKey[] = [
  "first_name",
  "last_name",
  "company",
  "address_1",
  "address_2",
  "city",
  "state",
  "postcode",
  "country",
];

function address(a: WooAddress, keys: AddressKey[], withEmail: boolean) {
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = a[key];
  if (withEmail) out.email = a.email ?? "";
  out.phone = a.phone;
  return out;
}

function customerAddress(a: WooAddress, withEmail: boolean) {
  return address(a, CUSTOMER_ADDRESS_KEYS, withEmail);
}

function orderAddress(a: WooAddress, withEmail: boolean) {
  return address(a, ORDER_ADDRESS_KEYS, withEmail);
}

/** Gravatar URL as WordPress 7 builds it (SHA-256 of the trimmed, lower-cased email). */
export function avatarUrl(email: string): string {
  const hash = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
  return `https://secure.gravatar.com/avatar/${hash}?s=96&d=mm&r=g`;
}

export function renderCustomer(c: CustomerRecord, ctx: RenderContext): Record<string, unknown> {
  const [dc, dcv, dcg, dcgv] = dates("date_created", c.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", c.modifiedMs, ctx);
  return {
    id: c.id,
    [dc]: dcv,
    [dcg]: dcgv,
    [dm]: dmv,
    [dmg]: dmgv,
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    role: c.role,
    username: c.username,
    billing: customerAddress(c.billing, true),
    shipping: customerAddress(c.shipping, false),
    is_paying_customer: c.isPayingCustomer,
    avatar_url: avatarUrl(c.email),
    meta_data: meta(c.metaData),
    _links: selfLinks(ctx, `customers/${c.id}`, "customers"),
  };
}

function priceHtml(cents: number | null): string {
  if (cents === null) return "";
  return `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol" translate="no">&#36;</span>${formatCents(cents)}</bdi></span>`;
}

function variationPriceCents(v: VariationRecord): number {
  return v.salePriceCents ?? v.regularPriceCents;
}

export function renderProduct(p: ProductRecord, ctx: RenderContext): Record<string, unknown> {
  const variations = p.variationIds.map((id) => ctx.variation(id)).filter((v): v is VariationRecord => !!v);
  let priceCents: number | null;
  let html: string;
  if (p.type === "variable") {
    const prices = variations.map(variationPriceCents);
    priceCents = prices.length ? Math.min(...prices) : null;
    const max = prices.length ? Math.max(...prices) : null;
    html =
      priceCents === null
        ? ""
        : priceCents === max
          ? priceHtml(priceCents)
          : `${priceHtml(priceCents)} <span aria-hidden="true">&ndash;</span> ${priceHtml(max)}`;
  } else {
    priceCents = p.salePriceCents ?? p.regularPriceCents;
    html = priceHtml(priceCents);
  }
  const onSale = p.type === "simple" && p.salePriceCents !== null;
  const inStock = !p.manageStock || (p.stockQuantity ?? 0) > 0;
  const [dc, dcv, dcg, dcgv] = dates("date_created", p.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", p.modifiedMs, ctx);
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    permalink: `${ctx.siteUrl}/product/${p.slug}/`,
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
    price: priceCents === null ? "" : formatCents(priceCents),
    regular_price: p.regularPriceCents === null ? "" : formatCents(p.regularPriceCents),
    sale_price: p.salePriceCents === null ? "" : formatCents(p.salePriceCents),
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: onSale,
    purchasable: priceCents !== null,
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
    parent_id: 0,
    purchase_note: "",
    categories: p.categories.map((c) => ({ ...c })),
    brands: [],
    tags: [],
    images: [],
    attributes: p.attributes.map((a) => ({
      id: a.id,
      name: a.name,
      slug: a.slug,
      position: a.position,
      visible: a.visible,
      variation: a.variation,
      options: [...a.options],
    })),
    default_attributes: [],
    variations: [...p.variationIds],
    grouped_products: [],
    menu_order: 0,
    price_html: html,
    related_ids: [],
    meta_data: meta(p.metaData),
    stock_status: inStock ? "instock" : "outofstock",
    has_options: p.type === "variable",
    post_password: "",
    global_unique_id: "",
    _links: selfLinks(ctx, `products/${p.id}`, "products"),
  };
}

/** A variation as `/products/{id}/variations/{vid}` shows it in WooCommerce 11. */
export function renderVariation(v: VariationRecord, ctx: RenderContext): Record<string, unknown> {
  const parent = ctx.product(v.parentId);
  const price = variationPriceCents(v);
  const [dc, dcv, dcg, dcgv] = dates("date_created", v.createdMs, ctx);
  const [dm, dmv, dmg, dmgv] = dates("date_modified", v.modifiedMs, ctx);
  const query = v.attributes
    .map((a) => `attribute_${a.name.toLowerCase()}=${a.option.toLowerCase()}`)
    .join("&");
  return {
    id: v.id,
    type: "variation",
    [dc]: dcv,
    [dcg]: dcgv,
    [dm]: dmv,
    [dmg]: dmgv,
    description: v.description,
    permalink: `${ctx.siteUrl}/product/${parent?.slug ?? v.parentId}/${query ? `?${query}` : ""}`,
    sku: v.sku,
    global_unique_id: "",
    price: formatCents(price),
    regular_price: formatCents(v.regularPriceCents),
    sale_price: v.salePriceCents === null ? "" : formatCents(v.salePriceCents),
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
    name: parent ? `${parent.name} - ${v.attributes.map((a) => a.option).join(", ")}` : "",
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

/** Order totals in cents, derived from its lines (no taxes are modelled). */
export function orderTotals(o: OrderRecord): {
  itemsCents: number;
  shippingCents: number;
  totalCents: number;
} {
  const itemsCents = o.lineItems.reduce((sum, li) => sum + li.totalCents, 0);
  const shippingCents = o.shippingLines.reduce((sum, s) => sum + s.totalCents, 0);
  return { itemsCents, shippingCents, totalCents: itemsCents + shippingCents };
}

const UNPAID = new Set(["pending", "failed", "checkout-draft"]);

export function renderOrder(o: OrderRecord, ctx: RenderContext): Record<string, unknown> {
  const totals = orderTotals(o);
  const links: Record<string, unknown> = {
    ...selfLinks(ctx, `orders/${o.id}`, "orders"),
    email_templates: [
      { embeddable: true, href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/actions/email_templates` },
    ],
  };
  if (o.customerId > 0) links.customer = [{ href: `${ctx.siteUrl}/wp-json/wc/v3/customers/${o.customerId}` }];
  const editable = ["pending", "on-hold", "auto-draft", "checkout-draft"].includes(o.status);
  return {
    id: o.id,
    parent_id: o.parentId,
    status: o.status,
    currency: o.currency,
    version: WC_VERSION,
    prices_include_tax: false,
    date_created: wpDate(o.createdMs, ctx.utcOffsetMinutes),
    date_modified: wpDate(o.modifiedMs, ctx.utcOffsetMinutes),
    discount_total: formatCents(o.discountCents),
    discount_tax: "0.00",
    shipping_total: formatCents(totals.shippingCents),
    shipping_tax: "0.00",
    cart_tax: "0.00",
    total: formatCents(totals.totalCents - o.discountCents),
    total_tax: "0.00",
    customer_id: o.customerId,
    order_key: o.orderKey,
    billing: orderAddress(o.billing, true),
    shipping: orderAddress(o.shipping, false),
    payment_method: o.paymentMethod,
    payment_method_title: o.paymentMethodTitle,
    transaction_id: o.transactionId,
    customer_ip_address: "",
    customer_user_agent: "",
    created_via: o.createdVia,
    customer_note: o.customerNote,
    date_completed: wpDate(o.completedMs, ctx.utcOffsetMinutes),
    date_paid: wpDate(o.paidMs, ctx.utcOffsetMinutes),
    cart_hash: "",
    number: String(o.id),
    meta_data: meta(o.metaData),
    line_items: o.lineItems.map((li) => ({
      id: li.id,
      name: li.name,
      product_id: li.productId,
      variation_id: li.variationId,
      quantity: li.quantity,
      tax_class: "",
      subtotal: formatCents(li.subtotalCents),
      subtotal_tax: "0.00",
      total: formatCents(li.totalCents),
      total_tax: "0.00",
      taxes: [],
      meta_data: li.metaData.map((m) => ({
        id: m.id,
        key: m.key,
        value: m.value,
        display_key: m.key,
        display_value: m.value,
      })),
      sku: li.sku,
      global_unique_id: "",
      // Real WooCommerce sends the unit price as a JSON number (3, 19.99, 9.5), unlike every other amount.
      price: li.unitPriceCents / 100,
      image: { id: "", src: "" },
      parent_name: li.parentName,
    })),
    tax_lines: [],
    shipping_lines: o.shippingLines.map((s) => ({
      id: s.id,
      method_title: s.methodTitle,
      method_id: s.methodId,
      instance_id: s.instanceId,
      total: formatCents(s.totalCents),
      total_tax: "0.00",
      taxes: [],
      tax_status: "taxable",
      meta_data: [],
    })),
    fee_lines: [],
    coupon_lines: [],
    refunds: o.refunds.map((r) => ({ id: r.id, reason: r.reason, total: formatCents(-r.amountCents) })),
    payment_url: `${ctx.siteUrl}/checkout/order-pay/${o.id}/?pay_for_order=true&key=${o.orderKey}`,
    is_editable: editable,
    needs_payment: UNPAID.has(o.status) && totals.totalCents > 0,
    needs_processing: true,
    date_created_gmt: wpDate(o.createdMs, 0),
    date_modified_gmt: wpDate(o.modifiedMs, 0),
    date_completed_gmt: wpDate(o.completedMs, 0),
    date_paid_gmt: wpDate(o.paidMs, 0),
    currency_symbol: "$",
    _links: links,
  };
}

/** A refund as `/orders/{id}/refunds` shows it. */
export function renderRefund(o: OrderRecord, r: RefundRecord, ctx: RenderContext): Record<string, unknown> {
  return {
    id: r.id,
    date_created: wpDate(r.createdMs, ctx.utcOffsetMinutes),
    date_created_gmt: wpDate(r.createdMs, 0),
    amount: formatCents(r.amountCents),
    reason: r.reason,
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: [],
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    _links: {
      self: [
        {
          href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/refunds/${r.id}`,
          targetHints: { allow: ["GET", "DELETE"] },
        },
      ],
      collection: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}/refunds` }],
      up: [{ href: `${ctx.siteUrl}/wp-json/wc/v3/orders/${o.id}` }],
    },
  };
}

/** Which WordPress/WooCommerce hooks feed each webhook topic (as the real `hooks` field lists them). */
export const TOPIC_HOOKS: Record<string, string[]> = {
  "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
  "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
  "coupon.deleted": ["wp_trash_post"],
  "coupon.restored": ["untrashed_post"],
  "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
  "customer.updated": ["profile_update", "woocommerce_update_customer"],
  "customer.deleted": ["delete_user"],
  "order.created": ["woocommerce_new_order"],
  "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
  "order.deleted": ["wp_trash_post", "woocommerce_trash_order"],
  "order.restored": ["untrashed_post", "woocommerce_untrash_order"],
  "product.created": [
    "woocommerce_process_product_meta",
    "woocommerce_new_product",
    "woocommerce_new_product_variation",
  ],
  "product.updated": [
    "woocommerce_process_product_meta",
    "woocommerce_update_product",
    "woocommerce_update_product_variation",
  ],
  "product.deleted": ["wp_trash_post"],
  "product.restored": ["untrashed_post"],
};

export function renderWebhook(w: WebhookRecord, ctx: RenderContext): Record<string, unknown> {
  const [resource, event] = w.topic.split(".");
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    hooks: TOPIC_HOOKS[w.topic] ?? [],
    delivery_url: w.deliveryUrl,
    date_created: wpDate(w.createdMs, ctx.utcOffsetMinutes),
    date_created_gmt: wpDate(w.createdMs, 0),
    date_modified: wpDate(w.modifiedMs, ctx.utcOffsetMinutes),
    date_modified_gmt: wpDate(w.modifiedMs, 0),
    _links: selfLinks(ctx, `webhooks/${w.id}`, "webhooks"),
    secret: w.secret,
  };
}
